/**
 * What the docs site is built from, on dbt/'s grocery warehouse: the layered lineage, the ERD
 * (and docs/erd.svg staying in step with it), column lineage from compiled SQL, and the
 * browser's selector (site/select.js) agreeing with mdw's own selector.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { runInNewContext } from 'node:vm';
import { buildErd, renderErdSvg } from '../../src/docs/erd.js';
import { buildLineage, columnLineage, expressionsAliasedAs, LAYERS } from '../../src/docs/lineage.js';
import { Graph } from '../../src/graph/dag.js';
import { selectNodes } from '../../src/graph/selector.js';
import type { Manifest } from '../../src/manifest/types.js';
import { loadProject } from '../../src/project/loader.js';
import { REPO_ROOT } from '../support/project.js';

const DBT = join(REPO_ROOT, 'dbt');
const manifest: Manifest = loadProject({ projectDir: DBT, profilesDir: DBT, partialParse: false }).manifest;

describe('lineage of dbt/', () => {
  const lineage = buildLineage(manifest);

  it('holds every model, source and snapshot with exactly the manifest edges', () => {
    const expectedIds = [
      ...Object.keys(manifest.sources),
      ...Object.values(manifest.nodes)
        .filter((n) => ['model', 'seed', 'snapshot'].includes(n.resource_type))
        .map((n) => n.unique_id),
    ].sort();
    assert.deepEqual(lineage.nodes.map((n) => n.id).sort(), expectedIds);
    const expectedEdges = expectedIds
      .filter((id) => manifest.nodes[id])
      .flatMap((id) => manifest.nodes[id]!.depends_on.nodes.map((p) => `${p} -> ${id}`))
      .sort();
    assert.deepEqual(lineage.edges.map(([a, b]) => `${a} -> ${b}`).sort(), expectedEdges);
  });

  it('places layers left to right (raw → stg → snp → std → cur) and every child right of its parents', () => {
    const byId = new Map(lineage.nodes.map((n) => [n.id, n]));
    for (const [parent, child] of lineage.edges)
      assert.ok(byId.get(parent)!.x < byId.get(child)!.x, `${parent} -> ${child}`);
    const rank = (layer: string) => LAYERS.indexOf(layer as (typeof LAYERS)[number]);
    for (const a of lineage.nodes) {
      for (const b of lineage.nodes)
        if (rank(a.layer) < rank(b.layer)) assert.ok(a.x < b.x, `${a.name} left of ${b.name}`);
    }
    assert.deepEqual([...new Set(lineage.nodes.map((n) => n.layer))].sort(), [
      'cur',
      'raw',
      'snp',
      'std',
      'stg',
    ]);
    const places = new Set(lineage.nodes.map((n) => `${n.x},${n.y}`));
    assert.equal(places.size, lineage.nodes.length, 'two nodes share a position');
  });
});

describe('ERD of dbt/', () => {
  const erd = buildErd(manifest);

  it('has the sales fact and the four dimensions it joins, with their keys', () => {
    const kinds = Object.fromEntries(erd.entities.map((e) => [e.name, e.kind]));
    assert.deepEqual(kinds, {
      mdw_cur_ft_sales: 'fact',
      mdw_std_dim_customers: 'dimension',
      mdw_std_dim_date: 'dimension',
      mdw_std_dim_employees: 'dimension',
      mdw_std_dim_products: 'dimension',
    });
    assert.deepEqual(
      erd.relationships.map(
        (r) => `${r.fromColumn} N:1 ${r.to.split('.').at(-1)}.${r.toColumn} (${r.cardinality})`,
      ),
      [
        'customer_key N:1 mdw_std_dim_customers.customer_key (N:1)',
        'date_key N:1 mdw_std_dim_date.date_key (N:1)',
        'employee_key N:1 mdw_std_dim_employees.employee_key (N:1)',
        'product_key N:1 mdw_std_dim_products.product_key (N:1)',
      ],
    );
    const fact = erd.entities.find((e) => e.kind === 'fact')!;
    assert.deepEqual(
      fact.columns.filter((c) => c.primaryKey).map((c) => c.name),
      ['sales_id'],
    );
    const customers = erd.entities.find((e) => e.name === 'mdw_std_dim_customers')!;
    assert.ok(customers.columns.find((c) => c.name === 'customer_key')!.primaryKey);
  });

  it('docs/erd.svg is what the manifest gives today (run `npm run docs:erd` after changing the models)', () => {
    assert.equal(readFileSync(join(REPO_ROOT, 'docs', 'erd.svg'), 'utf8'), renderErdSvg(erd));
  });
});

describe('column lineage', () => {
  it('finds the select-list expression of an alias, at the top level only', () => {
    const sql = 'select a, sum(b * (1 - c)) as total, coalesce(x, 0) as y from t';
    assert.deepEqual(
      expressionsAliasedAs(sql, 'total').map((e) => e.trim()),
      ['sum(b * (1 - c))'],
    );
    assert.deepEqual(
      expressionsAliasedAs(sql, 'y').map((e) => e.trim()),
      ['coalesce(x, 0)'],
    );
  });

  it('maps output columns to the parent columns they read or pass through', () => {
    const sql = `with s as (select id, price, qty from "db"."stg"."sales")
select id, price * qty as revenue, upper(name) as customer_name from s join "db"."stg"."customers" using (id)`;
    const parents = new Map([
      ['model.p.sales', ['id', 'price', 'qty']],
      ['model.p.customers', ['id', 'name']],
    ]);
    const lineage = columnLineage(sql, ['id', 'revenue', 'customer_name', 'constant'], parents);
    assert.deepEqual(lineage.revenue, [
      { node: 'model.p.sales', column: 'price' },
      { node: 'model.p.sales', column: 'qty' },
    ]);
    assert.deepEqual(lineage.customer_name, [{ node: 'model.p.customers', column: 'name' }]);
    assert.deepEqual(lineage.id?.map((e) => e.node).sort(), ['model.p.customers', 'model.p.sales']);
    assert.equal(lineage.constant, undefined);
  });
});

describe('the site selector (select.js) agrees with mdw', () => {
  const sandbox: { MdwSelect?: { select: (nodes: object, text: string) => Set<string> } } = {};
  runInNewContext(readFileSync(join(REPO_ROOT, 'src', 'docs', 'site', 'select.js'), 'utf8'), {
    globalThis: sandbox,
    window: undefined,
  });
  const lineageIds = new Set(buildLineage(manifest).nodes.map((n) => n.id));
  // As the site does: selectors run over every node and source; the graph draws its own nodes.
  const nodes = Object.fromEntries(
    [...Object.values(manifest.nodes), ...Object.values(manifest.sources)].map((item) => {
      const tags = [...item.tags, ...(Array.isArray(item.config.tags) ? (item.config.tags as string[]) : [])];
      return [
        item.unique_id,
        {
          name: item.resource_type === 'source' ? `${item.source_name}.${item.name}` : item.name,
          type: item.resource_type,
          fqn: item.fqn,
          path: item.original_file_path,
          tags,
          package: item.package_name,
          config: item.config,
          parents: manifest.parent_map[item.unique_id] ?? [],
          children: manifest.child_map[item.unique_id] ?? [],
        },
      ];
    }),
  );
  const graph = Graph.fromManifest(manifest);
  const selectors = [
    '+mdw_cur_ft_sales',
    'mdw_cur_ft_sales+',
    '1+mdw_std_dim_products',
    'mdw_stg_sales+1',
    '@mdw_std_dim_date',
    'stg.*',
    'cur',
    'mdw_std_dim_*',
    'path:models/std',
    'resource_type:snapshot',
    'source:grocery',
    'config.materialized:incremental',
    'tag:nonexistent',
    '+mdw_cur_daily_revenue,std.*',
    'mdw_stg_sales mdw_stg_products',
    '@mdw_stg_cities',
    'tag:daily',
  ];
  for (const selector of selectors) {
    it(selector, () => {
      const mdw = selectNodes(manifest, graph, {
        select: [selector],
        resourceTypes: ['model', 'seed', 'snapshot', 'source'],
      }).selected;
      const site = [...sandbox.MdwSelect!.select(nodes, selector)].filter((id) => lineageIds.has(id));
      assert.deepEqual(site.sort(), [...mdw].sort());
    });
  }
});

describe('the site selector on tags and config', () => {
  const sandbox: { MdwSelect?: { select: (nodes: object, text: string) => Set<string> } } = {};
  runInNewContext(readFileSync(join(REPO_ROOT, 'src', 'docs', 'site', 'select.js'), 'utf8'), {
    globalThis: sandbox,
    window: undefined,
  });
  const node = (name: string, tags: string[], parents: string[], children: string[]) => ({
    name,
    type: 'model',
    fqn: ['p', 'models', name],
    path: `models/${name}.sql`,
    tags,
    package: 'p',
    config: { materialized: name === 'c' ? 'table' : 'view' },
    parents,
    children,
  });
  const nodes = {
    a: node('a', ['daily'], [], ['b']),
    b: node('b', ['daily', 'pii'], ['a'], ['c']),
    c: node('c', [], ['b'], []),
  };
  const select = (text: string) => [...sandbox.MdwSelect!.select(nodes, text)].sort();

  it('matches tags, wildcards, config values and graph operators', () => {
    assert.deepEqual(select('tag:daily'), ['a', 'b']);
    assert.deepEqual(select('tag:pii+'), ['b', 'c']);
    assert.deepEqual(select('tag:p*'), ['b']);
    assert.deepEqual(select('tag:daily,config.materialized:view'), ['a', 'b']);
    assert.deepEqual(select('config.materialized:table'), ['c']);
    assert.deepEqual(select('+c'), ['a', 'b', 'c']);
    assert.deepEqual(select('tag:none'), []);
  });
});
