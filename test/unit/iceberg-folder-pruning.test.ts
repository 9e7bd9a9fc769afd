/**
 * Partition pruning on local reads: a table partitioned by identity on `partition` is read with
 * its folders as hive partitions, so a filter on `partition` opens only that partition's files
 * (DuckDB's profiler counts the files read), with the same rows as the read by field id.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  readFilesSql,
  scanSql,
  schemaForSelect,
  writeDataFiles,
} from '../../src/adapters/duckdb/iceberg/index.js';
import { identityFolderColumns } from '../../src/lakehouse/iceberg/identity-folders.js';
import { type IcebergTable, openCatalog } from '../../src/lakehouse/iceberg/index.js';
import { scratchDuckDb } from '../support/scratch-duckdb.js';

const db = scratchDuckDb('mdw-prune-');

const ROWS = `select i::bigint as id, (i * 1.25)::decimal(12,2) as amount,
    strftime(date '2018-01-01' + (i % 4)::int, '%Y%m%d') as partition
  from range(0, 400) t(i)`;

async function partitionedTable(name: string): Promise<IcebergTable> {
  const catalog = openCatalog(join(db.root, name));
  const schema = await schemaForSelect(db.conn, ROWS);
  const table = catalog.createTable('ns', name, schema, { partitioned: true });
  const files = await writeDataFiles(db.conn, {
    selectSql: ROWS,
    schema: table.schema(),
    partitioned: true,
    dataDir: table.dataDir(),
  });
  await table.append(files);
  return table;
}

/** Runs a query with DuckDB's profiler and returns (result, files the Parquet scans read). */
async function profiled(sql: string): Promise<{ rows: unknown[][]; filesRead: number }> {
  const output = join(db.root, `profile-${Date.now()}-${Math.random()}.json`);
  await db.conn.run(`pragma enable_profiling = 'json'`);
  await db.conn.run(`pragma profiling_output = '${output}'`);
  const reader = await db.conn.runAndReadAll(sql);
  await db.conn.run('pragma disable_profiling');
  const read = [...readFileSync(output, 'utf8').matchAll(/"Total Files Read": "(\d+)"/g)];
  return { rows: reader.getRows(), filesRead: read.reduce((n, m) => n + Number(m[1]), 0) };
}

describe('partition pruning on local Iceberg reads', () => {
  test('a filter on an identity partition column opens only that partition’s files', async () => {
    const table = await partitionedTable('pruned');
    const files = table.dataFiles();
    const inPartition = files.filter((f) => f.partition.partition === '20180102').length;
    assert.ok(files.length >= 4 && inPartition >= 1);

    const filtered = await profiled(
      `select count(*), sum(amount) from (${scanSql(table)}) where partition = '20180102'`,
    );
    assert.equal(filtered.filesRead, inPartition);
    assert.deepEqual(filtered.rows.map(String), ['100,24875.00']);

    const everything = await profiled(`select count(*) from (${scanSql(table)})`);
    assert.equal(everything.filesRead, files.length);
  });

  test('the folder read gives the same rows, columns and types as the read by field id', async () => {
    const table = await partitionedTable('same');
    const byId = readFilesSql(
      table.dataFiles().map((f) => f.localPath),
      table.schema(),
    );
    const rows = async (sql: string) =>
      (await db.conn.runAndReadAll(`select * from (${sql}) order by id`)).getRowsJson();
    const types = async (sql: string) =>
      (await db.conn.runAndReadAll(`describe ${sql}`)).getRows().map((r) => `${r[0]} ${r[1]}`);
    assert.match(scanSql(table), /hive_partitioning = true/);
    assert.deepEqual(await rows(scanSql(table)), await rows(byId));
    assert.deepEqual(await types(scanSql(table)), await types(byId));
  });

  test('a folder that disagrees with its manifest turns the folder read off', async () => {
    const table = await partitionedTable('disagree');
    const files = table.dataFiles();
    assert.notEqual(identityFolderColumns(table, files), null);
    const lying = files.map((f, i) => (i === 0 ? { ...f, partition: { partition: '20990101' } } : f));
    assert.equal(identityFolderColumns(table, lying), null);
    const strayEquals = files.map((f, i) => (i === 0 ? { ...f, localPath: `/tmp/a=b${f.localPath}` } : f));
    assert.equal(identityFolderColumns(table, strayEquals), null);
  });
});
