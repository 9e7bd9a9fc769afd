/**
 * The grocery warehouse on the local Iceberg lakehouse, checked by another engine:
 * PyIceberg (SqlCatalog on warehouse/catalog.db) reads every std and cur table with the row
 * counts and column sums `mdw show` returns, at every snapshot; PyIceberg's append is read by
 * mdw; time travel works in both; optimize, expire-snapshots and remove-orphans keep every
 * query result and leave exactly the referenced files.
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { generate, mdw, newWarehouse, removeWarehouse, type WarehouseRun } from '../support/warehouse.js';
import { ensureIcebergVenv, repoRoot, runCommand } from './helpers.js';

const ICEBERG_TABLES = [
  'mdw_std.mdw_std_dim_customers',
  'mdw_std.mdw_std_dim_products',
  'mdw_std.mdw_std_dim_employees',
  'mdw_std.mdw_std_dim_date',
  'mdw_cur.mdw_cur_ft_sales',
  'mdw_cur.mdw_cur_daily_revenue',
  'mdw_cur.mdw_cur_category_daily_sales',
  'mdw_cur.mdw_cur_product_performance',
  'mdw_cur.mdw_cur_salesperson_performance',
  'mdw_cur.mdw_cur_customer_summary',
];

interface PySummary {
  count: number;
  sums: Record<string, number | null>;
  snapshots: Record<string, number>;
}

async function python(command: string, args: string[]): Promise<any> {
  const bin = await ensureIcebergVenv();
  const script = path.join(repoRoot, 'test', 'iceberg', 'warehouse_check.py');
  const result = await runCommand(path.join(bin, 'python'), [script, command, ...args]);
  assert.equal(result.code, 0, result.stderr.slice(-3000));
  return JSON.parse(result.stdout);
}

function show(run: WarehouseRun, sql: string, extra: string[] = []): Record<string, unknown>[] {
  const result = mdw(run, ['show', '--inline', sql, '--limit', '-1', '--output', 'json', ...extra]);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  return JSON.parse(result.stdout);
}

function history(run: WarehouseRun, table: string): { snapshot_id: string; total_records: number }[] {
  const result = mdw(run, ['iceberg', 'history', table, '--output', 'json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout);
}

function close(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  return Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(a), Math.abs(b));
}

describe('the grocery warehouse on Iceberg, read by PyIceberg', () => {
  const run = newWarehouse('iceberg');
  after(() => removeWarehouse(run));

  it('builds std and cur as Iceberg tables that PyIceberg reads exactly as mdw show does', async () => {
    assert.equal(generate(run, ['--scale', '0.01']).code, 0);
    const build = mdw(run, ['build']);
    assert.equal(build.code, 0, build.stdout.slice(-3000));
    assert.equal(generate(run, ['--day', '20180510']).code, 0);
    assert.equal(mdw(run, ['build']).code, 0); // a second snapshot for most tables

    const py: Record<string, PySummary> = await python('summary', [run.warehouseDir, ...ICEBERG_TABLES]);
    for (const table of ICEBERG_TABLES) {
      const expected = py[table]!;
      const columns = Object.keys(expected.sums);
      const sums = columns.map((c) => `sum("${c}")::double as "${c}"`).join(', ');
      const [ours] = show(run, `select count(*) as n${sums ? `, ${sums}` : ''} from ${table}`);
      assert.equal(Number(ours!.n), expected.count, `${table} row count`);
      for (const column of columns) {
        assert.ok(
          close(ours![column] as number | null, expected.sums[column]!),
          `${table}.${column}: mdw ${ours![column]} vs PyIceberg ${expected.sums[column]}`,
        );
      }
      // Time travel: every snapshot has the same rows in both engines.
      for (const { snapshot_id, total_records } of history(run, table)) {
        const [past] = show(run, `select count(*) as n from ${table}`, ['--as-of', snapshot_id]);
        assert.equal(Number(past!.n), expected.snapshots[snapshot_id], `${table} @ ${snapshot_id}`);
        assert.equal(Number(past!.n), total_records);
      }
    }
  });

  it('reads rows another engine appended', async () => {
    const table = 'mdw_cur.mdw_cur_daily_revenue';
    const [before] = show(run, `select count(*) as n from ${table}`);
    const appended = await python('append', [run.warehouseDir, table]);
    assert.equal(appended.count, Number(before!.n) + 1);
    const [after] = show(run, `select count(*) as n from ${table}`);
    assert.equal(Number(after!.n), Number(before!.n) + 1);
    const snapshots = history(run, table);
    const [previous] = show(run, `select count(*) as n from ${table}`, [
      '--as-of',
      snapshots.at(-2)!.snapshot_id,
    ]);
    assert.equal(Number(previous!.n), Number(before!.n));
  });

  it('rolls a table back to an earlier snapshot', () => {
    const table = 'mdw_cur.mdw_cur_daily_revenue';
    const snapshots = history(run, table);
    const target = snapshots[0]!;
    assert.equal(mdw(run, ['iceberg', 'rollback', table, '--to', target.snapshot_id]).code, 0);
    const [now] = show(run, `select count(*) as n from ${table}`);
    assert.equal(Number(now!.n), target.total_records);
  });

  it('optimize, expire-snapshots and remove-orphans keep results and leave only referenced files', async () => {
    const table = 'mdw_cur.mdw_cur_ft_sales';
    // Small files for optimize to pack: three one-row commits by another writer, which land in
    // a partition that already has its data file.
    for (let commit = 0; commit < 3; commit++) await python('append', [run.warehouseDir, table]);
    const checksum = `select count(*) as n, sum(net_amount)::double as net, bit_xor(hash(sales_id)) as h from ${table}`;
    const [before] = show(run, checksum);
    const files = (): { path: string; bytes: number }[] =>
      JSON.parse(mdw(run, ['iceberg', 'files', table, '--output', 'json']).stdout);
    const filesBefore = files();
    const total = filesBefore.reduce((sum, f) => sum + f.bytes, 0);
    // A target size that packs about four partitions' files into one.
    const target = Math.ceil((total / filesBefore.length) * 4);
    const optimized = mdw(run, ['iceberg', 'optimize', table, '--target-file-size', String(target)]);
    assert.equal(optimized.code, 0, optimized.stderr);
    assert.deepEqual(show(run, checksum), [before]);
    const filesAfter = files();
    assert.ok(filesAfter.length < filesBefore.length, `${filesBefore.length} → ${filesAfter.length} files`);

    assert.equal(
      mdw(run, ['iceberg', 'expire-snapshots', table, '--older-than', '0', '--retain-last', '1']).code,
      0,
    );
    assert.equal(mdw(run, ['iceberg', 'remove-orphans', table, '--older-than', '0']).code, 0);
    assert.deepEqual(show(run, checksum), [before]);
    assert.equal(history(run, table).length, 1);
    const live = new Set(files().map((f) => path.resolve(f.path)));
    const dataDir = path.join(run.warehouseDir, 'mdw_cur', 'mdw_cur_ft_sales', 'data');
    const onDisk = walk(dataDir);
    assert.deepEqual(
      onDisk.filter((f) => !live.has(f)),
      [],
      'no data file that no snapshot references',
    );
    assert.deepEqual(
      [...live].filter((f) => !onDisk.includes(f)),
      [],
      'every referenced file is kept',
    );
  });
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}
