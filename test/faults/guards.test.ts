/**
 * Guards against silent emptying and empty commits, on the grocery warehouse (scale 0.01):
 * a build without new data adds no Iceberg snapshot; a header-only sales.csv with
 * --full-refresh leaves the fact as it was and says why; allowed anyway, the volume test fails.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  generate,
  mdw,
  newWarehouse,
  query,
  removeWarehouse,
  type WarehouseRun,
} from '../support/warehouse.js';

const TABLES = ['mdw_cur.mdw_cur_ft_sales', 'mdw_cur.mdw_cur_daily_revenue', 'mdw_std.mdw_std_dim_customers'];

function snapshots(run: WarehouseRun, table: string): string[] {
  const result = mdw(run, ['iceberg', 'history', table, '--output', 'json']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  return (JSON.parse(result.stdout) as { snapshot_id: string }[]).map((s) => String(s.snapshot_id));
}

describe('guards on the grocery warehouse', () => {
  const run = newWarehouse('guards');
  after(() => removeWarehouse(run));

  it('adds no snapshot without new data, and never empties the fact silently', async () => {
    assert.equal(generate(run, ['--scale', '0.01']).code, 0);
    const first = mdw(run, ['build']);
    assert.equal(first.code, 0, first.stdout.slice(-2000));
    const before = Object.fromEntries(TABLES.map((t) => [t, snapshots(run, t)]));

    const again = mdw(run, ['build']);
    assert.equal(again.code, 0, again.stdout.slice(-2000));
    for (const table of TABLES)
      assert.deepEqual(snapshots(run, table), before[table], `${table}: no new snapshot`);

    const sales = join(run.rawDir, 'sales.csv');
    const text = readFileSync(sales, 'utf8');
    writeFileSync(sales, `${text.split('\n', 1)[0]}\n`);
    const [{ n: factRows }] = (await query(
      run,
      'select count(*)::int as n from mdw_cur.mdw_cur_ft_sales',
    )) as [{ n: number }];
    const refused = mdw(run, ['build', '--full-refresh']);
    assert.equal(refused.code, 1);
    assert.match(
      refused.stdout,
      new RegExp(
        `Model mdw_cur_ft_sales: the table has ${factRows.toLocaleString('en-US')} rows and this build would replace it with an empty table; the table is unchanged\\. Check the landing files, or allow it with --vars '\\{mdw_allow_shrink: true\\}'\\.`,
      ),
    );
    const [kept] = await query(run, 'select count(*)::int as n from mdw_cur.mdw_cur_ft_sales');
    assert.equal(kept!.n, factRows);
    assert.deepEqual(snapshots(run, 'mdw_cur.mdw_cur_ft_sales'), before['mdw_cur.mdw_cur_ft_sales']);

    // Allowed on purpose: the fact empties, and the volume test says so.
    const allowed = mdw(run, ['build', '--full-refresh', '--vars', '{mdw_allow_shrink: true}']);
    assert.equal(allowed.code, 1);
    assert.match(allowed.stdout, /FAIL 1 assert_cur_ft_sales_volume/);

    writeFileSync(sales, text);
    const repaired = mdw(run, ['build', '--full-refresh']);
    assert.equal(repaired.code, 0, repaired.stdout.slice(-2000));
    const [back] = await query(run, 'select count(*)::int as n from mdw_cur.mdw_cur_ft_sales');
    assert.equal(back!.n, factRows);
  });
});
