/**
 * Iceberg partition transforms (spec "Partition Transforms", Appendix B for bucket hashing):
 * parsing dbt's `partition_by` / `partitioned_by` into partition fields, the transform of a
 * single value, and the partition spec a table gets. Engine-free: engines compute the same
 * values in their own SQL when they write, and readers use `projectBound` to prune files.
 */
import { civilFromDays } from '../../util/civil-date.js';
import { ConfigError } from '../../util/errors.js';
import type { PartitionField, PartitionSpec } from './metadata.js';
import { decimalParts, findField, type PrimitiveType, type Schema } from './schema.js';
import { formatDecimal, type IcebergValue, minimalTwosComplement, unscaled } from './values.js';

export type Transform =
  | { kind: 'identity' }
  | { kind: 'year' | 'month' | 'day' | 'hour' }
  | { kind: 'bucket'; buckets: number }
  | { kind: 'truncate'; width: number }
  | { kind: 'void' };

/** One requested partition field: a source column and how its values are transformed. */
export interface PartitionRequest {
  column: string;
  transform: Transform;
}

const TIME_KINDS = new Set(['year', 'month', 'day', 'hour']);
/** dbt-bigquery's `granularity` and Trino/Athena names for the same transforms. */
const GRANULARITY: Record<string, Transform['kind']> = {
  year: 'year',
  years: 'year',
  month: 'month',
  months: 'month',
  day: 'day',
  days: 'day',
  date: 'day',
  hour: 'hour',
  hours: 'hour',
};

// --- parsing -----------------------------------------------------------------------------------

/**
 * dbt's `partition_by` (dbt-duckdb, dbt-trino: list of strings; dbt-athena's `partitioned_by`;
 * dbt-bigquery's `{field, data_type, granularity}`) as partition fields. Strings are a column
 * (`sales_date`) or a transform call: `day(sales_at)`, `bucket(16, customer_id)` (Trino's
 * `bucket(customer_id, 16)` too), `truncate(4, name)`, `year(x)`, `month(x)`, `hour(x)`.
 */
export function parsePartitionBy(value: unknown, where: string): PartitionRequest[] {
  if (value === undefined || value === null || value === '') return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((entry) => parseEntry(entry, where));
}

function parseEntry(entry: unknown, where: string): PartitionRequest {
  if (typeof entry === 'string') return parseExpression(entry, where);
  if (
    entry !== null &&
    typeof entry === 'object' &&
    typeof (entry as { field?: unknown }).field === 'string'
  ) {
    const { field, granularity, data_type } = entry as {
      field: string;
      granularity?: unknown;
      data_type?: unknown;
    };
    const type = String(data_type ?? '').toLowerCase();
    const timeLike = ['date', 'timestamp', 'datetime'].includes(type);
    if (granularity === undefined || granularity === null) {
      // dbt-bigquery partitions a timestamp by day unless told otherwise
      return {
        column: field,
        transform: timeLike && type !== 'date' ? { kind: 'day' } : { kind: 'identity' },
      };
    }
    const kind = GRANULARITY[String(granularity).toLowerCase()];
    if (!kind)
      throw new ConfigError(
        `${where}: partition_by granularity '${granularity}' is not one of year, month, day, hour.`,
      );
    return { column: field, transform: { kind } as Transform };
  }
  throw new ConfigError(
    `${where}: partition_by entries must be a column name, a transform like 'day(sales_at)', or {field: ..., granularity: ...}; got ${JSON.stringify(entry)}.`,
  );
}

const CALL = /^\s*([A-Za-z_]+)\s*\(\s*([^,()]+?)\s*(?:,\s*([^,()]+?)\s*)?\)\s*$/;

function parseExpression(text: string, where: string): PartitionRequest {
  const call = CALL.exec(text);
  if (!call) {
    const column = unquote(text.trim());
    if (!/^[^\s()]+$/.test(column) && !/^".*"$/.test(text.trim()))
      throw new ConfigError(
        `${where}: cannot read partition_by entry '${text}' (expected a column or a transform call).`,
      );
    return { column, transform: { kind: 'identity' } };
  }
  const name = call[1]!.toLowerCase();
  const args = [call[2]!, call[3]].filter((a): a is string => a !== undefined);
  if (TIME_KINDS.has(name) || GRANULARITY[name]) {
    if (args.length !== 1)
      throw new ConfigError(`${where}: ${name}() in partition_by takes one column, got '${text}'.`);
    return { column: unquote(args[0]!), transform: { kind: GRANULARITY[name] } as Transform };
  }
  if (name === 'identity' || name === 'void') {
    if (args.length !== 1)
      throw new ConfigError(`${where}: ${name}() in partition_by takes one column, got '${text}'.`);
    return { column: unquote(args[0]!), transform: { kind: name } };
  }
  if (name === 'bucket' || name === 'truncate') {
    if (args.length !== 2)
      throw new ConfigError(
        `${where}: ${name}() in partition_by takes a number and a column, got '${text}'.`,
      );
    const numeric = args.findIndex((a) => /^\d+$/.test(a));
    if (numeric === -1)
      throw new ConfigError(
        `${where}: ${name}() in partition_by needs a positive whole number, got '${text}'.`,
      );
    const n = Number(args[numeric]);
    if (n <= 0)
      throw new ConfigError(`${where}: ${name}() in partition_by needs a number above 0, got '${text}'.`);
    const column = unquote(args[1 - numeric]!);
    return name === 'bucket'
      ? { column, transform: { kind: 'bucket', buckets: n } }
      : { column, transform: { kind: 'truncate', width: n } };
  }
  throw new ConfigError(
    `${where}: unknown partition transform '${name}' in '${text}' (use identity, year, month, day, hour, bucket or truncate).`,
  );
}

function unquote(name: string): string {
  const m = /^"(.*)"$/.exec(name.trim());
  return m ? m[1]!.replace(/""/g, '"') : name.trim();
}

/** The transform's name in table metadata: `identity`, `day`, `bucket[16]`, `truncate[4]`. */
export function transformText(transform: Transform): string {
  if (transform.kind === 'bucket') return `bucket[${transform.buckets}]`;
  if (transform.kind === 'truncate') return `truncate[${transform.width}]`;
  return transform.kind;
}

/** Reads a transform name from table metadata (written by mdw or any other Iceberg writer). */
export function parseTransformText(text: string): Transform | undefined {
  const m = /^(bucket|truncate)\[(\d+)\]$/.exec(text);
  if (m)
    return m[1] === 'bucket'
      ? { kind: 'bucket', buckets: Number(m[2]) }
      : { kind: 'truncate', width: Number(m[2]) };
  if (['identity', 'year', 'month', 'day', 'hour', 'void'].includes(text)) return { kind: text } as Transform;
  return undefined;
}

/** Partition field names as Iceberg's reference writers choose them (`sales_at_day`, `id_bucket`). */
export function partitionFieldName(column: string, transform: Transform): string {
  switch (transform.kind) {
    case 'identity':
      return column;
    case 'truncate':
      return `${column}_trunc`;
    case 'void':
      return `${column}_null`;
    default:
      return `${column}_${transform.kind}`;
  }
}

// --- which source types a transform accepts ----------------------------------------------------

const TIME_SOURCES: Record<string, Set<string>> = {
  year: new Set(['date', 'timestamp', 'timestamptz']),
  month: new Set(['date', 'timestamp', 'timestamptz']),
  day: new Set(['date', 'timestamp', 'timestamptz']),
  hour: new Set(['timestamp', 'timestamptz']),
};
const BUCKET_SOURCES = new Set([
  'int',
  'long',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'string',
  'uuid',
  'binary',
]);
const TRUNCATE_SOURCES = new Set(['int', 'long', 'string', 'binary']);

/** Why a transform cannot apply to a source type (spec's source-type table), or null when it can. */
export function unsupportedSource(transform: Transform, type: PrimitiveType): string | null {
  const ok =
    transform.kind === 'identity' || transform.kind === 'void'
      ? true
      : transform.kind === 'bucket'
        ? BUCKET_SOURCES.has(type) || decimalParts(type) !== undefined || type.startsWith('fixed[')
        : transform.kind === 'truncate'
          ? TRUNCATE_SOURCES.has(type) || decimalParts(type) !== undefined
          : TIME_SOURCES[transform.kind]!.has(type);
  return ok ? null : `${transformText(transform)} does not apply to a column of Iceberg type ${type}`;
}

// --- the partition spec ------------------------------------------------------------------------

/**
 * The spec for the requested fields on this schema, reusing an equivalent existing spec and
 * the field ids of matching fields (spec: partition field ids are never reused for another
 * field, and writers must not add a duplicate spec).
 */
export function buildPartitionSpec(
  schema: Schema,
  requests: readonly PartitionRequest[],
  existing: readonly PartitionSpec[],
  lastPartitionId: number,
  where: string,
): PartitionSpec {
  const wanted = requests.map((request) => {
    const field =
      findField(schema, request.column) ??
      schema.fields.find((f) => f.name.toLowerCase() === request.column.toLowerCase());
    if (!field)
      throw new ConfigError(
        `${where}: partition_by column '${request.column}' is not a column of the model's result.`,
      );
    if (typeof field.type !== 'string')
      throw new ConfigError(`${where}: partition_by column '${request.column}' must have a primitive type.`);
    const problem = unsupportedSource(request.transform, field.type);
    if (problem) throw new ConfigError(`${where}: partition_by '${request.column}': ${problem}.`);
    return {
      'source-id': field.id,
      name: partitionFieldName(field.name, request.transform),
      transform: transformText(request.transform),
    };
  });
  const names = new Set<string>();
  for (const w of wanted) {
    if (names.has(w.name))
      throw new ConfigError(`${where}: partition_by names the partition field '${w.name}' twice.`);
    names.add(w.name);
  }
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
  const fields: PartitionField[] = wanted.map((w) => {
    const reuse = existing
      .flatMap((s) => s.fields)
      .find((f) => f['source-id'] === w['source-id'] && f.transform === w.transform);
    return { ...w, 'field-id': reuse?.['field-id'] ?? ++nextId };
  });
  const specId = existing.reduce((m, s) => Math.max(m, s['spec-id'] + 1), 0);
  return { 'spec-id': specId, fields };
}

// --- transform values --------------------------------------------------------------------------

const MICROS_PER_HOUR = 3_600_000_000n;
const MICROS_PER_DAY = 86_400_000_000n;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a < 0n !== b < 0n ? q - 1n : q;
}

/** Days since 1970-01-01 of a date (days) or timestamp (µs) value. */
function epochDays(type: PrimitiveType, value: IcebergValue): number {
  return type === 'date' ? Number(value) : Number(floorDiv(BigInt(value as bigint), MICROS_PER_DAY));
}

/** The transformed (partition) value of one source value; null stays null. */
export function applyTransform(
  transform: Transform,
  type: PrimitiveType,
  value: IcebergValue | null,
): IcebergValue | null {
  if (value === null) return null;
  switch (transform.kind) {
    case 'identity':
      return value;
    case 'void':
      return null;
    case 'year':
      return civilFromDays(epochDays(type, value)).y - 1970;
    case 'month': {
      const { y, m } = civilFromDays(epochDays(type, value));
      return (y - 1970) * 12 + (m - 1);
    }
    case 'day':
      return epochDays(type, value);
    case 'hour':
      return Number(floorDiv(BigInt(value as bigint), MICROS_PER_HOUR));
    case 'bucket':
      return (murmur3_32(bucketBytes(type, value)) & 0x7fffffff) % transform.buckets;
    case 'truncate':
      return truncateValue(transform.width, type, value);
  }
}

function truncateValue(width: number, type: PrimitiveType, value: IcebergValue): IcebergValue {
  const dec = decimalParts(type);
  if (dec) {
    const u = unscaled(String(value), dec.scale);
    const w = BigInt(width);
    const cut = u - (((u % w) + w) % w);
    return formatDecimal(cut, dec.scale);
  }
  switch (type) {
    case 'int':
      return Number(value) - (((Number(value) % width) + width) % width);
    case 'long': {
      const v = BigInt(value as bigint);
      const w = BigInt(width);
      return v - (((v % w) + w) % w);
    }
    case 'string':
      // code points, not UTF-16 units
      return [...String(value)].slice(0, width).join('');
    default:
      return (value as Buffer).subarray(0, width);
  }
}

/** The bytes Iceberg hashes for a bucket (spec Appendix B). */
export function bucketBytes(type: PrimitiveType, value: IcebergValue): Buffer {
  const dec = decimalParts(type);
  if (dec) return minimalTwosComplement(unscaled(String(value), dec.scale));
  switch (type) {
    case 'int':
    case 'long':
    case 'date':
    case 'time':
    case 'timestamp':
    case 'timestamptz': {
      // ints and dates hash as longs, so promoting a column never moves rows between buckets
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(BigInt(value as number | bigint));
      return b;
    }
    case 'string':
      return Buffer.from(String(value), 'utf8');
    case 'uuid':
      return Buffer.from(String(value).replace(/-/g, ''), 'hex');
    default:
      return value as Buffer;
  }
}

/** MurmurHash3, x86 32-bit variant, seed 0 (as Iceberg uses it); a signed 32-bit result. */
export function murmur3_32(data: Uint8Array, seed = 0): number {
  const mix = (k: number): number => {
    let x = Math.imul(k, 0xcc9e2d51);
    x = (x << 15) | (x >>> 17);
    return Math.imul(x, 0x1b873593);
  };
  let h = seed | 0;
  const blocks = data.length >>> 2;
  for (let i = 0; i < blocks; i++) {
    const o = i * 4;
    const k = data[o]! | (data[o + 1]! << 8) | (data[o + 2]! << 16) | (data[o + 3]! << 24);
    h ^= mix(k);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const tail = blocks * 4;
  const rest = data.length & 3;
  if (rest > 0) {
    let k = 0;
    if (rest === 3) k ^= data[tail + 2]! << 16;
    if (rest >= 2) k ^= data[tail + 1]! << 8;
    k ^= data[tail]!;
    h ^= mix(k);
  }
  h ^= data.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

// --- pruning -----------------------------------------------------------------------------------

export type ComparisonOp = '=' | '<' | '<=' | '>' | '>=';

/**
 * A predicate on a source column, projected onto a partition field (spec "Scan Planning":
 * inclusive projection): true when a file whose partition value is `partitionValue` may hold
 * rows with `column op literal`. Order-preserving transforms keep range predicates; bucket
 * keeps only equality; anything else cannot prune.
 */
export function partitionMayMatch(
  transform: Transform,
  type: PrimitiveType,
  op: ComparisonOp,
  literal: IcebergValue,
  partitionValue: IcebergValue | null,
  compare: (a: IcebergValue, b: IcebergValue) => number,
): boolean {
  if (partitionValue === null) return false; // a null source value never satisfies a comparison
  if (transform.kind === 'void') return true;
  if (transform.kind === 'bucket') {
    return op !== '=' || applyTransform(transform, type, literal) === Number(partitionValue);
  }
  const projected = applyTransform(transform, type, literal)!;
  const cmp =
    transform.kind === 'identity' || transform.kind === 'truncate'
      ? compare(partitionValue, projected)
      : Number(partitionValue) - Number(projected);
  // the transform is monotonic: strict comparisons on the source become inclusive on the partition
  switch (op) {
    case '=':
      return cmp === 0;
    case '<':
    case '<=':
      return transform.kind === 'identity' && op === '<' ? cmp < 0 : cmp <= 0;
    case '>':
    case '>=':
      return transform.kind === 'identity' && op === '>' ? cmp > 0 : cmp >= 0;
  }
}
