/**
 * Row-level deletes on the local lakehouse: position and equality delete files (as another
 * engine writes them) are applied on read by the spec's sequence-number rules, and mdw's own
 * copy-on-write commits keep the table right and drop the delete files they supersede.
 * (test/trino/interop.test.ts does the same with delete files written by a real Trino.)
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { readLiveFilesSql, scanLiveSql } from '../../src/adapters/duckdb/iceberg/delete-scan.js';
import { schemaForSelect, writeDataFiles } from '../../src/adapters/duckdb/iceberg/index.js';
import { DeleteIndex, type LiveDeleteFile } from '../../src/lakehouse/iceberg/deletes.js';
import { type DataFile, type IcebergTable, openCatalog } from '../../src/lakehouse/iceberg/index.js';
import { FileContent } from '../../src/lakehouse/iceberg/manifest.js';
import { scratchDuckDb } from '../support/scratch-duckdb.js';

const db = scratchDuckDb('mdw-deletes-');

function rowsSql(from: number, to: number): string {
  return `select i::bigint as id, (i * 1.25)::decimal(12,2) as amount, 'c' || (i % 5) as customer,
      strftime(date '2018-01-01' + (i % 2)::int, '%Y%m%d') as partition
    from range(${from}, ${to}) t(i)`;
}

async function newTable(name: string): Promise<IcebergTable> {
  const catalog = openCatalog(join(db.root, name));
  const schema = await schemaForSelect(db.conn, rowsSql(0, 1));
  const table = catalog.createTable('ns', name, schema, { partitioned: true });
  await table.append(await writeData(table, rowsSql(0, 20)));
  return table;
}

function writeData(table: IcebergTable, sql: string): Promise<DataFile[]> {
  return writeDataFiles(db.conn, {
    selectSql: sql,
    schema: table.schema(),
    partitioned: true,
    dataDir: table.dataDir(),
  });
}

async function ids(sql: string): Promise<number[]> {
  const reader = await db.conn.runAndReadAll(`select id from (${sql}) order by id`);
  return reader.getRows().map((r) => Number(r[0]));
}

/** A position delete file (file_path, pos with the spec's field ids) deleting some rows of a data file. */
async function positionDeleteFile(
  table: IcebergTable,
  data: DataFile,
  positions: number[],
): Promise<DataFile> {
  const path = join(table.dataDir(), `pos-${positions.join('-')}-${Date.now()}.parquet`);
  const values = positions.map((p) => `('${data.filePath}', ${p}::bigint)`).join(', ');
  await db.conn.run(
    `copy (select * from (values ${values}) v(file_path, pos)) to '${path}' (format parquet, field_ids {file_path: 2147483546, pos: 2147483545})`,
  );
  return deleteFile(path, data.partition, FileContent.POSITION_DELETES, positions.length);
}

/** An equality delete file on `customer` (field id 3). */
async function equalityDeleteFile(
  table: IcebergTable,
  customers: string[],
  partition: DataFile['partition'],
) {
  const path = join(table.dataDir(), `eq-${customers.join('-')}-${Date.now()}.parquet`);
  const values = customers.map((c) => `('${c}')`).join(', ');
  await db.conn.run(
    `copy (select * from (values ${values}) v(customer)) to '${path}' (format parquet, field_ids {customer: 3})`,
  );
  return { ...deleteFile(path, partition, FileContent.EQUALITY_DELETES, customers.length), equalityIds: [3] };
}

function deleteFile(
  path: string,
  partition: DataFile['partition'],
  content: number,
  records: number,
): DataFile {
  return {
    content,
    filePath: `file://${path}`,
    fileFormat: 'PARQUET',
    partition,
    recordCount: records,
    fileSizeInBytes: 1,
  };
}

describe('row-level deletes on the local lakehouse', () => {
  test('position deletes remove (file, row) pairs; equality deletes only rows older than themselves', async () => {
    const table = await newTable('read');
    const [first] = table.dataFiles().sort((a, b) => a.filePath.localeCompare(b.filePath));
    // rows 0 and 2 of the first file (its ids in write order)
    const firstIds = await ids(`select * from read_parquet('${first!.localPath}')`);
    const inFile = (await db.conn.runAndReadAll(`select id from read_parquet('${first!.localPath}')`))
      .getRows()
      .map((r) => Number(r[0]));
    const removed = [inFile[0]!, inFile[2]!];
    await table.append([await positionDeleteFile(table, first!, [0, 2])]);
    // c1 rows in the first file's partition disappear; then a later c1 row appears there again
    await table.append([await equalityDeleteFile(table, ['c1'], first!.partition)]);
    await table.append(await writeData(table, `${rowsSql(100, 102)}`));

    const expected = (await ids(rowsSql(0, 20)))
      .filter((id) => !removed.includes(id))
      .filter((id) => !(id % 5 === 1 && firstIds.includes(id)))
      .concat([100, 101])
      .sort((a, b) => a - b);
    assert.deepEqual(await ids(scanLiveSql(table)), expected);
    // a file-subset read (what merges do) applies them too
    assert.deepEqual(
      await ids(readLiveFilesSql(table, [first!], table.schema())),
      firstIds.filter((id) => !removed.includes(id) && id % 5 !== 1),
    );
  });

  test('a copy-on-write rewrite keeps deleted rows out and drops the delete files it supersedes', async () => {
    const table = await newTable('rewrite');
    const files = table.dataFiles().sort((a, b) => a.filePath.localeCompare(b.filePath));
    const target = files[0]!;
    await table.append([await positionDeleteFile(table, target, [1])]);
    const before = await ids(scanLiveSql(table));
    assert.equal(before.length, 19);
    // rewrite the file the delete applies to, as a merge does: read it with deletes, write it back
    const rewritten = await writeDataFiles(db.conn, {
      selectSql: readLiveFilesSql(table, [target], table.schema()),
      schema: table.schema(),
      partitioned: true,
      dataDir: table.dataDir(),
    });
    const snapshot = await table.overwrite({ deleteFiles: [target], addFiles: rewritten });
    assert.deepEqual(await ids(scanLiveSql(table)), before);
    assert.equal(table.deleteIndex().files.length, 0, 'the position delete file went with its data file');
    assert.equal(snapshot.summary['removed-delete-files'], '1');
    assert.equal(snapshot.summary['total-delete-files'], '0');
  });

  test('a delete file that still applies to a remaining data file is kept', async () => {
    const table = await newTable('keep');
    const files = table.dataFiles().sort((a, b) => a.filePath.localeCompare(b.filePath));
    await table.append([await equalityDeleteFile(table, ['c2'], files[0]!.partition)]);
    const before = await ids(scanLiveSql(table));
    // replace an unrelated (other partition) file: the equality delete still applies to files[0]
    const other = files.find((f) => JSON.stringify(f.partition) !== JSON.stringify(files[0]!.partition))!;
    const copy = await writeDataFiles(db.conn, {
      selectSql: readLiveFilesSql(table, [other], table.schema()),
      schema: table.schema(),
      partitioned: true,
      dataDir: table.dataDir(),
    });
    await table.overwrite({ deleteFiles: [other], addFiles: copy });
    assert.equal(table.deleteIndex().files.length, 1);
    assert.deepEqual(await ids(scanLiveSql(table)), before);
  });

  test('sequence and partition rules of the spec', () => {
    const del = (
      content: number,
      seq: number,
      partition: string,
      extra: Partial<LiveDeleteFile> = {},
    ): LiveDeleteFile => ({
      content,
      filePath: `file:///d/${content}-${seq}-${partition}`,
      localPath: `/d/${content}-${seq}-${partition}`,
      fileFormat: 'PARQUET',
      partition: { p: partition },
      recordCount: 1,
      fileSizeInBytes: 1,
      sequenceNumber: seq,
      specId: 1,
      equalityIds: content === 2 ? [1] : null,
      ...extra,
    });
    const index = new DeleteIndex(
      [
        del(1, 5, 'a'),
        del(2, 5, 'a'),
        del(1, 5, 'b', { referencedDataFile: 'file:///x' }),
        del(2, 3, 'z', { specId: 0, partition: {} }),
      ],
      new Set([0]),
      'ns.t',
    );
    const data = (seq: number, p: string, filePath = 'file:///data') => ({
      filePath,
      partition: { p },
      sequenceNumber: seq,
      specId: 1,
    });
    const names = (a: ReturnType<DeleteIndex['applicableTo']>) =>
      [...a.position, ...a.equality].map((d) => d.localPath).sort();
    // position deletes apply at equal sequence numbers, equality deletes only to older data
    assert.deepEqual(names(index.applicableTo(data(5, 'a'))), ['/d/1-5-a']);
    assert.deepEqual(names(index.applicableTo(data(4, 'a'))), ['/d/1-5-a', '/d/2-5-a']);
    // an unpartitioned spec's delete applies to every partition; others only to their own
    assert.deepEqual(names(index.applicableTo(data(2, 'c'))), ['/d/2-3-z']);
    // referenced_data_file narrows a position delete to one file
    assert.deepEqual(names(index.applicableTo(data(1, 'b', 'file:///y'))), ['/d/2-3-z']);
    assert.deepEqual(names(index.applicableTo(data(1, 'b', 'file:///x'))), ['/d/1-5-b', '/d/2-3-z']);
    // so do equal lower and upper bounds of its file_path column (what Trino writes)
    const path = Buffer.from('file:///only');
    const bounded = new DeleteIndex(
      [del(1, 5, 'a', { lowerBounds: { 2147483546: path }, upperBounds: { 2147483546: path } })],
      new Set(),
      'ns.t',
    );
    assert.equal(bounded.applicableTo(data(1, 'a', 'file:///only')).position.length, 1);
    assert.equal(bounded.applicableTo(data(1, 'a', 'file:///other')).position.length, 0);
    assert.deepEqual(
      bounded.superseded([data(1, 'a', 'file:///other')]).map((d) => d.localPath),
      ['/d/1-5-a'],
    );
    assert.throws(
      () => new DeleteIndex([del(1, 1, 'a', { fileFormat: 'PUFFIN' })], new Set(), 'ns.t'),
      /ns\.t has PUFFIN delete files .* only Parquet position and equality deletes/,
    );
  });
});
