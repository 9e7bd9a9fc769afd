import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import avro from 'avsc';
import { readAvroFile } from '../../src/lakehouse/iceberg/avro.js';
import {
  type DataFile,
  EntryStatus,
  type ManifestFile,
  readManifest,
  readManifestList,
  writeManifest,
  writeManifestList,
} from '../../src/lakehouse/iceberg/manifest.js';
import {
  nextMetadataFileName,
  parseTableMetadata,
  serializeTableMetadata,
  specFor,
  withSchema,
} from '../../src/lakehouse/iceberg/metadata.js';
import type { Schema } from '../../src/lakehouse/iceberg/schema.js';
import { encodeValue } from '../../src/lakehouse/iceberg/values.js';
import { parseJson } from '../../src/util/exact-json.js';

const dir = mkdtempSync(join(tmpdir(), 'mdw-iceberg-meta-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const schema: Schema = {
  type: 'struct',
  'schema-id': 0,
  fields: [
    { id: 1, name: 'id', required: false, type: 'long' },
    { id: 2, name: 'amount', required: false, type: 'decimal(12,2)' },
    { id: 3, name: 'partition', required: false, type: 'string' },
  ],
};
const spec = specFor(schema, true, [], 999);

function dataFile(path: string, partition: string | null, records: number): DataFile {
  return {
    content: 0,
    filePath: `file://${dir}/${path}`,
    fileFormat: 'PARQUET',
    partition: { partition },
    recordCount: records,
    fileSizeInBytes: records * 10,
    columnSizes: { 1: 40, 2: 50 },
    valueCounts: { 1: records, 2: records },
    nullValueCounts: { 1: 0, 2: 1 },
    nanValueCounts: {},
    lowerBounds: { 1: encodeValue('long', 1n), 2: encodeValue('decimal(12,2)', '-5.00') },
    upperBounds: { 1: encodeValue('long', 99n), 2: encodeValue('decimal(12,2)', '7.25') },
    splitOffsets: [4],
    sortOrderId: 0,
  };
}

describe('iceberg table metadata JSON', () => {
  test('a new table has every v2 field the spec requires', async () => {
    const { newTableMetadata } = await import('../../src/lakehouse/iceberg/metadata.js');
    const md = newTableMetadata({ location: `file://${dir}/t`, schema, partitioned: true });
    const json = parseJson(serializeTableMetadata(md)) as Record<string, any>;
    for (const key of [
      'format-version',
      'table-uuid',
      'location',
      'last-sequence-number',
      'last-updated-ms',
      'last-column-id',
      'schemas',
      'current-schema-id',
      'partition-specs',
      'default-spec-id',
      'last-partition-id',
      'sort-orders',
      'default-sort-order-id',
    ]) {
      assert.ok(key in json, key);
    }
    assert.equal(json['format-version'], 2);
    assert.equal(json['last-column-id'], 3);
    assert.equal(json['current-snapshot-id'], -1);
    assert.deepEqual(json['partition-specs'], [
      {
        'spec-id': 0,
        fields: [{ 'source-id': 3, name: 'partition', transform: 'identity', 'field-id': 1000 }],
      },
    ]);
    assert.equal(json['last-partition-id'], 1000);
    assert.deepEqual(json['sort-orders'], [{ 'order-id': 0, fields: [] }]);
    assert.equal(json.properties['write.format.default'], 'parquet');
    // unpartitioned tables get the empty spec and last-partition-id 999, as Java writes
    const plain = newTableMetadata({ location: `file://${dir}/u`, schema, partitioned: false });
    assert.deepEqual(plain['partition-specs'], [{ 'spec-id': 0, fields: [] }]);
    assert.equal(plain['last-partition-id'], 999);
  });

  test('reading accepts other writers’ spellings and keeps 64-bit ids', () => {
    const text = JSON.stringify({
      'format-version': 2,
      'table-uuid': 'u',
      location: 'file:///x',
      'last-sequence-number': 1,
      'last-updated-ms': 1,
      'last-column-id': 1,
      schemas: [
        {
          type: 'struct',
          'schema-id': 0,
          fields: [{ id: 1, name: 'd', required: false, type: 'decimal(9, 2)' }],
        },
      ],
      'current-schema-id': 0,
      'partition-specs': [{ 'spec-id': 0, fields: [] }],
      'default-spec-id': 0,
      'last-partition-id': 999,
      'sort-orders': [{ 'order-id': 0, fields: [] }],
      'default-sort-order-id': 0,
      'current-snapshot-id': 'ID',
      snapshots: [
        {
          'snapshot-id': 'ID',
          'sequence-number': 1,
          'timestamp-ms': 1,
          'manifest-list': 'file:///x/l.avro',
          summary: { operation: 'append' },
        },
      ],
      'future-field': { kept: true },
    }).replace(/"ID"/g, '9007199254740993');
    const md = parseTableMetadata(Buffer.from(text), 'test');
    assert.equal(md['current-snapshot-id'], 9007199254740993n);
    assert.equal(md.refs.main!['snapshot-id'], 9007199254740993n);
    assert.equal(md.schemas[0]!.fields[0]!.type, 'decimal(9,2)');
    assert.match(serializeTableMetadata(md), /"current-snapshot-id": 9007199254740993/);
    assert.match(serializeTableMetadata(md), /"future-field"/);
    assert.throws(
      () => parseTableMetadata(Buffer.from('{"format-version": 3}'), 'v3 table'),
      /format version 3/,
    );
  });

  test('schema evolution adds a schema once and reuses an identical one', async () => {
    const { newTableMetadata } = await import('../../src/lakehouse/iceberg/metadata.js');
    const md = newTableMetadata({ location: `file://${dir}/t`, schema, partitioned: true });
    const wider: Schema = {
      ...schema,
      fields: [...schema.fields, { id: 4, name: 'note', required: false, type: 'string' }],
    };
    const evolved = withSchema(md, wider);
    assert.equal(evolved.schemas.length, 2);
    assert.equal(evolved['current-schema-id'], 1);
    assert.equal(evolved['last-column-id'], 4);
    assert.equal(withSchema(md, schema)['current-schema-id'], 0);
  });

  test('metadata files are numbered from the previous one', async () => {
    const { newTableMetadata } = await import('../../src/lakehouse/iceberg/metadata.js');
    const md = newTableMetadata({ location: `file://${dir}/t`, schema, partitioned: true });
    assert.match(nextMetadataFileName(null, md), /^00000-[0-9a-f-]{36}\.metadata\.json$/);
    assert.match(nextMetadataFileName('file:///t/metadata/00041-abc.metadata.json', md), /^00042-/);
  });
});

describe('iceberg manifests and manifest lists in Avro', () => {
  test('a manifest reads back, and its embedded schema carries the spec’s field ids', async () => {
    const path = join(dir, 'm0.avro');
    const entries = [
      {
        status: EntryStatus.ADDED,
        snapshotId: 123456789n,
        sequenceNumber: null,
        fileSequenceNumber: null,
        dataFile: dataFile('a.parquet', '20180101', 10),
      },
      {
        status: EntryStatus.EXISTING,
        snapshotId: 5n,
        sequenceNumber: 3,
        fileSequenceNumber: 2,
        dataFile: dataFile('b.parquet', null, 4),
      },
      {
        status: EntryStatus.DELETED,
        snapshotId: 123456789n,
        sequenceNumber: 1,
        fileSequenceNumber: 1,
        dataFile: dataFile('c.parquet', '20180102', 6),
      },
    ];
    const written = writeManifest(path, `file://${path}`, entries, spec, schema, 123456789n);
    assert.equal(written.addedFilesCount, 1);
    assert.equal(written.existingRowsCount, 4);
    assert.equal(written.deletedRowsCount, 6);
    assert.deepEqual(written.partitions, [
      {
        containsNull: true,
        containsNan: false,
        lowerBound: Buffer.from('20180101'),
        upperBound: Buffer.from('20180102'),
      },
    ]);

    // an independent Avro reader (avsc's own container decoder) sees the same file
    const header = avro.extractFileHeader(path)!;
    const meta = header.meta as Record<string, Buffer>;
    assert.equal(meta['format-version']!.toString(), '2');
    assert.equal(meta.content!.toString(), 'data');
    assert.equal(meta['partition-spec-id']!.toString(), '0');
    assert.deepEqual(JSON.parse(meta['partition-spec']!.toString()), spec.fields);
    assert.equal(JSON.parse(meta.schema!.toString()).fields[1].type, 'decimal(12,2)');
    const avroSchema = meta['avro.schema'] as unknown as any; // extractFileHeader parses it
    const ids = (fields: any[]) => Object.fromEntries(fields.map((f) => [f.name, f['field-id']]));
    assert.deepEqual(ids(avroSchema.fields), {
      status: 0,
      snapshot_id: 1,
      sequence_number: 3,
      file_sequence_number: 4,
      data_file: 2,
    });
    const dataFileFields = ids(avroSchema.fields[4].type.fields);
    assert.equal(dataFileFields.content, 134);
    assert.equal(dataFileFields.file_path, 100);
    assert.equal(dataFileFields.partition, 102);
    assert.equal(dataFileFields.lower_bounds, 125);
    assert.equal(avroSchema.fields[4].type.fields[3].type.fields[0]['field-id'], 1000);
    const decoded: any[] = await new Promise((resolve, reject) => {
      const out: any[] = [];
      avro
        .createFileDecoder(path)
        .on('data', (r: any) => out.push(r))
        .on('end', () => resolve(out))
        .on('error', reject);
    });
    assert.equal(decoded.length, 3);
    assert.equal(decoded[0].data_file.file_path, `file://${dir}/a.parquet`);

    // and our reader applies inheritance from the manifest list row
    const listed: ManifestFile = { ...written, sequenceNumber: 7, minSequenceNumber: 1 };
    const back = readManifest(listed, path, spec, schema);
    assert.equal(back[0]!.sequenceNumber, 7); // ADDED with null: inherits
    assert.equal(back[0]!.snapshotId, 123456789n);
    assert.equal(back[1]!.sequenceNumber, 3); // EXISTING keeps its own
    assert.deepEqual(back[1]!.dataFile.partition, { partition: null });
    assert.deepEqual(back[0]!.dataFile.partition, { partition: '20180101' });
    assert.deepEqual(back[0]!.dataFile.lowerBounds, entries[0]!.dataFile.lowerBounds);
    assert.deepEqual(back[0]!.dataFile.nullValueCounts, { 1: 0, 2: 1 });
    assert.deepEqual(back[0]!.dataFile.splitOffsets, [4]);
  });

  test('a manifest list round-trips with its field ids', () => {
    const path = join(dir, 'snap.avro');
    const m: ManifestFile = {
      manifestPath: 'file:///x/m0.avro',
      manifestLength: 1234,
      partitionSpecId: 0,
      content: 0,
      sequenceNumber: 4,
      minSequenceNumber: 2,
      addedSnapshotId: 9223372036854775807n,
      addedFilesCount: 1,
      existingFilesCount: 2,
      deletedFilesCount: 3,
      addedRowsCount: 10,
      existingRowsCount: 20,
      deletedRowsCount: 30,
      partitions: [
        {
          containsNull: false,
          containsNan: false,
          lowerBound: Buffer.from('a'),
          upperBound: Buffer.from('b'),
        },
      ],
      keyMetadata: null,
    };
    writeManifestList(path, [m], 9223372036854775807n, 5n, 4);
    assert.deepEqual(readManifestList(path), [m]);
    const file = readAvroFile(path);
    assert.equal(file.metadata['snapshot-id'], '9223372036854775807');
    assert.equal(file.metadata['parent-snapshot-id'], '5');
    const ids = Object.fromEntries(file.schema.fields.map((f: any) => [f.name, f['field-id']]));
    assert.deepEqual(ids, {
      manifest_path: 500,
      manifest_length: 501,
      partition_spec_id: 502,
      content: 517,
      sequence_number: 515,
      min_sequence_number: 516,
      added_snapshot_id: 503,
      added_files_count: 504,
      existing_files_count: 505,
      deleted_files_count: 506,
      added_rows_count: 512,
      existing_rows_count: 513,
      deleted_rows_count: 514,
      partitions: 507,
      key_metadata: 519,
    });
    assert.ok(readFileSync(path).subarray(0, 4).equals(Buffer.from('Obj\u0001', 'latin1')));
  });
});
