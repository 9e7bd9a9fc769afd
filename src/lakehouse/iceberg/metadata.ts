/**
 * Table metadata (spec "Table Metadata", Appendix C), kept in its JSON shape. Reading accepts
 * what other writers produce (v1 fields, `-1` for "no snapshot", gzip); writing always
 * produces format v2 and keeps fields this module does not know about.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { gunzipSync } from 'node:zlib';
import { ExecutionError } from '../../util/errors.js';
import { parseJson, stringifyJson } from '../../util/exact-json.js';
import { findField, maxFieldId, normalizeSchema, type Schema, sameColumns } from './schema.js';
import { buildPartitionSpec, type PartitionRequest } from './transforms.js';

export interface PartitionField {
  'source-id': number;
  'field-id': number;
  name: string;
  transform: string;
}

export interface PartitionSpec {
  'spec-id': number;
  fields: PartitionField[];
}

export interface Snapshot {
  'snapshot-id': bigint;
  'parent-snapshot-id'?: bigint | null;
  'sequence-number': number;
  'timestamp-ms': number;
  'manifest-list': string;
  summary: { operation: string; [key: string]: string };
  'schema-id'?: number;
  [extra: string]: unknown;
}

export interface SnapshotRef {
  'snapshot-id': bigint;
  type: 'branch' | 'tag';
  [extra: string]: unknown;
}

export interface TableMetadata {
  'format-version': number;
  'table-uuid': string;
  location: string;
  'last-sequence-number': number;
  'last-updated-ms': number;
  'last-column-id': number;
  schemas: Schema[];
  'current-schema-id': number;
  'partition-specs': PartitionSpec[];
  'default-spec-id': number;
  'last-partition-id': number;
  properties: Record<string, string>;
  'current-snapshot-id'?: bigint | null;
  snapshots: Snapshot[];
  'snapshot-log': { 'snapshot-id': bigint; 'timestamp-ms': number }[];
  'metadata-log': { 'metadata-file': string; 'timestamp-ms': number }[];
  'sort-orders': { 'order-id': number; fields: unknown[] }[];
  'default-sort-order-id': number;
  refs: Record<string, SnapshotRef>;
  [extra: string]: unknown;
}

/** The partition column mdw tables use (an identity partition on `partition`, see docs/warehouse.md). */
export const PARTITION_COLUMN = 'partition';
/** Partition field ids start here (spec: v1 reference implementation, kept by everyone). */
export const PARTITION_FIELD_ID_START = 1000;
/** How many previous metadata files the metadata-log keeps (Iceberg's default). */
export const DEFAULT_PREVIOUS_VERSIONS_MAX = 100;

export const DEFAULT_PROPERTIES: Record<string, string> = {
  'write.format.default': 'parquet',
  'write.parquet.compression-codec': 'zstd',
};

export function newTableMetadata(options: {
  location: string;
  schema: Schema;
  partitioned: boolean;
  properties?: Record<string, string>;
  /** partition_by's fields (transforms); wins over `partitioned` */
  partitionBy?: readonly PartitionRequest[];
}): TableMetadata {
  const schema: Schema = { ...normalizeSchema(options.schema), 'schema-id': 0 };
  const spec = options.partitionBy
    ? buildPartitionSpec(schema, options.partitionBy, [], PARTITION_FIELD_ID_START - 1, options.location)
    : specFor(schema, options.partitioned, [], PARTITION_FIELD_ID_START - 1);
  return {
    'format-version': 2,
    'table-uuid': randomUUID(),
    location: options.location,
    'last-sequence-number': 0,
    'last-updated-ms': Date.now(),
    'last-column-id': maxFieldId(schema),
    schemas: [schema],
    'current-schema-id': 0,
    'partition-specs': [spec],
    'default-spec-id': 0,
    'last-partition-id': Math.max(PARTITION_FIELD_ID_START - 1, ...spec.fields.map((f) => f['field-id'])),
    'default-sort-order-id': 0,
    'sort-orders': [{ 'order-id': 0, fields: [] }],
    properties: { ...DEFAULT_PROPERTIES, ...options.properties },
    'current-snapshot-id': null,
    refs: {},
    snapshots: [],
    statistics: [],
    'partition-statistics': [],
    'snapshot-log': [],
    'metadata-log': [],
  };
}

/**
 * The partition spec a schema gets: identity on `partition` when asked for and the column
 * exists, else unpartitioned. An equivalent existing spec is reused (spec: writers must not
 * create a duplicate spec; partition field ids are reused).
 */
export function specFor(
  schema: Schema,
  partitioned: boolean,
  existing: readonly PartitionSpec[],
  lastPartitionId: number,
): PartitionSpec {
  const column = partitioned ? findField(schema, PARTITION_COLUMN) : undefined;
  const wanted = column ? [{ 'source-id': column.id, name: PARTITION_COLUMN, transform: 'identity' }] : [];
  const equivalent = existing.find(
    (s) =>
      s.fields.length === wanted.length &&
      s.fields.every(
        (f, i) =>
          f['source-id'] === wanted[i]!['source-id'] &&
          f.name === wanted[i]!.name &&
          f.transform === wanted[i]!.transform,
      ),
  );
  if (equivalent) return equivalent;
  let nextId = lastPartitionId;
  const fields = wanted.map((w) => {
    const reuse = existing
      .flatMap((s) => s.fields)
      .find((f) => f['source-id'] === w['source-id'] && f.transform === w.transform);
    return { ...w, 'field-id': reuse?.['field-id'] ?? ++nextId };
  });
  const specId = existing.reduce((m, s) => Math.max(m, s['spec-id'] + 1), 0);
  return { 'spec-id': specId, fields };
}

// --- reading and writing ---------------------------------------------------------------------

export function parseTableMetadata(bytes: Buffer, location: string): TableMetadata {
  const text = (bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes).toString('utf8');
  const md = parseJson(text) as any;
  const version = Number(md['format-version']);
  if (version > 2) {
    throw new ExecutionError(
      `The table at ${location} uses Iceberg format version ${version}; mdw reads and writes format version 2 only.`,
    );
  }
  return normalizeMetadata(md);
}

const toId = (v: unknown): bigint | null =>
  v === null || v === undefined || v === -1 || v === -1n ? null : BigInt(v as number | bigint);

/** Fills v1 defaults (spec Appendix E) and makes every snapshot id a bigint. */
function normalizeMetadata(md: any): TableMetadata {
  if (!md.schemas) md.schemas = [{ ...md.schema, 'schema-id': md.schema?.['schema-id'] ?? 0 }];
  md['current-schema-id'] ??= md.schemas[0]['schema-id'];
  md.schemas = md.schemas.map((s: Schema) => normalizeSchema(s));
  if (!md['partition-specs']) {
    md['partition-specs'] = [{ 'spec-id': 0, fields: md['partition-spec'] ?? [] }];
    md['default-spec-id'] = 0;
  }
  md['partition-specs'] = md['partition-specs'].map((s: PartitionSpec) => ({
    ...s,
    fields: s.fields.map((f, i) => ({ ...f, 'field-id': f['field-id'] ?? PARTITION_FIELD_ID_START + i })),
  }));
  md['last-partition-id'] ??= Math.max(
    PARTITION_FIELD_ID_START - 1,
    ...md['partition-specs'].flatMap((s: PartitionSpec) => s.fields.map((f) => f['field-id'])),
  );
  md['last-sequence-number'] ??= 0;
  md['sort-orders'] ??= [{ 'order-id': 0, fields: [] }];
  md['default-sort-order-id'] ??= 0;
  md.properties ??= {};
  md.snapshots = (md.snapshots ?? []).map((s: any) => ({
    ...s,
    'snapshot-id': toId(s['snapshot-id']),
    'parent-snapshot-id': toId(s['parent-snapshot-id']),
    'sequence-number': Number(s['sequence-number'] ?? 0),
    summary: s.summary ?? { operation: 'append' },
  }));
  md['current-snapshot-id'] = toId(md['current-snapshot-id']);
  md['snapshot-log'] = (md['snapshot-log'] ?? []).map((e: any) => ({
    ...e,
    'snapshot-id': toId(e['snapshot-id']),
  }));
  md['metadata-log'] ??= [];
  const refs: Record<string, SnapshotRef> = {};
  for (const [name, ref] of Object.entries<any>(md.refs ?? {}))
    refs[name] = { ...ref, 'snapshot-id': toId(ref['snapshot-id']) };
  // spec: there is always a main branch, defaulting to the current snapshot
  if (!refs.main && md['current-snapshot-id'] !== null) {
    refs.main = { 'snapshot-id': md['current-snapshot-id'], type: 'branch' };
  }
  md.refs = refs;
  return md as TableMetadata;
}

export function serializeTableMetadata(md: TableMetadata): string {
  const out: Record<string, unknown> = { ...md };
  if (out['current-snapshot-id'] === null || out['current-snapshot-id'] === undefined) {
    // Java and PyIceberg write -1 for "no current snapshot" in v2 tables
    out['current-snapshot-id'] = -1;
  }
  out.snapshots = md.snapshots.map((s) => {
    const copy: Record<string, unknown> = { ...s };
    if (copy['parent-snapshot-id'] === null || copy['parent-snapshot-id'] === undefined) {
      delete copy['parent-snapshot-id'];
    }
    return copy;
  });
  return stringifyJson(out, 2);
}

// --- queries ---------------------------------------------------------------------------------

export function currentSnapshot(md: TableMetadata): Snapshot | undefined {
  const id = md['current-snapshot-id'];
  return id === null || id === undefined ? undefined : snapshotById(md, id);
}

export function snapshotById(md: TableMetadata, id: bigint): Snapshot | undefined {
  return md.snapshots.find((s) => s['snapshot-id'] === id);
}

/** A snapshot and its parents, newest first, as far as they are still in the metadata. */
export function ancestry(md: TableMetadata, id: bigint | null | undefined): Snapshot[] {
  const out: Snapshot[] = [];
  let next = id ?? null;
  while (next !== null) {
    const s = snapshotById(md, next);
    if (!s || out.includes(s)) break;
    out.push(s);
    next = s['parent-snapshot-id'] ?? null;
  }
  return out;
}

export function schemaById(md: TableMetadata, id: number | undefined): Schema {
  const schema =
    md.schemas.find((s) => s['schema-id'] === id) ??
    md.schemas.find((s) => s['schema-id'] === md['current-schema-id']);
  if (!schema) throw new ExecutionError(`Table metadata at ${md.location} has no schema ${id}.`);
  return schema;
}

export function currentSchema(md: TableMetadata): Schema {
  return schemaById(md, md['current-schema-id']);
}

export function specById(md: TableMetadata, id: number): PartitionSpec {
  const spec = md['partition-specs'].find((s) => s['spec-id'] === id);
  if (!spec) throw new ExecutionError(`Table metadata at ${md.location} has no partition spec ${id}.`);
  return spec;
}

export function defaultSpec(md: TableMetadata): PartitionSpec {
  return specById(md, md['default-spec-id']);
}

/**
 * A fresh positive 63-bit snapshot id not yet used by the table (spec Appendix F recommends
 * random ids rather than timestamps).
 */
export function newSnapshotId(md: TableMetadata): bigint {
  for (;;) {
    const id = randomBytes(8).readBigUInt64BE(0) & 0x7fffffffffffffffn;
    if (id !== 0n && !snapshotById(md, id)) return id;
  }
}

/** Adds a schema (or finds an identical one) and makes it current; returns the new metadata fields. */
export function withSchema(
  md: TableMetadata,
  schema: Schema,
): Pick<TableMetadata, 'schemas' | 'current-schema-id' | 'last-column-id'> {
  const same = md.schemas.find((s) => sameColumns(s, schema));
  const lastColumnId = Math.max(md['last-column-id'], maxFieldId(schema));
  if (same)
    return { schemas: md.schemas, 'current-schema-id': same['schema-id'], 'last-column-id': lastColumnId };
  const id = md.schemas.reduce((m, s) => Math.max(m, s['schema-id'] + 1), 0);
  return {
    schemas: [...md.schemas, { ...normalizeSchema(schema), 'schema-id': id }],
    'current-schema-id': id,
    'last-column-id': lastColumnId,
  };
}

/** `00012-<uuid>.metadata.json`: the next version number after the file at `previous`. */
export function nextMetadataFileName(previous: string | null, md: TableMetadata): string {
  const match = previous ? /(\d+)-[^/]*\.metadata\.json(\.gz)?$/.exec(previous) : null;
  const version = match ? Number(match[1]) + 1 : previous ? md['metadata-log'].length + 1 : 0;
  return `${String(version).padStart(5, '0')}-${randomUUID()}.metadata.json`;
}
