/**
 * The docs site in a real browser: Debian's chromium driven by playwright-core (never a
 * downloaded browser), on the grocery warehouse built at scale 0.01 and served by
 * `mdw docs serve`'s server. Expected values come from the manifest and from the warehouse
 * through the CLI (`mdw ls`, `mdw show --output json`, `mdw iceberg history`), never from the
 * site's own data. Screenshots go to test-artifacts/docs/ (gitignored).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { type RunningServer, startServer } from '../../src/docs/server.js';
import { schemaErrors } from '../support/dbt-schemas.js';
import { REPO_ROOT } from '../support/project.js';
import { generate, mdw, newWarehouse, type WarehouseRun } from '../support/warehouse.js';

const CHROMIUM = process.env.MDW_CHROMIUM ?? '/usr/bin/chromium';
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'docs');

function json<T>(run: WarehouseRun, args: string[]): T {
  const result = mdw(run, args);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  return JSON.parse(result.stdout) as T;
}

function jsonLines<T>(run: WarehouseRun, args: string[]): T[] {
  const result = mdw(run, args);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  return result.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as T);
}

function close(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** A chart's series equals the query's `v` column, row for row (up to float rounding). */
function assertSeries(rows: Record<string, unknown>[], data: unknown[], what: string): void {
  assert.equal(data.length, rows.length, what);
  for (const [i, row] of rows.entries())
    assert.ok(close(Number(row.v), data[i] as number), `${what} row ${i}`);
}

describe('docs site in chromium', { timeout: 600_000 }, () => {
  let run: WarehouseRun;
  let server: RunningServer;
  let browser: Browser;
  let page: Page;
  let manifest: any;
  let siteDir: string;
  const errors: string[] = [];

  const shot = (name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const open = async (hash: string) => {
    await page.goto(`${server.url}#${hash}`);
    await page.waitForFunction(() => document.getElementById('main')?.children.length);
  };

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `${CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)`);
    mkdirSync(ARTIFACTS, { recursive: true });
    run = newWarehouse('docs');
    assert.equal(generate(run, ['--scale', '0.01']).code, 0);
    const build = mdw(run, ['build']);
    assert.equal(build.code, 0, build.stdout + build.stderr);
    const docs = mdw(run, ['docs', 'generate']);
    assert.equal(docs.code, 0, docs.stdout + docs.stderr);
    siteDir = join(run.projectDir, 'target', 'docs');
    manifest = JSON.parse(readFileSync(join(run.projectDir, 'target', 'manifest.json'), 'utf8'));
    server = await startServer(siteDir, { port: 0 });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.on('pageerror', (error) => errors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    // Nothing may leave the machine: any request that is not to the local server fails the test.
    await page.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith(server.url) || url.startsWith('file://')) return route.continue();
      errors.push(`request outside the site: ${url}`);
      return route.abort();
    });
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('catalog.json and manifest.json of the built warehouse validate against dbt schemas', () => {
    const catalog = JSON.parse(readFileSync(join(run.projectDir, 'target', 'catalog.json'), 'utf8'));
    assert.deepEqual(schemaErrors('manifest-v12', manifest), []);
    assert.deepEqual(schemaErrors('catalog-v1', catalog), []);
    const fact = catalog.nodes['model.mdw.mdw_cur_ft_sales'];
    const [{ n }] = json<{ n: number }[]>(run, [
      'show',
      '--inline',
      'select count(*) as n from mdw_cur.mdw_cur_ft_sales',
      '--output',
      'json',
    ]);
    assert.equal(fact.stats.row_count.value, n);
    assert.equal(fact.metadata.type, 'ICEBERG TABLE');
  });

  it('lineage shows every model of dbt/ with the manifest edges', async () => {
    await open('lineage');
    await page.waitForFunction(() => (window as any).mdwLineage);
    const drawn = await page.evaluate(() => {
      const cy = (window as any).mdwLineage;
      return {
        nodes: cy.nodes().map((n: any) => n.id()) as string[],
        edges: cy.edges().map((e: any) => `${e.source().id()} -> ${e.target().id()}`) as string[],
      };
    });
    const models = Object.values(manifest.nodes).filter((n: any) => n.resource_type === 'model') as any[];
    assert.ok(models.length >= 17);
    for (const model of models) assert.ok(drawn.nodes.includes(model.unique_id), `${model.name} not drawn`);
    const drawnSet = new Set(drawn.nodes);
    const expectedEdges = Object.values(manifest.nodes)
      .filter((n: any) => drawnSet.has(n.unique_id))
      .flatMap((n: any) => n.depends_on.nodes.map((p: string) => `${p} -> ${n.unique_id}`))
      .sort();
    assert.deepEqual(drawn.edges.sort(), expectedEdges);
    await shot('lineage');
  });

  it('clicking a node opens its page', async () => {
    await open('lineage');
    await page.waitForFunction(() => (window as any).mdwLineage);
    const point = await page.evaluate(() => {
      const cy = (window as any).mdwLineage;
      const position = cy.getElementById('model.mdw.mdw_cur_daily_revenue').renderedPosition();
      const box = cy.container().getBoundingClientRect();
      return { x: box.left + position.x, y: box.top + position.y };
    });
    await page.mouse.click(point.x, point.y);
    await page.waitForFunction(() => location.hash.startsWith('#node/'));
    assert.equal(
      await page.evaluate(() => decodeURIComponent(location.hash)),
      '#node/model.mdw.mdw_cur_daily_revenue',
    );
    assert.match((await page.textContent('#node-title')) ?? '', /mdw_cur_daily_revenue/);
    const rows = await page.$$eval('table.columns tbody tr', (trs) =>
      trs.map((tr) => tr.getAttribute('data-column')),
    );
    assert.ok(rows.includes('net_amount'));
    const history = json<unknown[]>(run, [
      'iceberg',
      'history',
      'mdw_cur.mdw_cur_daily_revenue',
      '--output',
      'json',
    ]);
    assert.equal(await page.$$eval('table.snapshots tbody tr', (trs) => trs.length), history.length);
    await shot('node-daily-revenue');
  });

  it('a selector filter narrows the graph to what mdw ls selects', async () => {
    await open('lineage');
    await page.fill('#lineage-filter', '+mdw_cur_daily_revenue');
    await page.click('#lineage-form button[type=submit]');
    await page.waitForFunction(() => location.hash.includes('select='));
    await page.waitForFunction(() => (window as any).mdwLineage && !(window as any).mdwLineage.destroyed());
    const drawn: string[] = await page.evaluate(() =>
      (window as any).mdwLineage.nodes().map((n: any) => n.id()),
    );
    const expected = jsonLines<{ unique_id: string }>(run, [
      'ls',
      '-s',
      '+mdw_cur_daily_revenue',
      '--resource-type',
      'model',
      'snapshot',
      'seed',
      'source',
      '--output',
      'json',
    ]).map((n) => n.unique_id);
    assert.deepEqual(drawn.sort(), expected.sort());
    assert.ok(
      drawn.length < Object.values(manifest.nodes).filter((n: any) => n.resource_type === 'model').length + 7,
    );
    assert.ok(!drawn.includes('model.mdw.mdw_cur_customer_summary'));
    assert.match((await page.textContent('#lineage-count')) ?? '', new RegExp(`^${drawn.length} nodes`));
    await shot('lineage-filtered');
  });

  it('the ERD shows every dimension and fact with the keys that join them', async () => {
    await open('erd');
    const entities = await page.$$eval('#erd-view g.entity', (gs) =>
      gs.map((g) => `${g.getAttribute('data-id')} ${g.getAttribute('data-kind')}`),
    );
    const keys = await page.$$eval('#erd-view g.relationship', (gs) =>
      gs.map(
        (g) => `${g.getAttribute('data-from')}.${g.getAttribute('data-key')} -> ${g.getAttribute('data-to')}`,
      ),
    );
    const relationships = Object.values(manifest.nodes).filter(
      (n: any) =>
        n.test_metadata?.name === 'relationships' &&
        /_(std|cur)$/.test(manifest.nodes[n.attached_node].schema),
    ) as any[];
    const expectedKeys = relationships
      .map(
        (t) =>
          `${t.attached_node}.${t.column_name} -> ${t.depends_on.nodes.find((id: string) => id !== t.attached_node)}`,
      )
      .filter((k) => /_(std|cur)_/.test(k.split(' -> ')[1]!))
      .sort();
    assert.deepEqual(keys.sort(), expectedKeys);
    const models = Object.values(manifest.nodes).filter((n: any) => n.resource_type === 'model') as any[];
    const dims = models.filter((n) => /_dim_/.test(n.name)).map((n) => `${n.unique_id} dimension`);
    const facts = models.filter((n) => /_ft_/.test(n.name)).map((n) => `${n.unique_id} fact`);
    assert.deepEqual(entities.sort(), [...dims, ...facts].sort());
    const text = (await page.textContent('#erd-view')) ?? '';
    for (const key of ['customer_key', 'product_key', 'employee_key', 'date_key', 'sales_id'])
      assert.ok(text.includes(key), key);
    await shot('erd');
  });

  it('the dashboard charts show the values of the cur tables', async () => {
    await open('dashboard');
    const charts = await page.evaluate(() => {
      const out: Record<string, { labels: unknown[]; data: unknown[] }> = {};
      for (const canvas of document.querySelectorAll('canvas[data-panel]')) {
        const chart = (window as any).Chart.getChart(canvas);
        out[canvas.getAttribute('data-panel')!] = {
          labels: chart.data.labels,
          data: chart.data.datasets[0].data,
        };
      }
      return out;
    });
    const show = (sql: string) =>
      json<Record<string, any>[]>(run, ['show', '--inline', sql, '--output', 'json', '--limit', '-1']);
    // Daily revenue: the fact summed per day (the aggregate must reconcile with it).
    const daily = show(
      'select cast(sales_date as varchar) as d, sum(net_amount) as v from mdw_cur.mdw_cur_ft_sales group by 1 order by 1',
    );
    assert.deepEqual(
      charts.daily_revenue!.labels,
      daily.map((r) => r.d),
    );
    assertSeries(daily, charts.daily_revenue!.data, 'daily_revenue');
    const categories = show(
      'select category_name as c, sum(net_amount) as v from mdw_cur.mdw_cur_category_daily_sales group by 1 order by 2 desc',
    );
    assert.deepEqual(
      charts.revenue_by_category!.labels,
      categories.map((r) => r.c),
    );
    assertSeries(categories, charts.revenue_by_category!.data, 'revenue_by_category');
    const products = show(
      'select product_name as p, net_amount as v from mdw_cur.mdw_cur_product_performance order by net_amount desc, product_name limit 10',
    );
    assert.deepEqual(
      charts.top_products!.labels,
      products.map((r) => r.p),
    );
    assertSeries(products, charts.top_products!.data, 'top_products');
    const people = show(
      'select full_name as p, net_amount as v from mdw_cur.mdw_cur_salesperson_performance where sales_count > 0 order by net_amount desc, full_name',
    );
    assert.deepEqual(
      charts.salesperson_leaderboard!.labels,
      people.map((r) => r.p),
    );
    assertSeries(people, charts.salesperson_leaderboard!.data, 'salesperson_leaderboard');
    const customers = show('select count(*) as n from mdw_cur.mdw_cur_customer_summary');
    const segments = charts.customer_segments!.data as number[];
    assert.equal(
      segments.reduce((a, b) => a + b, 0),
      Number(customers[0]!.n),
    );
    const [totals] = show('select sum(net_amount) as v from mdw_cur.mdw_cur_ft_sales');
    const kpi = Number(((await page.textContent('[data-kpi=net_revenue] .value')) ?? '').replaceAll(',', ''));
    assert.ok(Math.abs(kpi - Number(totals!.v)) < 0.01, `${kpi} vs ${totals!.v}`);
    await shot('dashboard');
  });

  it('search finds a column', async () => {
    await open('overview');
    await page.fill('#search', 'customer_key');
    await page.press('#search', 'Enter');
    await page.waitForSelector('#search-results');
    const hits = await page.$$eval('#search-results li[data-what=column]', (lis) =>
      lis.map((li) => `${li.getAttribute('data-node')}.${li.getAttribute('data-column')}`),
    );
    assert.ok(hits.includes('model.mdw.mdw_cur_ft_sales.customer_key'), hits.join(', '));
    assert.ok(hits.includes('model.mdw.mdw_std_dim_customers.customer_key'));
    await shot('search');
  });

  it('opens from file:// with the same graph', async () => {
    await page.goto(`${pathToFileURL(join(siteDir, 'index.html')).href}#lineage`);
    await page.waitForFunction(() => (window as any).mdwLineage);
    const count = await page.textContent('#lineage-count');
    assert.match(count ?? '', /^\d+ nodes, \d+ edges$/);
    await page.goto(`${pathToFileURL(join(siteDir, 'index.html')).href}#runs`);
    const rows = await page.$$eval('#run-results tbody tr', (trs) => trs.length);
    const results = JSON.parse(
      readFileSync(join(run.projectDir, 'target', 'run_results.json'), 'utf8'),
    ).results;
    assert.equal(rows, results.length);
    await shot('runs-file-url');
  });

  it('had no script errors and fetched nothing from outside the site', () => {
    assert.deepEqual(errors, []);
  });
});
