/**
 * The grocery warehouse (dbt/) on generated data: clean data passes every test; an added day
 * is processed alone and leaves the cur tables equal to a full refresh; dirty data completes
 * with the dirt reported and nothing valid dropped; broken landing files stop with one
 * sentence naming the file.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  generate,
  mdw,
  newWarehouse,
  query,
  removeWarehouse,
  runResults,
  tableChecksum,
  type WarehouseRun,
} from '../support/warehouse.js';

const SCALE = '0.01';
const CUR_TABLES = [
  'mdw_cur_ft_sales',
  'mdw_cur_daily_revenue',
  'mdw_cur_category_daily_sales',
  'mdw_cur_product_performance',
  'mdw_cur_salesperson_performance',
  'mdw_cur_customer_summary',
];

const runs: WarehouseRun[] = [];
after(() => {
  for (const run of runs) removeWarehouse(run);
});

function warehouse(label: string): WarehouseRun {
  const run = newWarehouse(label);
  runs.push(run);
  return run;
}

function assertBuilt(result: { code: number; stdout: string; stderr: string }): void {
  assert.equal(result.code, 0, result.stdout.slice(-3000) + result.stderr);
}

describe('grocery warehouse on clean data', () => {
  const run = warehouse('clean');

  it('builds every layer with every data test passing', async () => {
    assertBuilt(generate(run, ['--scale', SCALE]));
    const build = mdw(run, ['build']);
    assertBuilt(build);
    assert.match(build.stdout, /Done\. PASS=\d+ WARN=0 ERROR=0 SKIP=0/);
    const results = runResults(run);
    assert.ok(results.length > 100, `${results.length} nodes`);
    assert.ok(results.every((r) => r.status === 'success' || r.status === 'pass'));
    const [fact] = await query(
      run,
      'select count(*)::int as n, count(distinct sales_id)::int as ids from mdw_cur.mdw_cur_ft_sales',
    );
    const [staged] = await query(
      run,
      'select count(*)::int as n from mdw_stg.mdw_stg_sales where reject_reason is null',
    );
    assert.equal(fact!.n, staged!.n);
    assert.equal(fact!.ids, fact!.n);
    const [raw] = await query(run, 'select count(*)::int as n from mdw_raw.sales');
    assert.equal(raw!.n, 67_581);
  });

  it('processes only an added day, and the cur tables then equal a full refresh', async () => {
    const [previous] = await query(run, 'select max(sales_id)::bigint as id from mdw_stg.mdw_stg_sales');
    const before = await tableChecksum(run, 'mdw_cur.mdw_cur_ft_sales');
    assertBuilt(generate(run, ['--day', '20180510']));
    assertBuilt(mdw(run, ['build']));
    const [added] = await query(
      run,
      `select count(*)::int as n from mdw_stg.mdw_stg_sales where sales_id > ${Number(previous!.id)} and reject_reason is null`,
    );
    const addedRows = Number(added!.n);
    assert.ok(addedRows > 0);
    const fact = runResults(run).find((r) => r.unique_id === 'model.mdw.mdw_cur_ft_sales')!;
    assert.equal(
      fact.adapter_response.rows_affected,
      addedRows,
      'rows merged = the valid rows of the added day',
    );
    const after = await tableChecksum(run, 'mdw_cur.mdw_cur_ft_sales');
    assert.equal(after.rows, before.rows + addedRows);

    const incremental: Record<string, unknown> = {};
    for (const table of CUR_TABLES) incremental[table] = await tableChecksum(run, `mdw_cur.${table}`);
    assertBuilt(mdw(run, ['build', '--full-refresh']));
    for (const table of CUR_TABLES) {
      assert.deepEqual(
        await tableChecksum(run, `mdw_cur.${table}`),
        incremental[table],
        `${table} after --full-refresh`,
      );
    }
  });
});

describe('grocery warehouse on dirty data', () => {
  const clean = warehouse('dirty-baseline');
  const dirty = warehouse('dirty');

  it('completes, reports the dirt, and drops nothing valid', async () => {
    assertBuilt(generate(clean, ['--scale', SCALE]));
    assertBuilt(mdw(clean, ['build']));
    assertBuilt(generate(dirty, ['--scale', SCALE, '--dirty']));
    const build = mdw(dirty, ['build']);
    assertBuilt(build);
    assert.match(build.stdout, /WARN \d+ assert_stg_rejected_rows/);
    const results = runResults(dirty);
    assert.ok(results.every((r) => r.status !== 'error' && r.status !== 'fail'));
    const manifest = JSON.parse(readFileSync(join(dirty.rawDir, 'dirty_manifest.json'), 'utf8'));
    const entries: { file: string; key: string | number }[] = Array.isArray(manifest)
      ? manifest
      : manifest.entries;
    const dirtySales = entries.filter((e) => e.file.startsWith('sales')).map((e) => Number(e.key));
    assert.ok(dirtySales.length >= 10, 'every sales case is injected');
    const reasons = await query(
      dirty,
      'select reject_reason, count(*)::int as n from mdw_stg.mdw_stg_sales where reject_reason is not null group by 1 order by 1',
    );
    assert.ok(reasons.length >= 5, `reject reasons: ${JSON.stringify(reasons)}`);

    // Every sale that is valid in the clean build and untouched by the dirt is in the dirty fact.
    const cleanIds = (await query(clean, 'select sales_id from mdw_cur.mdw_cur_ft_sales')).map((r) =>
      Number(r.sales_id),
    );
    const dirtyIds = new Set(
      (await query(dirty, 'select sales_id from mdw_cur.mdw_cur_ft_sales')).map((r) => Number(r.sales_id)),
    );
    const touched = new Set(dirtySales);
    const lost = cleanIds.filter((id) => !touched.has(id) && !dirtyIds.has(id));
    assert.deepEqual(lost.slice(0, 10), [], `${lost.length} valid sales lost`);
  });
});

describe('broken landing files', () => {
  const run = warehouse('broken');

  it('a wrong header names the file and the expected vs found columns', () => {
    assertBuilt(generate(run, ['--scale', '0.001']));
    const file = join(run.rawDir, 'products.csv');
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace(/^ProductID,ProductName,Price/, 'ProductID,Name,Price'));
    const build = mdw(run, ['build']);
    assert.equal(build.code, 1);
    assert.match(
      build.stdout,
      /products\.csv: the header does not match source grocery\.products: expected columns ProductID,ProductName,Price,.* but found ProductID,Name,Price,.*\(missing ProductName; unexpected Name\)/,
    );
    writeFileSync(file, text);
  });

  it('a missing landing file is named', () => {
    rmSync(join(run.rawDir, 'cities.csv'));
    const build = mdw(run, ['run', '-s', 'mdw_stg_cities']);
    assert.equal(build.code, 1);
    assert.match(build.stdout, /Source grocery\.cities: .*cities\.csv does not exist\./);
  });
});
