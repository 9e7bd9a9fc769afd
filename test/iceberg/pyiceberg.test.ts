/**
 * Interop with an Iceberg implementation nobody here wrote: PyIceberg (pinned in
 * scripts/python-venv-iceberg.sh) opens mdw's catalog.db with SqlCatalog.
 *   1. mdw writes a partitioned table through append, overwrite, full refresh (replace) and
 *      compaction (rewrite); PyIceberg's answers equal DuckDB's for every snapshot.
 *   2. PyIceberg appends to that table and creates its own partitioned table; mdw reads both,
 *      then commits on top of PyIceberg's snapshot, and PyIceberg reads that too.
 *   3. PyIceberg's inspect.files()/partitions() agree with dataFiles()/partitions().
 * Needs python3.11 and PyPI on first run (the venv is cached under ${MDW_CACHE_DIR:-~/.cache/mdw}).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import {
  duckDbRewriter,
  scanSql,
  schemaForSelect,
  writeDataFiles,
} from '../../src/adapters/duckdb/iceberg/index.js';
import { type IcebergCatalog, type IcebergTable, openCatalog } from '../../src/lakehouse/iceberg/index.js';
import { ensureIcebergVenv, pyiceberg } from './helpers.js';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
let warehouse: string;
let catalog: IcebergCatalog;

before(async () => {
  await ensureIcebergVenv();
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  warehouse = mkdtempSync(join(tmpdir(), 'mdw-pyiceberg-'));
  catalog = openCatalog(warehouse);
});
after(() => {
  conn.closeSync();
  instance.closeSync();
  rmSync(warehouse, { recursive: true, force: true });
});

function salesSql(from: number, to: number, extra = ''): string {
  return `select i::int as id, (i * 1.25 - 40)::decimal(12,2) as amount, ((i % 17) * 0.5)::double as price,
      'c' || (i % 23) as customer, date '2018-01-01' + (i % 3)::int as sold_on,
      timestamp '2018-01-01 00:00:00' + to_seconds(i * 37) as sold_at, i % 2 = 0 as paid${extra},
      strftime(date '2018-01-01' + (i % 3)::int, '%Y%m%d') as partition
    from range(${from}, ${to}) t(i)`;
}

/** The aggregates pyiceberg_check.py computes, computed by DuckDB over scanSql. */
async function duckAggregates(table: IcebergTable, snapshotId?: bigint): Promise<Record<string, unknown>> {
  const reader = await conn.runAndReadAll(`select count(*)::int as rows, sum(id)::varchar as sum_id,
      sum(amount)::varchar as sum_amount, round(sum(price), 6) as sum_price,
      sum(paid::int)::varchar as paid,
      (min(sold_on) - date '1970-01-01')::varchar as min_sold_on, (max(sold_on) - date '1970-01-01')::varchar as max_sold_on,
      epoch_us(min(sold_at))::varchar as min_sold_at, epoch_us(max(sold_at))::varchar as max_sold_at,
      count(distinct customer)::varchar as customers
    from (${scanSql(table, snapshotId)})`);
  const row = reader.getRowObjectsJS()[0] as Record<string, unknown>;
  return row.rows === 0 ? { rows: 0 } : row;
}

async function write(table: IcebergTable, sql: string, schema = table.schema()) {
  return writeDataFiles(conn, { selectSql: sql, schema, partitioned: true, dataDir: table.dataDir() });
}

function assertSameAggregates(py: Record<string, unknown>, duck: Record<string, unknown>, what: string) {
  const { sum_price: pyPrice, ...pyRest } = py;
  const { sum_price: duckPrice, ...duckRest } = duck;
  assert.deepEqual(pyRest, duckRest, what);
  if (pyPrice !== undefined)
    assert.ok(Math.abs(Number(pyPrice) - Number(duckPrice)) < 1e-6, `${what}: sum_price`);
}

async function assertPyIcebergAgrees(table: IcebergTable): Promise<any> {
  const py = await pyiceberg('read', warehouse, table.identifier);
  table.refresh();
  assert.equal(py.current_snapshot_id, String(table.currentSnapshot()!['snapshot-id']));
  assert.equal(py.snapshots.length, table.snapshots().length);
  for (const s of py.snapshots) {
    const duck = await duckAggregates(table, BigInt(s.snapshot_id));
    assertSameAggregates(
      Object.fromEntries(
        Object.entries(s).filter(([k]) => !['snapshot_id', 'operation', 'total_records'].includes(k)),
      ),
      duck,
      `snapshot ${s.snapshot_id} (${s.operation})`,
    );
    assert.equal(String(s.rows), s.total_records, `summary total-records of ${s.snapshot_id}`);
  }
  assertSameAggregates(py.current, await duckAggregates(table), 'current snapshot');
  return py;
}

describe('PyIceberg reads what mdw writes, and mdw reads what PyIceberg writes', () => {
  let table: IcebergTable;
  const counts: number[] = [];

  test('1. every snapshot of an mdw table reads the same in PyIceberg (time travel)', async (t) => {
    const schema = await schemaForSelect(conn, salesSql(0, 1));
    table = catalog.createTable('mdw_cur', 'sales', schema, { partitioned: true });
    await table.append(await write(table, salesSql(0, 400)));
    await table.append(await write(table, salesSql(400, 700)));
    const day2 = table.dataFiles().filter((f) => f.partition.partition === '20180102');
    await table.overwrite({
      deleteFiles: day2,
      addFiles: await write(
        table,
        `select * from (${salesSql(0, 700)}) where partition = '20180102' and id % 4 = 1`,
      ),
    });
    const wider = await schemaForSelect(
      conn,
      salesSql(0, 1, `, 'n' || i as note`),
      table.schema(),
      table.metadata['last-column-id'],
    );
    await table.replace({
      schema: wider,
      addFiles: await write(table, salesSql(0, 500, `, 'n' || i as note`), wider),
    });
    for (let i = 0; i < 3; i++)
      await table.append(await write(table, salesSql(900 + i * 20, 920 + i * 20, `, 'late' as note`)));
    const compacted = await table.compact(duckDbRewriter(conn, table), 64 << 20);
    assert.equal(compacted?.summary.operation, 'replace');
    assert.deepEqual(
      table.history().map((h) => h.operation),
      ['append', 'append', 'overwrite', 'overwrite', 'append', 'append', 'append', 'replace'],
    );

    const py = await assertPyIcebergAgrees(table);
    for (const s of py.snapshots) counts.push(s.rows);
    assert.deepEqual(counts, [400, 700, 526, 500, 520, 540, 560, 560]);
    t.diagnostic(`rows per snapshot, PyIceberg = DuckDB: ${counts.join(', ')}`);
    assert.deepEqual(
      py.schema.map((f: any[]) => f[0]),
      [1, 2, 3, 4, 5, 6, 7, 9, 8],
    ); // note (new, id 9) sits before partition
    assert.deepEqual(py.schema[2], [3, 'price', 'double']);
    assert.deepEqual(py.schema[1], [2, 'amount', 'decimal(12, 2)']);
  });

  test('2. PyIceberg appends to the mdw table and creates its own; mdw reads both and commits on top', async (t) => {
    const written = await pyiceberg('write', warehouse, 'mdw_cur.sales');
    table.refresh();
    const history = table.history();
    assert.equal(String(history.at(-2)!.snapshotId), written.appended_snapshot_id);
    assert.equal(history.at(-2)!.operation, 'append');
    assert.equal(String(history.at(-1)!.snapshotId), written.deleted_snapshot_id);
    assert.ok(['delete', 'overwrite'].includes(history.at(-1)!.operation));
    assert.equal(history.at(-1)!.isCurrentAncestor, true);
    assert.equal((await duckAggregates(table, BigInt(written.appended_snapshot_id))).rows, 567);
    const now = await duckAggregates(table);
    assert.equal(now.rows, 557); // 560 + 7 appended - 10 with id < 10
    const [[small]] = (
      await conn.runAndReadAll(`select count(*)::int from (${scanSql(table)}) where id < 10`)
    ).getRowsJS();
    assert.equal(small, 0);
    const pyRows = await conn.runAndReadAll(
      `select count(*)::int, sum(amount)::varchar, min(customer) from (${scanSql(table)}) where partition = '20180109'`,
    );
    assert.deepEqual(pyRows.getRowsJS(), [[7, '-17.50', 'py0']]);

    const events = catalog.loadTable('py', 'events');
    assert.deepEqual(
      events.history().map((h) => String(h.snapshotId)),
      written.events_snapshot_ids,
    );
    assert.deepEqual(
      events.partitions().map((p) => [p.partition.day, p.recordCount, p.fileCount]),
      [
        ['20200101', 5, 1],
        ['20200102', 5, 1],
      ],
    );
    const ev = await conn.runAndReadAll(
      `select count(*)::int, sum(price)::varchar, count(distinct "at")::int from (${scanSql(events)})`,
    );
    assert.deepEqual(ev.getRowsJS(), [[10, '-11.250', 1]]);
    const first = await conn.runAndReadAll(
      `select count(*)::int from (${scanSql(events, BigInt(written.events_snapshot_ids[0]))})`,
    );
    assert.deepEqual(first.getRowsJS(), [[5]]);

    // mdw overwrites PyIceberg's partition: its manifest is rewritten with EXISTING/DELETED entries
    const theirs = table.dataFiles().filter((f) => f.partition.partition === '20180109');
    await table.overwrite({
      deleteFiles: theirs,
      addFiles: await write(table, `select * from (${salesSql(2000, 2003, `, 'redo' as note`)})`),
    });
    const py = await assertPyIcebergAgrees(table);
    t.diagnostic(
      `history: ${table
        .history()
        .map((h) => `${h.operation}:${h.summary['total-records']}`)
        .join(' ')}; PyIceberg current rows ${py.current.rows}`,
    );
  });

  test('3. PyIceberg’s inspect.files() and inspect.partitions() agree with mdw', async () => {
    const py = await pyiceberg('read', warehouse, 'mdw_cur.sales');
    table.refresh();
    const ours = table
      .dataFiles()
      .map((f) => ({
        path: f.filePath,
        records: f.recordCount,
        size: f.fileSizeInBytes,
        partition: f.partition,
        content: 0,
      }))
      .sort((a, b) => a.path.localeCompare(b.path));
    const theirs = [...py.files].sort((a: any, b: any) => a.path.localeCompare(b.path));
    assert.deepEqual(theirs, ours);
    const partitions = table
      .partitions()
      .map((p) => ({ partition: p.partition, records: p.recordCount, files: p.fileCount }));
    const key = (p: any) => String(p.partition.partition);
    assert.deepEqual(
      [...py.partitions].sort((a: any, b: any) => key(a).localeCompare(key(b))),
      partitions.sort((a, b) => key(a).localeCompare(key(b))),
    );
  });
});
