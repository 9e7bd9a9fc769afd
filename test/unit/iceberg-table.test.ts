import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
import {
  type IcebergCatalog,
  type IcebergTable,
  openCatalog,
  type Schema,
} from '../../src/lakehouse/iceberg/index.js';
import { ExecutionError } from '../../src/util/errors.js';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
const roots: string[] = [];

before(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
});
after(() => {
  conn.closeSync();
  instance.closeSync();
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function warehouse(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mdw-iceberg-'));
  roots.push(dir);
  return dir;
}

/** Sales-like rows: ids [from, to), three days of partitions. */
function salesSql(from: number, to: number, extra = ''): string {
  return `select i::bigint as id, (i * 1.25)::decimal(12,2) as amount, 'c' || (i % 5) as customer,
      date '2018-01-01' + (i % 3)::int as sold_on, i % 2 = 0 as paid${extra},
      strftime(date '2018-01-01' + (i % 3)::int, '%Y%m%d') as partition
    from range(${from}, ${to}) t(i)`;
}

async function rowsOf(sql: string): Promise<unknown[][]> {
  return (await conn.runAndReadAll(sql)).getRowsJS() as unknown[][];
}

/** Row count and id sum of a snapshot, read with DuckDB straight from the files dataFiles() lists. */
async function countAndSum(table: IcebergTable, snapshotId?: bigint): Promise<[number, number]> {
  const files = table.dataFiles(snapshotId).map((f) => `'${f.localPath}'`);
  if (files.length === 0) return [0, 0];
  const [[n, s]] = (await rowsOf(
    `select count(*), coalesce(sum(id), 0) from read_parquet([${files.join(', ')}])`,
  )) as [bigint, bigint | number][];
  return [Number(n), Number(s)];
}

async function write(
  table: IcebergTable,
  sql: string,
  schema: Schema = table.schema(),
  targetFileSizeBytes?: number,
) {
  return writeDataFiles(conn, {
    selectSql: sql,
    schema,
    partitioned: table.partitioned,
    dataDir: table.dataDir(),
    targetFileSizeBytes,
  });
}

async function newSalesTable(catalog: IcebergCatalog, name = 'sales'): Promise<IcebergTable> {
  const schema = await schemaForSelect(conn, salesSql(0, 1));
  return catalog.createTable('mdw_cur', name, schema, { partitioned: true });
}

const sumIds = (from: number, to: number) => ((to - 1 + from) * (to - from)) / 2;

describe('iceberg table lifecycle on a temp warehouse', () => {
  test('create → append → overwrite → replace → rewrite → rollback → expire → remove orphans', async () => {
    const w = warehouse();
    const catalog = openCatalog(w);
    const table = await newSalesTable(catalog);
    assert.equal(table.currentSnapshot(), undefined);
    assert.deepEqual(table.dataFiles(), []);

    // append twice
    const s1 = await table.append(await write(table, salesSql(0, 300)));
    const s2 = await table.append(await write(table, salesSql(300, 600)));
    assert.deepEqual(await countAndSum(table), [600, sumIds(0, 600)]);
    assert.equal(s2['parent-snapshot-id'], s1['snapshot-id']);
    assert.equal(s2['sequence-number'], 2);
    assert.equal(s2.summary['total-records'], '600');
    assert.equal(s2.summary['added-data-files'], '3');
    assert.deepEqual(
      table.partitions().map((p) => [p.partition.partition, p.recordCount, p.fileCount]),
      [
        ['20180101', 200, 2],
        ['20180102', 200, 2],
        ['20180103', 200, 2],
      ],
    );
    assert.ok(existsSync(join(w, 'mdw_cur', 'sales', 'data', 'partition=20180101')));

    // overwrite one partition (insert_overwrite): delete its files, add new ones
    const day1 = table.dataFiles().filter((f) => f.partition.partition === '20180101');
    const replacement = await write(
      table,
      `select * from (${salesSql(0, 600)}) where partition = '20180101' and id < 30`,
    );
    const s3 = await table.overwrite({ deleteFiles: day1, addFiles: replacement });
    assert.equal(s3.summary.operation, 'overwrite');
    assert.equal(s3.summary['deleted-data-files'], '2');
    assert.equal(s3.summary['deleted-records'], '200');
    assert.equal(s3.summary['total-records'], '410');
    const [n3] = await countAndSum(table);
    assert.equal(n3, 410);
    // the overwritten partition's old files stay readable by time travel
    assert.deepEqual(await countAndSum(table, s2['snapshot-id']), [600, sumIds(0, 600)]);

    // full refresh with a new column: every file replaced, schema evolves, ids kept
    const wider = await schemaForSelect(
      conn,
      salesSql(0, 1, `, 'n' || i as note`),
      table.schema(),
      table.metadata['last-column-id'],
    );
    const s4 = await table.replace({
      schema: wider,
      addFiles: await write(table, salesSql(0, 90, `, 'n' || i as note`), wider),
    });
    assert.equal(s4.summary['total-records'], '90');
    assert.equal(s4.summary['deleted-records'], '410');
    assert.equal(table.schema().fields.find((f) => f.name === 'note')!.id, 7);
    assert.equal(table.schema().fields.find((f) => f.name === 'id')!.id, 1);
    assert.equal(table.schema(s2['snapshot-id']).fields.length, 6);
    assert.equal(s4['schema-id'], 1);

    // several small appends, then compaction: operation replace, same rows, fewer files
    for (let i = 0; i < 3; i++)
      await table.append(await write(table, salesSql(1000 + i * 10, 1010 + i * 10, `, 'x' as note`)));
    const before = await countAndSum(table);
    const filesBefore = table.dataFiles().length;
    const groups = table.planCompaction(1 << 20);
    assert.equal(groups.length, 3); // one group per partition
    const s5 = await table.compact(duckDbRewriter(conn, table), 1 << 20);
    assert.ok(s5);
    assert.equal(s5.summary.operation, 'replace');
    assert.deepEqual(await countAndSum(table), before);
    assert.equal(table.dataFiles().length, 3);
    assert.ok(filesBefore > 3);
    assert.equal(s5.summary['added-records'], s5.summary['deleted-records']);

    // every snapshot's summary total matches what its files hold
    for (const s of table.snapshots()) {
      const [n] = await countAndSum(table, s['snapshot-id']);
      assert.equal(String(n), s.summary['total-records'], `snapshot ${s['snapshot-id']}`);
    }

    // rollback to the second append: a new metadata version pointing at the old snapshot
    const versionsBefore = table.metadata['metadata-log'].length;
    await table.rollback(s2['snapshot-id']);
    assert.equal(table.currentSnapshot()!['snapshot-id'], s2['snapshot-id']);
    assert.deepEqual(await countAndSum(table), [600, sumIds(0, 600)]);
    assert.equal(table.metadata['metadata-log'].length, versionsBefore + 1);
    assert.equal(table.schema().fields.length, 6); // the schema follows the snapshot
    const history = table.history();
    assert.equal(history.find((h) => h.snapshotId === s4['snapshot-id'])!.isCurrentAncestor, false);
    assert.equal(history.find((h) => h.snapshotId === s1['snapshot-id'])!.isCurrentAncestor, true);
    // a fresh catalog sees the same state (nothing cached)
    const reopened = openCatalog(w).loadTable('mdw_cur', 'sales');
    assert.equal(reopened.currentSnapshot()!['snapshot-id'], s2['snapshot-id']);

    // a new commit after the rollback continues from the rolled-back snapshot
    const s6 = await table.append(await write(table, salesSql(600, 630)));
    assert.equal(s6['parent-snapshot-id'], s2['snapshot-id']);
    assert.deepEqual(await countAndSum(table), [630, sumIds(0, 630)]);

    // expire everything but the current snapshot: old files go, the current ones stay
    const allFiles = () => listFiles(join(w, 'mdw_cur', 'sales'));
    const beforeExpire = allFiles();
    const total = table.snapshots().length;
    assert.equal(total, 9);
    const expired = await table.expireSnapshots({ olderThanMs: 0, retainLast: 1 });
    assert.equal(expired.expiredSnapshotIds.length, total - 1);
    assert.deepEqual(
      table.snapshots().map((s) => s['snapshot-id']),
      [s6['snapshot-id']],
    );
    assert.ok(expired.deletedFiles.length > 0);
    for (const f of expired.deletedFiles) assert.ok(!existsSync(f), f);
    assert.ok(allFiles().length < beforeExpire.length);
    assert.deepEqual(await countAndSum(table), [630, sumIds(0, 630)]);
    const live = new Set(table.dataFiles().map((f) => f.localPath));
    for (const f of live) assert.ok(existsSync(f));
    // files only expired snapshots used are gone (the rollback undid the overwrite)
    for (const f of replacement) assert.ok(!existsSync(f.filePath.slice('file://'.length)));
    for (const f of day1) assert.ok(live.has(f.localPath));

    // orphans: a file no metadata references is removed only once old enough
    const orphan = join(table.dataDir(), 'partition=20180101', 'crashed-writer.parquet');
    writeFileSync(orphan, 'not referenced');
    assert.deepEqual(await table.removeOrphans(), []); // default: 1 hour grace
    assert.ok(existsSync(orphan));
    const removed = await table.removeOrphans({ olderThanMs: 0 });
    assert.ok(removed.includes(orphan));
    assert.ok(!existsSync(orphan));
    assert.deepEqual(await countAndSum(openCatalog(w).loadTable('mdw_cur', 'sales')), [630, sumIds(0, 630)]);
  });

  test('Parquet data files carry the Iceberg field ids', async () => {
    const catalog = openCatalog(warehouse());
    const table = await newSalesTable(catalog);
    await table.append(await write(table, salesSql(0, 10)));
    const file = table.dataFiles()[0]!.localPath;
    const ids = await rowsOf(
      `select name, field_id from parquet_schema('${file}') where field_id is not null`,
    );
    const expected = table.schema().fields.map((f) => [f.name, f.id]);
    assert.deepEqual(
      ids.map(([n, id]) => [n, Number(id)]),
      expected,
    );
  });

  test('scanSql reads by field id: renamed and added columns read right', async () => {
    const catalog = openCatalog(warehouse());
    const table = await newSalesTable(catalog);
    await table.append(await write(table, salesSql(0, 10)));
    const renamed: Schema = {
      ...table.schema(),
      fields: [
        ...table.schema().fields.map((f) => (f.name === 'amount' ? { ...f, name: 'net_amount' } : f)),
        { id: 7, name: 'added', required: false, type: 'string' },
      ],
    };
    await table.append([], { schema: renamed });
    const rows = await rowsOf(`select sum(net_amount)::double, count(added) from (${scanSql(table)})`);
    assert.deepEqual(rows, [[56.25, 0n]]);
  });

  test('unpartitioned tables write data/<file>.parquet and split by target file size', async () => {
    const catalog = openCatalog(warehouse());
    const schema = await schemaForSelect(conn, `select 1::bigint as id, 'x' as s`);
    const table = catalog.createTable('raw', 'events', schema);
    assert.equal(table.partitioned, false);
    const files = await write(
      table,
      `select i::bigint as id, md5(i::varchar) as s from range(400000) t(i)`,
      schema,
      2_000_000,
    );
    assert.ok(files.length > 1, `${files.length} files`);
    for (const f of files) assert.match(f.filePath, /\/raw\/events\/data\/[^/]+\.parquet$/);
    await table.append(files);
    assert.deepEqual(await countAndSum(table), [400000, sumIds(0, 400000)]);
    assert.deepEqual(table.partitions(), [
      {
        partition: {},
        recordCount: 400000,
        fileCount: files.length,
        totalSizeBytes: files.reduce((n, f) => n + f.fileSizeInBytes, 0),
      },
    ]);
  });

  test('after a compaction, expiring the older snapshots deletes the compacted-away files', async () => {
    const catalog = openCatalog(warehouse());
    const table = await newSalesTable(catalog, 'compacted');
    for (let i = 0; i < 3; i++) await table.append(await write(table, salesSql(i * 100, (i + 1) * 100)));
    const small = table.dataFiles().map((f) => f.localPath);
    await table.compact(duckDbRewriter(conn, table), 64 * 1024 * 1024);
    const compacted = table.dataFiles().map((f) => f.localPath);
    assert.ok(compacted.length < small.length, `${small.length} → ${compacted.length} files`);
    const result = await table.expireSnapshots({ olderThanMs: 0, retainLast: 1 });
    for (const path of small) assert.ok(!existsSync(path), `${path} is referenced by no snapshot left`);
    for (const path of compacted) assert.ok(existsSync(path), `${path} is live`);
    assert.ok(result.deletedFiles.length >= small.length);
    assert.deepEqual(await countAndSum(table), [300, sumIds(0, 300)]);
  });

  test('snapshotAsOf follows the snapshot log', async () => {
    const catalog = openCatalog(warehouse());
    const table = await newSalesTable(catalog);
    const a = await table.append(await write(table, salesSql(0, 10)));
    const b = await table.append(await write(table, salesSql(10, 20)));
    assert.equal(table.snapshotAsOf(a['timestamp-ms'] - 1), undefined);
    assert.equal(table.snapshotAsOf(a['timestamp-ms'])!['snapshot-id'], a['snapshot-id']);
    assert.equal(table.snapshotAsOf(b['timestamp-ms'] + 1000)!['snapshot-id'], b['snapshot-id']);
  });

  test('catalog: list, exists, duplicate and missing tables, drop with purge', async () => {
    const w = warehouse();
    const catalog = openCatalog(w);
    const table = await newSalesTable(catalog, 't1');
    await newSalesTable(catalog, 't2');
    await table.append(await write(table, salesSql(0, 10)));
    assert.deepEqual(
      catalog.listTables('mdw_cur').map((t) => t.name),
      ['t1', 't2'],
    );
    assert.deepEqual(catalog.listNamespaces(), ['mdw_cur']);
    await assert.rejects(async () => newSalesTable(catalog, 't1'), /Iceberg table mdw_cur.t1 already exists/);
    assert.throws(
      () => catalog.loadTable('mdw_cur', 'nope'),
      (e: unknown) => e instanceof ExecutionError && /does not exist/.test(e.message),
    );
    catalog.dropTable('mdw_cur', 't2');
    assert.ok(existsSync(join(w, 'mdw_cur', 't2', 'metadata')));
    catalog.dropTable('mdw_cur', 't1', { purge: true });
    assert.ok(!existsSync(join(w, 'mdw_cur', 't1')));
    assert.deepEqual(catalog.listTables(), []);
    assert.equal(catalog.namespaceExists('mdw_cur'), true);
  });
});

describe('iceberg commits under concurrency', () => {
  test('a concurrent commit between read and swap: the append is re-applied on top', async () => {
    const w = warehouse();
    const other = openCatalog(w);
    let raced = false;
    const catalog = openCatalog(w, {
      beforeSwap: async (_table, attempt) => {
        if (attempt > 0 || raced) return;
        raced = true;
        const t = other.loadTable('mdw_cur', 'sales');
        await t.append(await write(t, salesSql(1000, 1100)));
      },
    });
    const table = await newSalesTable(catalog);
    const mine = await write(table, salesSql(0, 50));
    const s = await table.append(mine);
    assert.ok(raced);
    assert.deepEqual(await countAndSum(table), [150, sumIds(0, 50) + sumIds(1000, 1100)]);
    assert.equal(table.snapshots().length, 2);
    assert.equal(s['sequence-number'], 2);
    assert.equal(s.summary['total-records'], '150');
    assert.notEqual(s['parent-snapshot-id'], null);
    // the losing attempt's manifest list and metadata file were cleaned up
    const metadataFiles = readdirSync(join(w, 'mdw_cur', 'sales', 'metadata'));
    assert.equal(metadataFiles.filter((f) => f.endsWith('.metadata.json')).length, 3);
    assert.equal(metadataFiles.filter((f) => f.startsWith('snap-')).length, 2);
  });

  test('an overwrite whose files another writer already replaced fails with one sentence', async () => {
    const w = warehouse();
    const other = openCatalog(w);
    const catalog = openCatalog(w, {
      beforeSwap: async (_table, attempt) => {
        if (attempt > 0) return;
        const t = other.loadTable('mdw_cur', 'sales');
        await t.overwrite({ deleteFiles: t.dataFiles(), addFiles: await write(t, salesSql(500, 510)) });
      },
    });
    const table = await newSalesTable(catalog);
    await other.loadTable('mdw_cur', 'sales').append(await write(table, salesSql(0, 30)));
    table.refresh();
    const victims = table.dataFiles();
    await assert.rejects(
      async () => table.overwrite({ deleteFiles: victims, addFiles: await write(table, salesSql(0, 5)) }),
      (e: unknown) =>
        e instanceof ExecutionError &&
        /^Cannot overwrite Iceberg table mdw_cur\.sales: 3 of the files it replaces are no longer in the table/.test(
          e.message,
        ),
    );
    // the other writer's commit is intact
    const fresh = openCatalog(w).loadTable('mdw_cur', 'sales');
    assert.deepEqual(await countAndSum(fresh), [10, sumIds(500, 510)]);
  });

  test('when every retry loses, the commit fails with one sentence and changes nothing', async () => {
    const w = warehouse();
    const other = openCatalog(w);
    const catalog = openCatalog(w, {
      commitRetries: 1,
      beforeSwap: async () => {
        const t = other.loadTable('mdw_cur', 'sales');
        await t.append([]);
      },
    });
    const table = await newSalesTable(catalog);
    await assert.rejects(
      async () => table.append(await write(table, salesSql(0, 5))),
      (e: unknown) =>
        e instanceof ExecutionError && /other writers committed first 2 times in a row/.test(e.message),
    );
    const fresh = openCatalog(w).loadTable('mdw_cur', 'sales');
    assert.equal(fresh.snapshots().length, 2);
    assert.deepEqual(await countAndSum(fresh), [0, 0]);
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => join(d.parentPath ?? (d as any).path, d.name));
}
