/**
 * Manifests and manifest lists (spec "Manifests", "Manifest Lists"): their Avro schemas with
 * the spec's field ids, writing them, and reading any writer's files by field id with
 * snapshot-id and sequence-number inheritance applied.
 */

import { stringifyJson } from '../../util/exact-json.js';
import { fieldIdMapper, readAvroFile, writeAvroFile } from './avro.js';
import type { PartitionField, PartitionSpec } from './metadata.js';
import { decimalParts, type IcebergType, isPrimitive, type PrimitiveType, type Schema } from './schema.js';
import {
  compareValues,
  encodeValue,
  formatDecimal,
  type IcebergValue,
  minimalTwosComplement,
  readTwosComplement,
  unscaled,
} from './values.js';

export const EntryStatus = { EXISTING: 0, ADDED: 1, DELETED: 2 } as const;
export type EntryStatus = (typeof EntryStatus)[keyof typeof EntryStatus];

export const FileContent = { DATA: 0, POSITION_DELETES: 1, EQUALITY_DELETES: 2 } as const;

export type PartitionValues = Record<string, IcebergValue | null>;

/** A data or delete file as a manifest describes it. Metric maps are keyed by field id. */
export interface DataFile {
  content: number;
  filePath: string;
  fileFormat: string;
  /** partition tuple, keyed by partition field name */
  partition: PartitionValues;
  recordCount: number;
  fileSizeInBytes: number;
  columnSizes?: Record<number, number> | null;
  valueCounts?: Record<number, number> | null;
  nullValueCounts?: Record<number, number> | null;
  nanValueCounts?: Record<number, number> | null;
  lowerBounds?: Record<number, Buffer> | null;
  upperBounds?: Record<number, Buffer> | null;
  keyMetadata?: Buffer | null;
  splitOffsets?: number[] | null;
  equalityIds?: number[] | null;
  sortOrderId?: number | null;
  referencedDataFile?: string | null;
}

export interface ManifestEntry {
  status: EntryStatus;
  /** null only in a file being written, meaning "inherit the manifest's snapshot" */
  snapshotId: bigint | null;
  sequenceNumber: number | null;
  fileSequenceNumber: number | null;
  dataFile: DataFile;
}

export interface FieldSummary {
  containsNull: boolean;
  containsNan: boolean | null;
  lowerBound: Buffer | null;
  upperBound: Buffer | null;
}

/** One row of a manifest list. */
export interface ManifestFile {
  manifestPath: string;
  manifestLength: number;
  partitionSpecId: number;
  content: number;
  sequenceNumber: number;
  minSequenceNumber: number;
  addedSnapshotId: bigint;
  addedFilesCount: number;
  existingFilesCount: number;
  deletedFilesCount: number;
  addedRowsCount: number;
  existingRowsCount: number;
  deletedRowsCount: number;
  partitions: FieldSummary[] | null;
  keyMetadata: Buffer | null;
}

// --- Avro schemas ----------------------------------------------------------------------------

const opt = (type: unknown) => ['null', type];

function intMap(fieldId: number, name: string, keyId: number, valueId: number, valueType: string) {
  return {
    name,
    type: opt({
      type: 'array',
      logicalType: 'map',
      items: {
        type: 'record',
        name: `k${keyId}_v${valueId}`,
        fields: [
          { name: 'key', type: 'int', 'field-id': keyId },
          { name: 'value', type: valueType, 'field-id': valueId },
        ],
      },
    }),
    default: null,
    'field-id': fieldId,
  };
}

/** The Avro schema of a partition value of a given Iceberg type (spec Appendix A, Avro). */
function avroTypeOf(type: PrimitiveType, name: string): unknown {
  const dec = decimalParts(type);
  if (dec) {
    return {
      type: 'fixed',
      name: `decimal_${name}`,
      size: decimalBytes(dec.precision),
      logicalType: 'decimal',
      precision: dec.precision,
      scale: dec.scale,
    };
  }
  const fixed = /^fixed\[(\d+)\]$/.exec(type);
  if (fixed) return { type: 'fixed', name: `fixed_${name}`, size: Number(fixed[1]) };
  switch (type) {
    case 'date':
      return { type: 'int', logicalType: 'date' };
    case 'time':
      return { type: 'long', logicalType: 'time-micros' };
    case 'timestamp':
    case 'timestamptz':
      return { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': type === 'timestamptz' };
    case 'uuid':
      return { type: 'fixed', name: `uuid_${name}`, size: 16, logicalType: 'uuid' };
    case 'binary':
      return 'bytes';
    default:
      return type; // boolean, int, long, float, double, string share their Avro names
  }
}

/** Fewest bytes whose two's complement holds every unscaled value of precision P. */
export function decimalBytes(precision: number): number {
  let bytes = 1;
  while (2n ** BigInt(8 * bytes - 1) - 1n < 10n ** BigInt(precision) - 1n) bytes++;
  return bytes;
}

/** Result type of a partition field (spec "Partition Transforms"). */
export function partitionFieldType(field: PartitionField, schema: Schema): PrimitiveType {
  const t = field.transform;
  if (t === 'year' || t === 'month' || t === 'day' || t === 'hour' || t.startsWith('bucket')) return 'int';
  const source = findType(schema, field['source-id']);
  return source && isPrimitive(source) ? source : 'string';
}

function findType(type: IcebergType, id: number): IcebergType | undefined {
  if (isPrimitive(type)) return undefined;
  if (type.type === 'struct') {
    for (const f of type.fields) {
      if (f.id === id) return f.type;
      const inner = findType(f.type, id);
      if (inner) return inner;
    }
    return undefined;
  }
  return undefined;
}

function avroName(name: string): string {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(name)
    ? name
    : name
        .replace(/[^A-Za-z0-9_]/g, (c) => `_x${c.charCodeAt(0).toString(16).toUpperCase()}`)
        .replace(/^(\d)/, '_$1');
}

export function manifestEntrySchema(spec: PartitionSpec, schema: Schema): object {
  const partitionFields = spec.fields.map((f) => ({
    name: avroName(f.name),
    type: opt(avroTypeOf(partitionFieldType(f, schema), String(f['field-id']))),
    default: null,
    'field-id': f['field-id'],
  }));
  return {
    type: 'record',
    name: 'manifest_entry',
    fields: [
      { name: 'status', type: 'int', 'field-id': 0 },
      { name: 'snapshot_id', type: opt('long'), default: null, 'field-id': 1 },
      { name: 'sequence_number', type: opt('long'), default: null, 'field-id': 3 },
      { name: 'file_sequence_number', type: opt('long'), default: null, 'field-id': 4 },
      {
        name: 'data_file',
        'field-id': 2,
        type: {
          type: 'record',
          name: 'r2',
          fields: [
            { name: 'content', type: 'int', 'field-id': 134 },
            { name: 'file_path', type: 'string', 'field-id': 100 },
            { name: 'file_format', type: 'string', 'field-id': 101 },
            {
              name: 'partition',
              type: { type: 'record', name: 'r102', fields: partitionFields },
              'field-id': 102,
            },
            { name: 'record_count', type: 'long', 'field-id': 103 },
            { name: 'file_size_in_bytes', type: 'long', 'field-id': 104 },
            intMap(108, 'column_sizes', 117, 118, 'long'),
            intMap(109, 'value_counts', 119, 120, 'long'),
            intMap(110, 'null_value_counts', 121, 122, 'long'),
            intMap(137, 'nan_value_counts', 138, 139, 'long'),
            intMap(125, 'lower_bounds', 126, 127, 'bytes'),
            intMap(128, 'upper_bounds', 129, 130, 'bytes'),
            { name: 'key_metadata', type: opt('bytes'), default: null, 'field-id': 131 },
            {
              name: 'split_offsets',
              type: opt({ type: 'array', items: 'long', 'element-id': 133 }),
              default: null,
              'field-id': 132,
            },
            {
              name: 'equality_ids',
              type: opt({ type: 'array', items: 'int', 'element-id': 136 }),
              default: null,
              'field-id': 135,
            },
            { name: 'sort_order_id', type: opt('int'), default: null, 'field-id': 140 },
            { name: 'referenced_data_file', type: opt('string'), default: null, 'field-id': 143 },
          ],
        },
      },
    ],
  };
}

export const MANIFEST_FILE_SCHEMA = {
  type: 'record',
  name: 'manifest_file',
  fields: [
    { name: 'manifest_path', type: 'string', 'field-id': 500 },
    { name: 'manifest_length', type: 'long', 'field-id': 501 },
    { name: 'partition_spec_id', type: 'int', 'field-id': 502 },
    { name: 'content', type: 'int', 'field-id': 517 },
    { name: 'sequence_number', type: 'long', 'field-id': 515 },
    { name: 'min_sequence_number', type: 'long', 'field-id': 516 },
    { name: 'added_snapshot_id', type: 'long', 'field-id': 503 },
    { name: 'added_files_count', type: 'int', 'field-id': 504 },
    { name: 'existing_files_count', type: 'int', 'field-id': 505 },
    { name: 'deleted_files_count', type: 'int', 'field-id': 506 },
    { name: 'added_rows_count', type: 'long', 'field-id': 512 },
    { name: 'existing_rows_count', type: 'long', 'field-id': 513 },
    { name: 'deleted_rows_count', type: 'long', 'field-id': 514 },
    {
      name: 'partitions',
      type: opt({
        type: 'array',
        items: {
          type: 'record',
          name: 'r508',
          fields: [
            { name: 'contains_null', type: 'boolean', 'field-id': 509 },
            { name: 'contains_nan', type: opt('boolean'), default: null, 'field-id': 518 },
            { name: 'lower_bound', type: opt('bytes'), default: null, 'field-id': 510 },
            { name: 'upper_bound', type: opt('bytes'), default: null, 'field-id': 511 },
          ],
        },
        'element-id': 508,
      }),
      default: null,
      'field-id': 507,
    },
    { name: 'key_metadata', type: opt('bytes'), default: null, 'field-id': 519 },
  ],
};

// --- partition values in Avro ---------------------------------------------------------------

function partitionToAvro(type: PrimitiveType, value: IcebergValue | null): unknown {
  if (value === null || value === undefined) return null;
  const dec = decimalParts(type);
  if (dec) {
    const size = decimalBytes(dec.precision);
    const min = minimalTwosComplement(unscaled(String(value), dec.scale));
    const padded = Buffer.alloc(size, (min[0]! & 0x80) !== 0 ? 0xff : 0x00);
    min.copy(padded, size - min.length);
    return padded;
  }
  if (type === 'uuid') return encodeValue('uuid', value);
  if (type === 'int' || type === 'date') return Number(value);
  if (['long', 'time', 'timestamp', 'timestamptz'].includes(type)) return BigInt(value as bigint);
  return value;
}

function partitionFromAvro(type: PrimitiveType, value: unknown): IcebergValue | null {
  if (value === null || value === undefined) return null;
  const dec = decimalParts(type);
  if (dec) return formatDecimal(readTwosComplement(value as Buffer), dec.scale);
  if (type === 'uuid')
    return (value as Buffer).toString('hex').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
  // Avro int decodes to number; Avro long to bigint (exact)
  return value as IcebergValue;
}

// --- writing ---------------------------------------------------------------------------------

function mapToAvro<T>(map: Record<number, T> | null | undefined): { key: number; value: T }[] | null {
  if (!map) return null;
  return Object.entries(map).map(([k, v]) => ({ key: Number(k), value: v }));
}

function entryToAvro(entry: ManifestEntry, spec: PartitionSpec, schema: Schema): unknown {
  const f = entry.dataFile;
  const partition: Record<string, unknown> = {};
  for (const pf of spec.fields) {
    partition[avroName(pf.name)] = partitionToAvro(
      partitionFieldType(pf, schema),
      f.partition[pf.name] ?? null,
    );
  }
  return {
    status: entry.status,
    snapshot_id: entry.snapshotId,
    sequence_number: entry.sequenceNumber,
    file_sequence_number: entry.fileSequenceNumber,
    data_file: {
      content: f.content,
      file_path: f.filePath,
      file_format: f.fileFormat,
      partition,
      record_count: f.recordCount,
      file_size_in_bytes: f.fileSizeInBytes,
      column_sizes: mapToAvro(f.columnSizes),
      value_counts: mapToAvro(f.valueCounts),
      null_value_counts: mapToAvro(f.nullValueCounts),
      nan_value_counts: mapToAvro(f.nanValueCounts),
      lower_bounds: mapToAvro(f.lowerBounds),
      upper_bounds: mapToAvro(f.upperBounds),
      key_metadata: f.keyMetadata ?? null,
      split_offsets: f.splitOffsets ?? null,
      equality_ids: f.equalityIds ?? null,
      sort_order_id: f.sortOrderId ?? null,
      referenced_data_file: f.referencedDataFile ?? null,
    },
  };
}

/** What a manifest list needs to know about a manifest just written (its sequence numbers come later). */
export type WrittenManifest = Omit<ManifestFile, 'sequenceNumber' | 'minSequenceNumber'> & {
  /** smallest explicit data sequence number among live entries; null when all inherit */
  minExplicitSequenceNumber: number | null;
};

export function writeManifest(
  path: string,
  uri: string,
  entries: readonly ManifestEntry[],
  spec: PartitionSpec,
  schema: Schema,
  addedSnapshotId: bigint,
  content: 'data' | 'deletes' = 'data',
): WrittenManifest {
  const avroSchema = manifestEntrySchema(spec, schema);
  const length = writeAvroFile(
    path,
    avroSchema,
    entries.map((e) => entryToAvro(e, spec, schema)),
    {
      schema: stringifyJson(schema, 0),
      'schema-id': String(schema['schema-id']),
      'partition-spec': stringifyJson(spec.fields, 0),
      'partition-spec-id': String(spec['spec-id']),
      'format-version': '2',
      content,
    },
  );
  const count = (status: EntryStatus) => entries.filter((e) => e.status === status);
  const rows = (list: ManifestEntry[]) => list.reduce((n, e) => n + e.dataFile.recordCount, 0);
  const live = entries.filter((e) => e.status !== EntryStatus.DELETED && e.sequenceNumber !== null);
  return {
    manifestPath: uri,
    manifestLength: length,
    partitionSpecId: spec['spec-id'],
    content: content === 'data' ? 0 : 1,
    addedSnapshotId,
    addedFilesCount: count(EntryStatus.ADDED).length,
    existingFilesCount: count(EntryStatus.EXISTING).length,
    deletedFilesCount: count(EntryStatus.DELETED).length,
    addedRowsCount: rows(count(EntryStatus.ADDED)),
    existingRowsCount: rows(count(EntryStatus.EXISTING)),
    deletedRowsCount: rows(count(EntryStatus.DELETED)),
    partitions: fieldSummaries(entries, spec, schema),
    keyMetadata: null,
    minExplicitSequenceNumber: live.length ? Math.min(...live.map((e) => e.sequenceNumber!)) : null,
  };
}

function fieldSummaries(
  entries: readonly ManifestEntry[],
  spec: PartitionSpec,
  schema: Schema,
): FieldSummary[] {
  return spec.fields.map((pf) => {
    const type = partitionFieldType(pf, schema);
    const values = entries.map((e) => e.dataFile.partition[pf.name] ?? null);
    const present = values.filter(
      (v): v is IcebergValue => v !== null && !(typeof v === 'number' && Number.isNaN(v)),
    );
    const isFloat = type === 'float' || type === 'double';
    let lo: IcebergValue | undefined;
    let hi: IcebergValue | undefined;
    for (const v of present) {
      if (lo === undefined || compareValues(type, v, lo) < 0) lo = v;
      if (hi === undefined || compareValues(type, v, hi) > 0) hi = v;
    }
    return {
      containsNull: values.some((v) => v === null),
      containsNan: isFloat ? values.some((v) => typeof v === 'number' && Number.isNaN(v)) : false,
      lowerBound: lo === undefined ? null : encodeValue(type, lo),
      upperBound: hi === undefined ? null : encodeValue(type, hi),
    };
  });
}

export function writeManifestList(
  path: string,
  manifests: readonly ManifestFile[],
  snapshotId: bigint,
  parentSnapshotId: bigint | null,
  sequenceNumber: number,
): void {
  const records = manifests.map((m) => ({
    manifest_path: m.manifestPath,
    manifest_length: m.manifestLength,
    partition_spec_id: m.partitionSpecId,
    content: m.content,
    sequence_number: m.sequenceNumber,
    min_sequence_number: m.minSequenceNumber,
    added_snapshot_id: m.addedSnapshotId,
    added_files_count: m.addedFilesCount,
    existing_files_count: m.existingFilesCount,
    deleted_files_count: m.deletedFilesCount,
    added_rows_count: m.addedRowsCount,
    existing_rows_count: m.existingRowsCount,
    deleted_rows_count: m.deletedRowsCount,
    partitions: m.partitions?.map((p) => ({
      contains_null: p.containsNull,
      contains_nan: p.containsNan,
      lower_bound: p.lowerBound,
      upper_bound: p.upperBound,
    })),
    key_metadata: m.keyMetadata,
  }));
  const metadata: Record<string, string> = {
    'snapshot-id': snapshotId.toString(),
    'sequence-number': String(sequenceNumber),
    'format-version': '2',
  };
  if (parentSnapshotId !== null) metadata['parent-snapshot-id'] = parentSnapshotId.toString();
  writeAvroFile(path, MANIFEST_FILE_SCHEMA, records, metadata);
}

// --- reading ---------------------------------------------------------------------------------

const num = (v: unknown, fallback = 0): number => (v === null || v === undefined ? fallback : Number(v));
const big = (v: unknown): bigint | null => (v === null || v === undefined ? null : BigInt(v as bigint));

export function readManifestList(path: string): ManifestFile[] {
  const file = readAvroFile(path);
  const toFieldIds = fieldIdMapper(file.schema);
  return file.records.map((raw) => {
    const r = toFieldIds(raw);
    // v1 lists lack content and sequence numbers: the spec says read them as 0
    return {
      manifestPath: r[500],
      manifestLength: num(r[501]),
      partitionSpecId: num(r[502]),
      content: num(r[517]),
      sequenceNumber: num(r[515]),
      minSequenceNumber: num(r[516]),
      addedSnapshotId: big(r[503]) ?? 0n,
      addedFilesCount: num(r[504]),
      existingFilesCount: num(r[505]),
      deletedFilesCount: num(r[506]),
      addedRowsCount: num(r[512]),
      existingRowsCount: num(r[513]),
      deletedRowsCount: num(r[514]),
      partitions:
        (r[507] as any[] | null)?.map((p) => ({
          containsNull: Boolean(p[509]),
          containsNan: p[518] ?? null,
          lowerBound: p[510] ?? null,
          upperBound: p[511] ?? null,
        })) ?? null,
      keyMetadata: r[519] ?? null,
    };
  });
}

function mapFromAvro<T>(list: unknown, convert: (v: unknown) => T): Record<number, T> | null {
  if (!Array.isArray(list)) return null;
  const out: Record<number, T> = {};
  for (const [k, v] of list as [unknown, unknown][]) out[Number(k)] = convert(v);
  return out;
}

/**
 * Entries of a manifest with inherited values filled in from its manifest-list row: a null
 * snapshot id takes the manifest's added snapshot; null sequence numbers of ADDED entries
 * take the manifest's sequence number (spec "Sequence Number Inheritance").
 */
export function readManifest(
  manifest: ManifestFile,
  localPath: string,
  spec: PartitionSpec,
  schema: Schema,
): ManifestEntry[] {
  const file = readAvroFile(localPath);
  const idToName = new Map(spec.fields.map((f) => [f['field-id'], f] as const));
  const toFieldIds = fieldIdMapper(file.schema);
  return file.records.map((raw) => {
    const r = toFieldIds(raw);
    const d = r[2];
    const status = num(r[0]) as EntryStatus;
    const inherit = (v: unknown) =>
      v !== null && v !== undefined ? Number(v) : status === EntryStatus.ADDED ? manifest.sequenceNumber : 0;
    const partition: PartitionValues = {};
    for (const [id, value] of Object.entries(d[102] ?? {})) {
      const pf = idToName.get(Number(id));
      if (pf) partition[pf.name] = partitionFromAvro(partitionFieldType(pf, schema), value);
    }
    return {
      status,
      snapshotId: big(r[1]) ?? manifest.addedSnapshotId,
      sequenceNumber: inherit(r[3]),
      fileSequenceNumber: inherit(r[4]),
      dataFile: {
        content: num(d[134]),
        filePath: d[100],
        fileFormat: d[101],
        partition,
        recordCount: num(d[103]),
        fileSizeInBytes: num(d[104]),
        columnSizes: mapFromAvro(d[108], Number),
        valueCounts: mapFromAvro(d[109], Number),
        nullValueCounts: mapFromAvro(d[110], Number),
        nanValueCounts: mapFromAvro(d[137], Number),
        lowerBounds: mapFromAvro(d[125], (v) => v as Buffer),
        upperBounds: mapFromAvro(d[128], (v) => v as Buffer),
        keyMetadata: d[131] ?? null,
        splitOffsets: (d[132] as unknown[] | null)?.map(Number) ?? null,
        equalityIds: (d[135] as unknown[] | null)?.map(Number) ?? null,
        sortOrderId: d[140] ?? null,
        referencedDataFile: d[143] ?? null,
      },
    };
  });
}

/** A partition tuple as a map key (bigint-safe). */
export function partitionKey(partition: PartitionValues): string {
  return JSON.stringify(partition, (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
}
