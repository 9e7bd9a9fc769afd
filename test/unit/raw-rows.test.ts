/** Raw rows read (src/adapters/duckdb/raw-rows.ts): DuckDB's profiler counts what file readers return. */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { DuckDbConnection } from '../../src/adapters/duckdb/connection.js';
import { RawFolders, RawRowsProfiler } from '../../src/adapters/duckdb/raw-rows.js';

describe('raw rows read, from DuckDB profiling', () => {
  const root = mkdtempSync(join(tmpdir(), 'mdw-raw-rows-'));
  const sales = join(root, 'sales');
  const other = join(root, 'products.csv');
  let conn: DuckDbConnection;

  before(async () => {
    for (const [day, rows] of [
      ['20180101', 3],
      ['20180102', 5],
      ['20180103', 2],
    ] as const) {
      mkdirSync(join(sales, `partition=${day}`), { recursive: true });
      const lines = Array.from({ length: rows }, (_, i) => `${day}${i},${i}`);
      writeFileSync(join(sales, `partition=${day}`, 'part.csv'), `id,qty\n${lines.join('\n')}\n`);
    }
    writeFileSync(other, 'id\n1\n2\n');
    const folders = new RawFolders();
    folders.add('grocery.sales', sales);
    folders.add('grocery.products', other);
    const instance = await DuckDBInstance.create(':memory:');
    conn = new DuckDbConnection(await instance.connect(), undefined, new RawRowsProfiler(folders));
    await conn.query(
      `create view s as select * from read_csv('${join(sales, '*', '*.csv')}', hive_partitioning = true, all_varchar = true)`,
    );
    await conn.query(`create view p as select * from read_csv('${other}')`);
  });
  after(async () => {
    await conn.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('counts the rows of the folders a partition filter keeps, by source', async () => {
    await conn.startRawRowCount();
    await conn.query(`create table t as select * from s where partition = '20180102'`);
    const read = await conn.stopRawRowCount();
    assert.deepEqual(read, { total: 5, bySource: { 'grocery.sales': 5 } });
  });

  it('counts every statement of a batch, and nothing outside start/stop', async () => {
    await conn.query('select count(*) from s');
    await conn.startRawRowCount();
    const result = await conn.query(
      `insert into t select * from s where partition = '20180103'; select count(*) as n from p`,
    );
    const read = await conn.stopRawRowCount();
    await conn.query('select count(*) from s');
    assert.deepEqual(result.rows, [[2]], 'the batch returns its last statement');
    assert.deepEqual(read, { total: 4, bySource: { 'grocery.sales': 2, 'grocery.products': 2 } });
  });

  it('counts the last statement of work on the raw connection (the Iceberg writer)', async () => {
    await conn.startRawRowCount();
    await conn.profiled(() => conn.duckdb.run(`select * from s where partition = '20180101'`));
    assert.deepEqual(await conn.stopRawRowCount(), { total: 3, bySource: { 'grocery.sales': 3 } });
  });

  it('does not count tables or files outside the sources', async () => {
    const loose = join(root, 'loose.csv');
    writeFileSync(loose, 'x\n1\n');
    await conn.startRawRowCount();
    await conn.query(`select * from t; select * from read_csv('${loose}')`);
    assert.deepEqual(await conn.stopRawRowCount(), { total: 0, bySource: {} });
  });
});
