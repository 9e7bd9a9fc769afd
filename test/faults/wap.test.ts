/**
 * Write-Audit-Publish on the grocery warehouse (scale 0.01): a build whose fact fails an
 * error-severity test publishes nothing (snapshot ids and row counts as before, `mdw show`
 * reads the old data, the summary names the blocking test and the table it guards); a
 * warn-severity failure does not block; the next good build publishes everything; and with
 * --no-wap the fact is published on its own, as before.
 */
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { generate, mdw, newWarehouse, removeWarehouse, type WarehouseRun } from '../support/warehouse.js';

const FACT = 'mdw_cur.mdw_cur_ft_sales';
const DAILY = 'mdw_cur.mdw_cur_daily_revenue';

interface State {
  fact: number;
  daily: number;
  snapshots: Record<string, string | undefined>;
}

function currentSnapshot(run: WarehouseRun, table: string): string | undefined {
  const result = mdw(run, ['iceberg', 'history', table, '--output', 'json']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const rows = JSON.parse(result.stdout) as { snapshot_id: string; current: boolean | string }[];
  return rows.find((r) => r.current === true || r.current === 'yes')?.snapshot_id?.toString();
}

function state(run: WarehouseRun): State {
  const sql = `select (select count(*) from ${FACT}) as fact, (select sum(sales_count) from ${DAILY}) as daily`;
  const result = mdw(run, ['show', '--inline', sql, '--output', 'json']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const [row] = JSON.parse(result.stdout) as { fact: number; daily: number }[];
  return {
    fact: Number(row!.fact),
    daily: Number(row!.daily),
    snapshots: Object.fromEntries([FACT, DAILY].map((t) => [t, currentSnapshot(run, t)])),
  };
}

function publishReport(run: WarehouseRun): { mode: string; status: string; tables: string[] } {
  return JSON.parse(readFileSync(join(run.projectDir, 'target', 'run_results.json'), 'utf8')).publish;
}

function stagedPointers(run: WarehouseRun): number {
  const db = new Database(join(run.warehouseDir, 'catalog.db'), { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM mdw_staged_tables').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('write-audit-publish', () => {
  const run = newWarehouse('wap');
  after(() => removeWarehouse(run));

  it('publishes a build only after its tests pass, all tables together', () => {
    assert.equal(generate(run, ['--scale', '0.01']).code, 0);
    const sales = join(run.rawDir, 'sales.csv');
    const full = `${sales}.full`;
    copyFileSync(sales, full);
    // The first build sees the first 30,000 lines of sales; the later ones all of them.
    writeFileSync(sales, `${readFileSync(full, 'utf8').split('\n').slice(0, 30_000).join('\n')}\n`);
    const first = mdw(run, ['build']);
    assert.equal(first.code, 0, first.stdout.slice(-3000));
    const old = state(run);
    assert.equal(old.fact, old.daily);
    assert.ok(old.fact > 20_000, `${old.fact} sales`);
    // the 4 std and 9 cur models are Iceberg tables (3 of the cur ones the summaries' first-seen state)
    assert.match(first.stdout, /Published 13 Iceberg tables together after the run's tests passed/);
    copyFileSync(full, sales);

    // The fact fails an error-severity test: nothing is published.
    const blocked = mdw(run, ['build', '--vars', '{min_fact_sales: 100000000}']);
    assert.equal(blocked.code, 1, blocked.stdout.slice(-3000));
    assert.match(blocked.stdout, /FAIL 1 assert_cur_ft_sales_volume/);
    assert.deepEqual(state(run), old, 'snapshot ids and row counts as before the failed build');
    assert.match(
      blocked.stdout,
      /Nothing from this run was published \(write-audit-publish, all or nothing\): the published warehouse is as it was before the run\./,
    );
    assert.match(
      blocked.stdout,
      /Blocked by test assert_cur_ft_sales_volume \(failed\) on mdw_cur\.mdw_cur_ft_sales\./,
    );
    assert.match(
      blocked.stdout,
      /The staged changes to 1 Iceberg table were discarded: mdw_cur\.mdw_cur_ft_sales\./,
    );
    assert.equal(publishReport(run).status, 'blocked');
    assert.equal(stagedPointers(run), 0, 'the discarded stage left no pointer');

    // A failing warn-severity test does not block; the good build publishes every table.
    const good = mdw(run, ['build', '--vars', '{max_undated_sales_share: 0}']);
    assert.equal(good.code, 0, good.stdout.slice(-3000));
    assert.match(good.stdout, /WARN \d+ assert_stg_sales_undated_share/);
    assert.match(good.stdout, /Published \d+ Iceberg tables together after the run's tests passed/);
    const now = state(run);
    assert.ok(now.fact > old.fact, `${now.fact} > ${old.fact}`);
    assert.equal(now.daily, now.fact);
    assert.notEqual(now.snapshots[FACT], old.snapshots[FACT]);
    assert.notEqual(now.snapshots[DAILY], old.snapshots[DAILY]);
    const report = publishReport(run);
    assert.equal(report.status, 'published');
    assert.ok(report.tables.includes(FACT) && report.tables.includes(DAILY), report.tables.join(', '));
  });

  it('--no-wap publishes each table as it is built, as before', () => {
    const before = state(run);
    // Back to 30,000 lines: the incremental fact keeps its rows, the full-refresh replaces them.
    const sales = join(run.rawDir, 'sales.csv');
    const lines = readFileSync(sales, 'utf8').split('\n');
    writeFileSync(sales, `${lines.slice(0, 40_000).join('\n')}\n`);
    const perTable = mdw(run, [
      'build',
      '--full-refresh',
      '--no-wap',
      '--vars',
      '{min_fact_sales: 100000000, mdw_allow_shrink: true}',
    ]);
    assert.equal(perTable.code, 1, perTable.stdout.slice(-3000));
    assert.match(perTable.stdout, /FAIL 1 assert_cur_ft_sales_volume/);
    assert.doesNotMatch(perTable.stdout, /write-audit-publish/);
    assert.equal(publishReport(run).mode, 'per_table');
    const after = state(run);
    // the fact was published before its test failed; the daily revenue, skipped, was not
    assert.ok(after.fact < before.fact, `${after.fact} < ${before.fact}`);
    assert.notEqual(after.snapshots[FACT], before.snapshots[FACT]);
    assert.equal(after.daily, before.daily);
    assert.equal(after.snapshots[DAILY], before.snapshots[DAILY]);

    const config = mdw(run, ['build', '--vars', '{mdw_publish: sometimes}']);
    assert.equal(config.code, 2, config.stdout + config.stderr);
    assert.match(
      config.stdout + config.stderr,
      /The var mdw_publish must be 'all_or_nothing' \(the default: publish a build's tables together after their tests pass\) or 'per_table', got 'sometimes'\./,
    );
  });
});
