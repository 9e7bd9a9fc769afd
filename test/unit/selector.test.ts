import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Graph } from '../../src/graph/dag.js';
import { type SelectionOptions, selectNodes } from '../../src/graph/selector.js';
import { parseSelectorsFile } from '../../src/graph/selector-yaml.js';
import type {
  Manifest,
  ManifestNode,
  NodeConfig,
  NodeResourceType,
  SourceDefinition,
  TestMetadata,
} from '../../src/manifest/types.js';
import { ConfigError } from '../../src/util/errors.js';

// ── A tiny manifest factory: only the fields selection reads. ─────────────────────────

interface NodeSpec {
  type?: NodeResourceType;
  pkg?: string;
  /** path relative to the project root; `path` is derived by dropping the resource folder */
  file: string;
  fqn?: string[];
  deps?: string[];
  tags?: string[];
  config?: Partial<NodeConfig>;
  test?: TestMetadata;
}

function node(name: string, spec: NodeSpec): ManifestNode {
  const type = spec.type ?? 'model';
  const pkg = spec.pkg ?? 'shop';
  const folders = spec.file.split('/').slice(1, -1);
  return {
    unique_id: `${type}.${pkg}.${name}`,
    resource_type: type,
    name,
    package_name: pkg,
    path: spec.file.split('/').slice(1).join('/'),
    original_file_path: spec.file,
    fqn: spec.fqn ?? [pkg, ...folders, name],
    tags: spec.tags ?? [],
    config: {
      enabled: true,
      materialized: type === 'test' ? 'test' : 'view',
      tags: [],
      meta: {},
      ...spec.config,
    },
    depends_on: { nodes: spec.deps ?? [], macros: [] },
    test_metadata: spec.test,
  } as unknown as ManifestNode;
}

function source(sourceName: string, table: string, file: string, extra: Partial<SourceDefinition> = {}) {
  return {
    unique_id: `source.shop.${sourceName}.${table}`,
    resource_type: 'source',
    name: table,
    source_name: sourceName,
    package_name: 'shop',
    path: file.split('/').slice(1).join('/'),
    original_file_path: file,
    fqn: ['shop', ...file.split('/').slice(1, -1), sourceName, table],
    tags: [],
    config: { enabled: true },
    ...extra,
  } as unknown as SourceDefinition;
}

const M = (name: string) => `model.shop.${name}`;
const T = (name: string) => `test.shop.${name}`;
const generic = (name: string, namespace?: string): TestMetadata => ({ name, namespace, kwargs: {} });

/**
 * grocery.sales  → stg_sales ──→ fct_sales ──→ rpt_daily
 * grocery.stores → stg_stores ─┘     │          ↑
 *                  stg_stores → dim_stores ──────┘ ; stg_stores → stores_snapshot
 * crm.customers  → stg_customers            fct_sales → explore (analysis)
 * plus tests, a seed, a model from package util and disabled nodes.
 */
function shopManifest(): Manifest {
  const sources = [
    source('grocery', 'sales', 'models/stg/_sources.yml', { tags: ['raw'] }),
    source('grocery', 'stores', 'models/stg/_sources.yml'),
    source('crm', 'customers', 'models/stg/crm/_crm.yml'),
    source('legacy', 'old', 'models/stg/_sources.yml', { config: { enabled: false } }),
  ];
  const nodes = [
    node('stg_sales', {
      file: 'models/stg/stg_sales.sql',
      deps: ['source.shop.grocery.sales'],
      tags: ['daily'],
    }),
    node('stg_stores', { file: 'models/stg/stg_stores.sql', deps: ['source.shop.grocery.stores'] }),
    node('stg_customers', { file: 'models/stg/crm/stg_customers.sql', deps: ['source.shop.crm.customers'] }),
    node('fct_sales', {
      file: 'models/marts/fct_sales.sql',
      deps: [M('stg_sales'), M('stg_stores')],
      tags: ['daily', 'finance'],
      config: {
        materialized: 'incremental',
        unique_key: ['sale_id', 'store_id'],
        meta: { pii: true },
        full_refresh: false,
      },
    }),
    node('dim_stores', {
      file: 'models/marts/dim_stores.sql',
      deps: [M('stg_stores')],
      config: { materialized: 'table' },
    }),
    node('rpt_daily', {
      file: 'models/marts/reporting/rpt_daily.sql',
      deps: [M('fct_sales'), M('dim_stores')],
      config: { materialized: 'table' },
    }),
    node('disabled_model', {
      file: 'models/marts/disabled_model.sql',
      deps: [M('fct_sales')],
      config: { enabled: false },
    }),
    node('util_calendar', { pkg: 'util', file: 'models/util_calendar.sql' }),
    node('country_codes', {
      type: 'seed',
      file: 'seeds/country_codes.csv',
      config: { materialized: 'seed' },
    }),
    node('stores_snapshot', {
      type: 'snapshot',
      file: 'snapshots/stores_snapshot.sql',
      deps: [M('stg_stores')],
    }),
    node('explore', { type: 'analysis', file: 'analyses/explore.sql', deps: [M('fct_sales')] }),
    // tests
    node('not_null_stg_sales_id', {
      type: 'test',
      file: 'models/stg/_schema.yml',
      fqn: ['shop', 'stg', 'not_null_stg_sales_id'],
      deps: [M('stg_sales')],
      test: generic('not_null'),
    }),
    node('source_not_null_grocery_sales_id', {
      type: 'test',
      file: 'models/stg/_sources.yml',
      fqn: ['shop', 'stg', 'source_not_null_grocery_sales_id'],
      deps: ['source.shop.grocery.sales'],
      test: generic('not_null'),
    }),
    node('unique_fct_sales_sale_id', {
      type: 'test',
      file: 'models/marts/_schema.yml',
      fqn: ['shop', 'marts', 'unique_fct_sales_sale_id'],
      deps: [M('fct_sales')],
      test: generic('unique'),
      config: { tags: ['critical'] },
    }),
    node('relationships_fct_sales_store_id__dim_stores', {
      type: 'test',
      file: 'models/marts/_schema.yml',
      fqn: ['shop', 'marts', 'relationships_fct_sales_store_id__dim_stores'],
      deps: [M('fct_sales'), M('dim_stores')],
      test: generic('relationships'),
    }),
    node('assert_positive_sales', {
      type: 'test',
      file: 'tests/assert_positive_sales.sql',
      deps: [M('fct_sales')],
    }),
    node('equality_rpt_daily', {
      type: 'test',
      file: 'models/marts/reporting/_schema.yml',
      fqn: ['shop', 'marts', 'reporting', 'equality_rpt_daily'],
      deps: [M('rpt_daily')],
      test: generic('equality', 'dbt_utils'),
    }),
    // rpt_daily + one of its ancestors: "buildable" when rpt_daily is selected
    node('rowcount_rpt_daily_fct_sales', {
      type: 'test',
      file: 'tests/rowcount_rpt_daily_fct_sales.sql',
      deps: [M('rpt_daily'), M('fct_sales')],
    }),
    // rpt_daily + a node that is not upstream of it
    node('rpt_daily_covers_customers', {
      type: 'test',
      file: 'tests/rpt_daily_covers_customers.sql',
      deps: [M('rpt_daily'), M('stg_customers')],
    }),
    node('disabled_test', {
      type: 'test',
      file: 'tests/disabled_test.sql',
      deps: [M('fct_sales')],
      config: { enabled: false },
    }),
  ];
  return {
    metadata: { project_name: 'shop' },
    nodes: Object.fromEntries(nodes.map((n) => [n.unique_id, n])),
    sources: Object.fromEntries(sources.map((s) => [s.unique_id, s])),
    macros: {},
    docs: {},
    parent_map: {},
    child_map: {},
  } as unknown as Manifest;
}

const manifest = shopManifest();
const graph = Graph.fromManifest(manifest);
const ALL = ['model', 'seed', 'snapshot', 'test', 'analysis', 'source'] as const;

/** Names of the selected nodes, sorted (every name in the fixture is unique). */
function names(
  select: string | string[] | undefined,
  options: Omit<SelectionOptions, 'select'> = {},
): string[] {
  const list = select === undefined ? undefined : Array.isArray(select) ? select : [select];
  const { selected } = selectNodes(manifest, graph, { ...options, select: list });
  return [...selected].map((id) => (manifest.nodes[id] ?? manifest.sources[id]).name).sort();
}

const models = (select: string | string[], options: Omit<SelectionOptions, 'select'> = {}) =>
  names(select, { resourceTypes: ['model'], ...options });

const everything = (select: string | string[] | undefined, options: Omit<SelectionOptions, 'select'> = {}) =>
  names(select, { resourceTypes: [...ALL], ...options });

function throwsConfig(select: string, pattern: RegExp) {
  assert.throws(
    () => selectNodes(manifest, graph, { select: [select] }),
    (error: unknown) => error instanceof ConfigError && pattern.test(error.message),
    `expected a ConfigError matching ${pattern} for '${select}'`,
  );
}

// ── Methods ────────────────────────────────────────────────────────────────────────────

describe('default method', () => {
  it('selects a node by name', () => {
    assert.deepEqual(models('stg_sales'), ['stg_sales']);
    assert.deepEqual(names('country_codes'), ['country_codes']);
  });

  it('supports shell-style wildcards in names, in any folder', () => {
    assert.deepEqual(models('stg_*'), ['stg_customers', 'stg_sales', 'stg_stores']);
    assert.deepEqual(models('dim_store?'), ['dim_stores']);
    assert.deepEqual(models('[df]*'), ['dim_stores', 'fct_sales']);
    assert.deepEqual(models('[!s]*'), ['dim_stores', 'fct_sales', 'rpt_daily', 'util_calendar']);
    assert.deepEqual(models('[a-e]*'), ['dim_stores']);
    assert.deepEqual(models('stg_sale'), []);
  });

  it('selects a folder with `folder.*`, including subfolders', () => {
    assert.deepEqual(models('stg.*'), ['stg_customers', 'stg_sales', 'stg_stores']);
    assert.deepEqual(models('stg.crm.*'), ['stg_customers']);
    assert.deepEqual(models('marts.*'), ['dim_stores', 'fct_sales', 'rpt_daily']);
    assert.deepEqual(models('*.reporting.*'), ['rpt_daily']);
  });

  it('selects a folder by its bare fqn name', () => {
    assert.deepEqual(models('stg'), ['stg_customers', 'stg_sales', 'stg_stores']);
    assert.deepEqual(models('marts.reporting'), ['rpt_daily']);
  });

  it('matches fqn with or without the package name', () => {
    assert.deepEqual(models('shop.marts.fct_sales'), ['fct_sales']);
    assert.deepEqual(models('marts.fct_sales'), ['fct_sales']);
    assert.deepEqual(models('shop.stg.*'), ['stg_customers', 'stg_sales', 'stg_stores']);
    assert.deepEqual(models('util'), ['util_calendar']);
    assert.deepEqual(models('other.marts.fct_sales'), []);
  });

  it('treats a value with a slash as a path and a .sql/.csv file name as a file', () => {
    assert.deepEqual(models('models/stg/crm'), ['stg_customers']);
    assert.deepEqual(models('models/marts/fct_sales.sql'), ['fct_sales']);
    assert.deepEqual(models('fct_sales.sql'), ['fct_sales']);
    assert.deepEqual(names('country_codes.csv'), ['country_codes']);
  });
});

describe('fqn method', () => {
  it('matches names, folders and packages', () => {
    assert.deepEqual(models('fqn:rpt_daily'), ['rpt_daily']);
    assert.deepEqual(models('fqn:shop.stg.crm.stg_customers'), ['stg_customers']);
    assert.deepEqual(models('fqn:shop'), [
      'dim_stores',
      'fct_sales',
      'rpt_daily',
      'stg_customers',
      'stg_sales',
      'stg_stores',
    ]);
    assert.equal(models('fqn:*').length, 7);
  });

  it('matches sources by their fqn', () => {
    assert.deepEqual(names('fqn:stg.grocery.*', { resourceTypes: ['source'] }), ['sales', 'stores']);
  });
});

describe('path method', () => {
  it('selects a folder relative to the project root, with sources and tests defined there', () => {
    assert.deepEqual(everything('path:models/stg'), [
      'customers',
      'not_null_stg_sales_id',
      'rpt_daily_covers_customers', // attached to stg_customers (eager)
      'sales',
      'source_not_null_grocery_sales_id',
      'stg_customers',
      'stg_sales',
      'stg_stores',
      'stores',
    ]);
  });

  it('selects a single file', () => {
    assert.deepEqual(models('path:models/stg/stg_sales.sql'), ['stg_sales']);
    assert.deepEqual(names('path:seeds/country_codes.csv'), ['country_codes']);
  });

  it('accepts paths relative to the resource folder', () => {
    assert.deepEqual(models('path:marts/reporting'), ['rpt_daily']);
  });

  it('normalizes ./ prefixes, trailing slashes and backslashes', () => {
    assert.deepEqual(models('path:./models/marts/reporting/'), ['rpt_daily']);
    assert.deepEqual(models('path:models\\marts\\reporting'), ['rpt_daily']);
  });

  it('matches whole folder names only', () => {
    assert.deepEqual(models('path:models/st'), []);
    assert.deepEqual(models('path:models/marts/fct'), []);
  });

  it('supports wildcards that stay within one folder, and ** across folders', () => {
    assert.deepEqual(models('path:models/*/crm'), ['stg_customers']);
    assert.deepEqual(models('path:models/stg/*.sql'), ['stg_sales', 'stg_stores']);
    assert.deepEqual(models('path:models/*.sql'), ['util_calendar']);
    assert.deepEqual(models('path:models/**/stg_*.sql'), ['stg_customers', 'stg_sales', 'stg_stores']);
    assert.deepEqual(models('path:models/marts/**/rpt_daily.sql'), ['rpt_daily']);
  });
});

describe('file method', () => {
  it('matches the file name with or without its extension', () => {
    assert.deepEqual(models('file:fct_sales.sql'), ['fct_sales']);
    assert.deepEqual(models('file:fct_sales'), ['fct_sales']);
    assert.deepEqual(models('file:stg_*.sql'), ['stg_customers', 'stg_sales', 'stg_stores']);
  });

  it('selects every test defined in a YAML file', () => {
    assert.deepEqual(names('file:_schema.yml', { resourceTypes: ['test'] }), [
      'equality_rpt_daily',
      'not_null_stg_sales_id',
      'relationships_fct_sales_store_id__dim_stores',
      'unique_fct_sales_sale_id',
    ]);
  });
});

describe('tag method', () => {
  it('selects nodes by tag, with wildcards', () => {
    assert.deepEqual(models('tag:daily'), ['fct_sales', 'stg_sales']);
    assert.deepEqual(models('tag:fin*'), ['fct_sales']);
    assert.deepEqual(models('tag:nightly'), []);
  });

  it('reads config.tags too, and source tags', () => {
    assert.deepEqual(names('tag:critical', { resourceTypes: ['test'] }), ['unique_fct_sales_sale_id']);
    assert.deepEqual(names('tag:raw', { resourceTypes: ['source'] }), ['sales']);
  });
});

describe('resource_type method', () => {
  it('selects by resource type', () => {
    assert.deepEqual(names('resource_type:seed'), ['country_codes']);
    assert.deepEqual(names('resource_type:snapshot'), ['stores_snapshot']);
    assert.deepEqual(names('resource_type:analysis'), ['explore']);
    assert.deepEqual(names('resource_type:source', { resourceTypes: ['source'] }), [
      'customers',
      'sales',
      'stores',
    ]);
    assert.equal(names('resource_type:test', { resourceTypes: ['test'] }).length, 8);
  });

  it('matches nothing for dbt resource types mdw does not have, and rejects unknown ones', () => {
    const result = selectNodes(manifest, graph, { select: ['resource_type:exposure'] });
    assert.deepEqual([...result.selected], []);
    assert.deepEqual(result.unmatched, ['resource_type:exposure']);
    throwsConfig('resource_type:table', /resource_type.*'table'.*model/);
  });
});

describe('source method', () => {
  const sources = (select: string) => names(select, { resourceTypes: ['source'] });

  it('selects by source name, source.table and package.source.table', () => {
    assert.deepEqual(sources('source:grocery'), ['sales', 'stores']);
    assert.deepEqual(sources('source:grocery.sales'), ['sales']);
    assert.deepEqual(sources('source:shop.crm.customers'), ['customers']);
    assert.deepEqual(sources('source:other.crm.customers'), []);
  });

  it('supports wildcards', () => {
    assert.deepEqual(sources('source:*'), ['customers', 'sales', 'stores']);
    assert.deepEqual(sources('source:gro*.st*'), ['stores']);
  });

  it('selects only sources, and models that read them with +', () => {
    assert.deepEqual(models('source:grocery'), []);
    assert.deepEqual(models('source:grocery.stores+'), [
      'dim_stores',
      'fct_sales',
      'rpt_daily',
      'stg_stores',
    ]);
  });

  it('rejects more than three parts', () => {
    throwsConfig('source:a.b.c.d', /source selector 'a\.b\.c\.d'/);
  });
});

describe('package method', () => {
  it('selects by package name, with wildcards and `this` for the root project', () => {
    assert.deepEqual(models('package:util'), ['util_calendar']);
    assert.deepEqual(models('package:ut*'), ['util_calendar']);
    assert.deepEqual(models('package:this'), models('package:shop'));
    assert.equal(models('package:this').length, 6);
  });
});

describe('config method', () => {
  it('matches string configs exactly', () => {
    assert.deepEqual(models('config.materialized:incremental'), ['fct_sales']);
    assert.deepEqual(models('config.materialized:table'), ['dim_stores', 'rpt_daily']);
    assert.deepEqual(models('config.materialized:incr'), []);
    assert.deepEqual(names('config.materialized:seed'), ['country_codes']);
  });

  it('matches list elements, nested keys and booleans', () => {
    assert.deepEqual(models('config.unique_key:store_id'), ['fct_sales']);
    assert.deepEqual(models('config.meta.pii:true'), ['fct_sales']);
    assert.deepEqual(models('config.meta.pii:True'), ['fct_sales']);
    assert.deepEqual(models('config.full_refresh:false'), ['fct_sales']);
    assert.deepEqual(models('config.meta.pii:false'), []);
    assert.deepEqual(models('config.meta.missing.deeper:x'), []);
  });

  it('needs a config key', () => {
    throwsConfig('config:table', /config method needs a key/);
  });
});

describe('test_type method', () => {
  const tests = (select: string) => names(select, { resourceTypes: ['test'] });

  it('separates generic and singular tests', () => {
    assert.deepEqual(tests('test_type:generic'), [
      'equality_rpt_daily',
      'not_null_stg_sales_id',
      'relationships_fct_sales_store_id__dim_stores',
      'source_not_null_grocery_sales_id',
      'unique_fct_sales_sale_id',
    ]);
    assert.deepEqual(tests('test_type:singular'), [
      'assert_positive_sales',
      'rowcount_rpt_daily_fct_sales',
      'rpt_daily_covers_customers',
    ]);
  });

  it('treats data as every data test and unit as none', () => {
    assert.equal(tests('test_type:data').length, 8);
    assert.deepEqual(tests('test_type:unit'), []);
    assert.deepEqual(names('test_type:generic', { resourceTypes: ['model'] }), []);
  });

  it('rejects unknown test types', () => {
    throwsConfig('test_type:schema', /test_type selector 'schema'.*generic, singular, data, unit/);
  });
});

describe('test_name method', () => {
  const tests = (select: string) => names(select, { resourceTypes: ['test'] });

  it('selects generic tests by the test they instantiate', () => {
    assert.deepEqual(tests('test_name:not_null'), [
      'not_null_stg_sales_id',
      'source_not_null_grocery_sales_id',
    ]);
    assert.deepEqual(tests('test_name:equality'), ['equality_rpt_daily']);
    assert.deepEqual(tests('test_name:dbt_utils.equality'), ['equality_rpt_daily']);
    assert.deepEqual(tests('test_name:u*'), ['unique_fct_sales_sale_id']);
    assert.deepEqual(tests('test_name:assert_positive_sales'), []);
  });
});

describe('unknown methods', () => {
  it('names the method and lists the valid ones', () => {
    throwsConfig(
      'colour:red',
      /Unknown selector method 'colour' in 'colour:red'.*config, file, fqn.*test_type/,
    );
    throwsConfig('tag.sub:x', /tag method takes no '\.' arguments/);
  });

  it('says when a dbt method is not supported', () => {
    throwsConfig('state:modified', /method 'state'.*not supported by mdw/);
  });
});

// ── Graph operators ───────────────────────────────────────────────────────────────────

describe('graph operators', () => {
  it('+x adds all ancestors, including sources', () => {
    assert.deepEqual(models('+fct_sales'), ['fct_sales', 'stg_sales', 'stg_stores']);
    assert.deepEqual(names('+fct_sales', { resourceTypes: ['model', 'source'] }), [
      'fct_sales',
      'sales',
      'stg_sales',
      'stg_stores',
      'stores',
    ]);
  });

  it('x+ adds all descendants, tests included directly', () => {
    assert.deepEqual(models('stg_stores+'), ['dim_stores', 'fct_sales', 'rpt_daily', 'stg_stores']);
    assert.deepEqual(everything('rpt_daily+'), [
      'equality_rpt_daily',
      'rowcount_rpt_daily_fct_sales',
      'rpt_daily',
      'rpt_daily_covers_customers',
    ]);
  });

  it('N+x and x+N limit the depth', () => {
    assert.deepEqual(models('1+rpt_daily'), ['dim_stores', 'fct_sales', 'rpt_daily']);
    assert.deepEqual(models('2+rpt_daily'), [
      'dim_stores',
      'fct_sales',
      'rpt_daily',
      'stg_sales',
      'stg_stores',
    ]);
    assert.deepEqual(models('stg_stores+1'), ['dim_stores', 'fct_sales', 'stg_stores']);
    assert.deepEqual(models('stg_stores+2'), ['dim_stores', 'fct_sales', 'rpt_daily', 'stg_stores']);
    assert.deepEqual(models('stg_stores+0'), ['stg_stores']);
    assert.deepEqual(models('12+rpt_daily'), models('+rpt_daily'));
  });

  it('+x+ and N+x+N combine both directions', () => {
    assert.deepEqual(models('+dim_stores+'), ['dim_stores', 'rpt_daily', 'stg_stores']);
    assert.deepEqual(models('1+fct_sales+1'), ['fct_sales', 'rpt_daily', 'stg_sales', 'stg_stores']);
  });

  // Tests are descendants too, so a parent of a downstream test counts (stg_customers, via
  // rpt_daily_covers_customers), as in dbt.
  it('@x adds descendants and all ancestors of those descendants', () => {
    assert.deepEqual(models('stg_sales+'), ['fct_sales', 'rpt_daily', 'stg_sales']);
    assert.deepEqual(models('@stg_sales'), [
      'dim_stores',
      'fct_sales',
      'rpt_daily',
      'stg_customers',
      'stg_sales',
      'stg_stores',
    ]);
    assert.ok(names('@stg_sales', { resourceTypes: ['source'] }).includes('stores'));
  });

  it('applies to every node a method matched', () => {
    assert.deepEqual(models('tag:daily+'), ['fct_sales', 'rpt_daily', 'stg_sales']);
    assert.deepEqual(models('+config.materialized:table'), [
      'dim_stores',
      'fct_sales',
      'rpt_daily',
      'stg_sales',
      'stg_stores',
    ]);
  });

  it('never walks into disabled nodes', () => {
    assert.deepEqual(names('fct_sales+', { resourceTypes: ['model', 'analysis'] }), [
      'explore',
      'fct_sales',
      'rpt_daily',
    ]);
  });

  it('rejects invalid operator syntax', () => {
    throwsConfig('@fct_sales+', /Invalid selector '@fct_sales\+'.*'@'/);
    throwsConfig('@+fct_sales', /Invalid selector '@\+fct_sales'/);
    throwsConfig('++fct_sales', /Invalid selector '\+\+fct_sales'/);
    throwsConfig('fct_sales++', /Invalid selector 'fct_sales\+\+'/);
    throwsConfig('fct+sales', /Invalid selector 'fct\+sales'/);
    throwsConfig('+', /Invalid selector '\+'/);
    throwsConfig('fct@sales', /Invalid selector 'fct@sales'/);
  });
});

// ── Set operators ─────────────────────────────────────────────────────────────────────

describe('unions and intersections', () => {
  it('unites whitespace-separated tokens and separate arguments alike', () => {
    const expected = ['dim_stores', 'stg_sales'];
    assert.deepEqual(models('stg_sales dim_stores'), expected);
    assert.deepEqual(models(['stg_sales', 'dim_stores']), expected);
    assert.deepEqual(models(['  stg_sales\t dim_stores  ']), expected);
  });

  it('intersects comma-separated criteria', () => {
    assert.deepEqual(models('tag:daily,config.materialized:incremental'), ['fct_sales']);
    assert.deepEqual(models('stg.*,tag:daily'), ['stg_sales']);
    assert.deepEqual(models('+rpt_daily,stg.*'), ['stg_sales', 'stg_stores']);
    assert.deepEqual(models('tag:daily,stg.*,config.materialized:incremental'), []);
  });

  it('combines intersections inside a union', () => {
    assert.deepEqual(models('tag:daily,stg.* config.materialized:table'), [
      'dim_stores',
      'rpt_daily',
      'stg_sales',
    ]);
  });

  it('attaches tests per criterion, so a model intersected with a test method gives its tests', () => {
    assert.deepEqual(everything('fct_sales,test_type:singular'), [
      'assert_positive_sales',
      'rowcount_rpt_daily_fct_sales',
    ]);
    assert.deepEqual(everything('fct_sales,test_name:unique'), ['unique_fct_sales_sale_id']);
  });

  it('rejects empty comma parts', () => {
    throwsConfig('a,,b', /Invalid selector 'a,,b'/);
    throwsConfig('a,', /Invalid selector 'a,'/);
  });
});

describe('exclude', () => {
  it('removes the matched nodes', () => {
    assert.deepEqual(models('stg.*', { exclude: ['stg_customers'] }), ['stg_sales', 'stg_stores']);
  });

  it('applies graph operators in the exclusion', () => {
    assert.deepEqual(models('+rpt_daily', { exclude: ['+dim_stores'] }), [
      'fct_sales',
      'rpt_daily',
      'stg_sales',
    ]);
    assert.deepEqual(models('stg_stores+', { exclude: ['fct_sales+', 'dim_stores'] }), ['stg_stores']);
  });

  it('works without a selection, against everything', () => {
    assert.deepEqual(
      names(undefined, { exclude: ['resource_type:test', 'models/', 'analyses/explore.sql'] }),
      ['country_codes', 'stores_snapshot'],
    );
  });

  it('removes every test with an excluded parent, even in eager mode', () => {
    assert.deepEqual(everything('fct_sales dim_stores', { exclude: ['dim_stores'] }), [
      'assert_positive_sales',
      'fct_sales',
      'rowcount_rpt_daily_fct_sales',
      'unique_fct_sales_sale_id',
    ]);
  });

  it('removes directly excluded tests', () => {
    assert.deepEqual(everything('fct_sales', { exclude: ['test_type:singular'] }), [
      'fct_sales',
      'relationships_fct_sales_store_id__dim_stores',
      'unique_fct_sales_sale_id',
    ]);
  });
});

// ── Indirect test selection ───────────────────────────────────────────────────────────

describe('indirect selection', () => {
  it('eager (the default) adds tests with ANY selected parent', () => {
    const expected = [
      'assert_positive_sales',
      'fct_sales',
      'relationships_fct_sales_store_id__dim_stores',
      'rowcount_rpt_daily_fct_sales',
      'unique_fct_sales_sale_id',
    ];
    assert.deepEqual(everything('fct_sales'), expected);
    assert.deepEqual(everything('fct_sales', { indirectSelection: 'eager' }), expected);
  });

  it('cautious adds only tests whose parents are ALL selected', () => {
    assert.deepEqual(everything('fct_sales', { indirectSelection: 'cautious' }), [
      'assert_positive_sales',
      'fct_sales',
      'unique_fct_sales_sale_id',
    ]);
  });

  it('cautious picks up a multi-parent test once the union covers its parents', () => {
    const withBoth = [
      'assert_positive_sales',
      'dim_stores',
      'fct_sales',
      'relationships_fct_sales_store_id__dim_stores',
      'unique_fct_sales_sale_id',
    ];
    assert.deepEqual(everything('fct_sales dim_stores', { indirectSelection: 'cautious' }), withBoth);
    assert.deepEqual(everything(['fct_sales', 'dim_stores'], { indirectSelection: 'cautious' }), withBoth);
  });

  it('cautious excludes only the tests whose parents are all excluded (dbt 1.11; test/dbt/unit-parity)', () => {
    assert.deepEqual(
      everything('fct_sales dim_stores', { indirectSelection: 'cautious', exclude: ['dim_stores'] }),
      [
        'assert_positive_sales',
        'fct_sales',
        'relationships_fct_sales_store_id__dim_stores',
        'unique_fct_sales_sale_id',
      ],
    );
  });

  it('buildable also accepts parents upstream of the selection', () => {
    assert.deepEqual(everything('rpt_daily', { indirectSelection: 'buildable' }), [
      'equality_rpt_daily',
      'rowcount_rpt_daily_fct_sales',
      'rpt_daily',
    ]);
    assert.deepEqual(everything('rpt_daily', { indirectSelection: 'cautious' }), [
      'equality_rpt_daily',
      'rpt_daily',
    ]);
    assert.deepEqual(everything('rpt_daily', { indirectSelection: 'eager' }), [
      'equality_rpt_daily',
      'rowcount_rpt_daily_fct_sales',
      'rpt_daily',
      'rpt_daily_covers_customers',
    ]);
  });

  it('empty adds no tests, but tests reached by + are still selected', () => {
    assert.deepEqual(everything('fct_sales', { indirectSelection: 'empty' }), ['fct_sales']);
    assert.ok(everything('fct_sales+', { indirectSelection: 'empty' }).includes('unique_fct_sales_sale_id'));
  });

  it('selects tests on selected sources', () => {
    assert.deepEqual(names('source:grocery', { resourceTypes: ['test'] }), [
      'source_not_null_grocery_sales_id',
    ]);
  });

  it('never selects disabled tests', () => {
    assert.ok(!everything('fct_sales+').includes('disabled_test'));
    assert.ok(!everything(undefined).includes('disabled_test'));
  });

  it('rejects an unknown mode', () => {
    assert.throws(
      () => selectNodes(manifest, graph, { indirectSelection: 'greedy' as never }),
      (error: unknown) => error instanceof ConfigError && /'greedy'.*eager, cautious/.test(error.message),
    );
  });
});

// ── Resource types, disabled nodes, unmatched terms ──────────────────────────────────

describe('resource types', () => {
  it('defaults to every node type but no sources', () => {
    const all = names(undefined);
    assert.equal(all.length, 7 + 1 + 1 + 1 + 8);
    assert.ok(!all.includes('sales'));
    assert.ok(!names('source:grocery+').includes('sales'));
    assert.ok(names('source:grocery+').includes('stg_sales'));
  });

  it('filters the final selection, including indirectly selected tests', () => {
    assert.deepEqual(names('fct_sales', { resourceTypes: ['test'] }), [
      'assert_positive_sales',
      'relationships_fct_sales_store_id__dim_stores',
      'rowcount_rpt_daily_fct_sales',
      'unique_fct_sales_sale_id',
    ]);
    assert.deepEqual(names('+stg_sales', { resourceTypes: ['source'] }), ['sales']);
    assert.deepEqual(names('+stg_sales', { resourceTypes: ['seed'] }), []);
  });

  it('treats an empty or blank selection as everything', () => {
    assert.deepEqual(names([]), names(undefined));
    assert.deepEqual(names(['', '  ']), names(undefined));
  });
});

describe('disabled nodes', () => {
  it('are never selected, not even by name', () => {
    const result = selectNodes(manifest, graph, {
      select: ['disabled_model', 'source:legacy'],
      resourceTypes: [...ALL],
    });
    assert.equal(result.selected.size, 0);
    assert.deepEqual(result.unmatched, ['disabled_model', 'source:legacy']);
    assert.ok(!everything(undefined).includes('disabled_model'));
    assert.ok(!everything(undefined).includes('old'));
  });
});

describe('result shape', () => {
  it('lists tokens that matched nothing, from select and exclude, as written', () => {
    const result = selectNodes(manifest, graph, {
      select: ['nope fct_sales', 'fct_sales,tag:nightly', 'nope'],
      exclude: ['+gone'],
    });
    assert.deepEqual(result.unmatched, ['nope', 'fct_sales,tag:nightly', '+gone']);
  });

  it('does not count a token filtered out by resource type as unmatched', () => {
    const result = selectNodes(manifest, graph, { select: ['source:grocery'], resourceTypes: ['model'] });
    assert.deepEqual(result.unmatched, []);
    assert.equal(result.selected.size, 0);
  });

  it('iterates the selection in sorted unique_id order', () => {
    const { selected } = selectNodes(manifest, graph, { select: ['rpt_daily', '+fct_sales'] });
    assert.deepEqual([...selected], [...selected].sort());
    assert.ok(selected.has(M('rpt_daily')) && selected.has(T('assert_positive_sales')));
  });
});

describe('YAML selectors (selectors.yml)', () => {
  const yaml = (text: string) => parseSelectorsFile(text, 'selectors.yml');
  const viaSelector = (text: string, name: string, options: Omit<SelectionOptions, 'selector'> = {}) => {
    const { selected } = selectNodes(manifest, graph, {
      resourceTypes: [...ALL],
      ...options,
      selector: name,
      selectors: yaml(text),
    });
    return [...selected].map((id) => id.split('.').pop()).sort();
  };

  it('a string definition selects as --select does, tests attached eagerly', () => {
    const text = 'selectors:\n  - name: s\n    definition: fct_sales';
    assert.deepEqual(viaSelector(text, 's'), everything('fct_sales'));
  });

  it("a criterion's indirect_selection overrides the flag; without it the flag applies", () => {
    const cautious = `selectors:
  - name: s
    definition: {method: fqn, value: fct_sales, indirect_selection: cautious}`;
    assert.deepEqual(viaSelector(cautious, 's'), [
      'assert_positive_sales',
      'fct_sales',
      'unique_fct_sales_sale_id',
    ]);
    assert.deepEqual(viaSelector(cautious, 's', { indirectSelection: 'eager' }), [
      'assert_positive_sales',
      'fct_sales',
      'unique_fct_sales_sale_id',
    ]);
    const plain = 'selectors:\n  - name: s\n    definition: {method: fqn, value: fct_sales}';
    assert.deepEqual(viaSelector(plain, 's', { indirectSelection: 'empty' }), ['fct_sales']);
  });

  it("a union of cautious criteria does not add a test pending on both (dbt's set operators are eager)", () => {
    const text = `selectors:
  - name: s
    definition:
      union:
        - {method: fqn, value: fct_sales, indirect_selection: cautious}
        - {method: fqn, value: dim_stores, indirect_selection: cautious}`;
    // unlike `--select "fct_sales dim_stores" --indirect-selection cautious` (test above)
    assert.ok(!viaSelector(text, 's').includes('relationships_fct_sales_store_id__dim_stores'));
    assert.ok(viaSelector(text, 's').includes('unique_fct_sales_sale_id'));
  });

  it('union with exclude, intersection, graph operators and the one-key shorthand', () => {
    const text = `selectors:
  - name: downstream
    definition:
      union:
        - {method: fqn, value: stg_stores, children: true, indirect_selection: empty}
        - exclude: [dim_stores, "resource_type:snapshot"]
  - name: daily_models
    definition:
      intersection:
        - {tag: daily}
        - resource_type: model
  - name: parents
    definition: {method: fqn, value: rpt_daily, parents: true, parents_depth: 1, indirect_selection: empty}
  - name: depth_alone
    definition: {method: fqn, value: rpt_daily, parents_depth: 1, indirect_selection: empty}`;
    const models = { resourceTypes: ['model', 'analysis'] as const };
    assert.deepEqual(viaSelector(text, 'downstream', models), [
      'explore',
      'fct_sales',
      'rpt_daily',
      'stg_stores',
    ]);
    assert.deepEqual(viaSelector(text, 'daily_models', models), ['fct_sales', 'stg_sales']);
    assert.deepEqual(viaSelector(text, 'parents'), ['dim_stores', 'fct_sales', 'rpt_daily']);
    // dbt reads parents_depth only with parents: true
    assert.deepEqual(viaSelector(text, 'depth_alone'), ['rpt_daily']);
  });

  it('method: selector reuses a selector defined above; a criterion may carry its own exclude', () => {
    const text = `selectors:
  - name: base
    definition: {method: fqn, value: fct_sales, children: true, indirect_selection: empty}
  - name: reuse
    definition:
      union:
        - {method: selector, value: base}
        - {method: fqn, value: dim_stores, indirect_selection: empty, exclude: [dim_stores]}
  - name: trimmed
    definition: {method: fqn, value: fct_sales, children: true, indirect_selection: empty, exclude: [explore]}`;
    const models = { resourceTypes: ['model', 'analysis'] as const };
    assert.deepEqual(viaSelector(text, 'reuse', models), ['explore', 'fct_sales', 'rpt_daily']);
    assert.deepEqual(viaSelector(text, 'trimmed', models), ['fct_sales', 'rpt_daily']);
  });

  it('the default selector applies only when nothing is selected, excluded or named', () => {
    const selectors = yaml(`selectors:
  - name: other
    definition: stg_sales
  - name: main
    default: true
    definition: {method: fqn, value: dim_stores, indirect_selection: empty}`);
    const pick = (options: SelectionOptions) =>
      [...selectNodes(manifest, graph, { selectors, ...options }).selected].map((id) => id.split('.').pop());
    assert.deepEqual(pick({}), ['dim_stores']);
    assert.deepEqual(pick({ select: ['stg_stores'], indirectSelection: 'empty' }), ['stg_stores']);
    assert.deepEqual(pick({ selector: 'other', indirectSelection: 'empty' }), ['stg_sales']);
    assert.ok(pick({ useDefaultSelector: false }).length > 1);
  });

  it('mistakes are one sentence naming selectors.yml and the selector', () => {
    assert.throws(
      () => selectNodes(manifest, graph, { selector: 'nope', selectors: yaml('selectors: []') }),
      (error: unknown) =>
        error instanceof ConfigError && /Could not find selector named 'nope'/.test(error.message),
    );
    const bad: [string, RegExp][] = [
      ['selectors:\n  - name: s\n    definition: {method: selector, value: later}', /selector 's'.*later/],
      [
        'selectors:\n  - name: s\n    definition:\n      union: [a, {exclude: [b]}, {exclude: [c]}]',
        /only one 'exclude'/,
      ],
      ['selectors:\n  - name: s\n    definition: {method: fqn, value: a, indirect_selection: lazy}', /lazy/],
      [
        'selectors:\n  - name: s\n    definition: {union: [a], exclude: [b]}',
        /single 'union' or 'intersection'/,
      ],
      [
        'selectors:\n  - name: s\n    definition: {method: fqn, children: true}',
        /either one key or 'method' and 'value'/,
      ],
      [
        'selectors:\n  - name: s\n    definition: {method: fqn}',
        /selector 's': Unknown selector method 'method'/,
      ],
      [
        'selectors:\n  - {name: a, default: true, definition: x}\n  - {name: b, default: true, definition: y}',
        /only one selector may set 'default: true'/,
      ],
    ];
    for (const [text, pattern] of bad)
      assert.throws(
        () => yaml(text),
        (error: unknown) =>
          error instanceof ConfigError &&
          /^selectors\.yml/.test(error.message) &&
          pattern.test(error.message),
        text,
      );
  });
});
