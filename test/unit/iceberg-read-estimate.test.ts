/**
 * The size DuckDB's planner assumes for a local Iceberg read is the table's row count from its
 * metadata, whatever the files' order or sizes; without it DuckDB guesses from the first file
 * (or 1,000 rows a file when read by field id) and hashes the big side of a join.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { scanSql, schemaForSelect, writeDataFiles } from '../../src/adapters/duckdb/iceberg/index.js';
import { type IcebergTable, openCatalog } from '../../src/lakehouse/iceberg/index.js';
import { scratchDuckDb } from '../support/scratch-duckdb.js';

const db = scratchDuckDb('mdw-estimate-');

const rowsSql = (from: number, to: number) => `select i::integer as id,
    strftime(date '2018-01-01' + (i % 3)::int, '%Y%m%d') as partition
  from range(${from}, ${to}) t(i)`;

/** A table written in two commits: a small first file, then a much bigger one. */
async function unevenTable(name: string, partitioned: boolean): Promise<IcebergTable> {
  const catalog = openCatalog(join(db.root, name));
  const table = catalog.createTable('ns', name, await schemaForSelect(db.conn, rowsSql(0, 1)), {
    partitioned,
  });
  for (const [from, to] of [
    [0, 30],
    [30, 60_030],
  ] as const) {
    const files = await writeDataFiles(db.conn, {
      selectSql: rowsSql(from, to),
      schema: table.schema(),
      partitioned,
      dataDir: table.dataDir(),
    });
    await table.append(files);
  }
  return table;
}

type PlanNode = { name: string; extra_info: Record<string, unknown>; children: PlanNode[] };

/**
 * The plan of a query in a new database, as a reader in another process sees the files: the
 * database that wrote them has their metadata cached and would plan with exact counts.
 */
async function freshPlan(sql: string): Promise<PlanNode> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    const plan = (await conn.runAndReadAll(`explain (format json) ${sql}`)).getRows()[0]?.[1];
    return JSON.parse(String(plan))[0];
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** The planner's estimated row count of a query's top operator. */
async function estimatedRows(sql: string): Promise<number> {
  return Number((await freshPlan(sql)).extra_info['Estimated Cardinality']);
}

/** The build (right) side of the plan's first hash join, as the names of the tables it scans. */
async function hashedSide(sql: string): Promise<string> {
  const plan = JSON.parse(
    String((await db.conn.runAndReadAll(`explain (format json) ${sql}`)).getRows()[0]?.[1]),
  );
  type Node = { name: string; extra_info: Record<string, unknown>; children: Node[] };
  const find = (node: Node): Node | undefined =>
    node.name.trim() === 'HASH_JOIN' ? node : node.children.map(find).find(Boolean);
  const join = find(plan[0]);
  assert.ok(join, 'the plan has a hash join');
  return JSON.stringify(join.children[1]);
}

describe('the row estimate of local Iceberg reads', () => {
  for (const partitioned of [false, true]) {
    const layout = partitioned ? 'in partition folders' : 'by field id';
    test(`is the table's row count, read ${layout}`, async () => {
      const table = await unevenTable(`uneven_${partitioned}`, partitioned);
      assert.ok(table.dataFiles().length >= 2);
      assert.equal(await estimatedRows(scanSql(table)), 60_030);
    });
  }

  test('so a join hashes the few probe keys, not the table', async () => {
    const table = await unevenTable('probed', false);
    const keys = `select i::integer as id from range(0, 5000) t(i)`;
    const side = await hashedSide(
      `with wanted as materialized (${keys}) select known.id from (${scanSql(table)}) as known inner join wanted on wanted.id = known.id`,
    );
    assert.doesNotMatch(side, /READ_PARQUET/i);
  });
});
