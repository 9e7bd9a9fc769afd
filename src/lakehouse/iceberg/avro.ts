/**
 * Avro object container files, read and written whole and synchronously (manifests are small).
 * avsc encodes the records; the container framing (header, blocks, sync markers, the deflate
 * codec) is done here so the header keeps our schema JSON verbatim — Iceberg's `field-id`
 * attributes included — and so longs decode to exact `bigint`s (snapshot ids use all 63 bits).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import avro from 'avsc';

const MAGIC = Buffer.from('Obj\u0001', 'latin1');

/** Avro `long` as bigint on read; accepts number or bigint on write. */
const exactLong = avro.types.LongType.__with({
  fromBuffer: (buf: Buffer) => buf.readBigInt64LE(0),
  toBuffer: (n: number | bigint) => {
    const buf = Buffer.alloc(8);
    buf.writeBigInt64LE(BigInt(n));
    return buf;
  },
  fromJSON: (x: unknown) => BigInt(x as number),
  toJSON: (n: bigint) => Number(n),
  isValid: (n: unknown) => typeof n === 'bigint' || Number.isInteger(n),
  compare: (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0),
});

const headerType = avro.Type.forSchema({
  type: 'record',
  name: 'org.apache.avro.file.Header',
  fields: [
    { name: 'magic', type: { type: 'fixed', name: 'Magic', size: 4 } },
    { name: 'meta', type: { type: 'map', values: 'bytes' } },
    { name: 'sync', type: { type: 'fixed', name: 'Sync', size: 16 } },
  ],
});
const longType = avro.Type.forSchema('long');

/**
 * Building a type generates its codec's code (a few milliseconds each); the manifests of one
 * table share a handful of schemas, so built types are kept by their JSON text.
 */
const typesBySchema = new Map<string, avro.Type>();
const MAX_TYPES = 256;

export function avroType(schema: object): avro.Type {
  const key = JSON.stringify(schema);
  const known = typesBySchema.get(key);
  if (known) return known;
  if (typesBySchema.size >= MAX_TYPES) typesBySchema.clear();
  const type = buildType(schema);
  typesBySchema.set(key, type);
  return type;
}

function buildType(schema: object): avro.Type {
  return avro.Type.forSchema(schema as avro.Schema, {
    registry: { long: exactLong } as any,
    // a long with attributes (timestamp-micros partition values) is a new type, not the registry's
    typeHook: (s: any) => (s && typeof s === 'object' && s.type === 'long' ? exactLong : undefined),
    wrapUnions: false,
  });
}

export interface AvroFile {
  /** the writer's schema, as JSON (with every custom attribute) */
  schema: any;
  /** header metadata other than avro.schema / avro.codec, as strings */
  metadata: Record<string, string>;
  records: any[];
}

/** Writes records as an Avro container file (deflate codec), fsynced; returns its size in bytes. */
export function writeAvroFile(
  path: string,
  schema: object,
  records: readonly unknown[],
  metadata: Record<string, string>,
): number {
  const bytes = encodeAvro(schema, records, metadata);
  writeFileDurably(path, bytes);
  return bytes.length;
}

/** The bytes of an Avro container file (deflate codec) holding `records`. */
export function encodeAvro(
  schema: object,
  records: readonly unknown[],
  metadata: Record<string, string>,
): Buffer {
  const type = avroType(schema);
  const sync = randomBytes(16);
  const meta: Record<string, Buffer> = {
    'avro.schema': Buffer.from(JSON.stringify(schema)),
    'avro.codec': Buffer.from('deflate'),
  };
  for (const [k, v] of Object.entries(metadata)) meta[k] = Buffer.from(v);
  const parts: Buffer[] = [headerType.toBuffer({ magic: MAGIC, meta, sync })];
  if (records.length > 0) {
    const block = deflateRawSync(Buffer.concat(records.map((r) => type.toBuffer(r))));
    parts.push(longType.toBuffer(records.length), longType.toBuffer(block.length), block, sync);
  }
  return Buffer.concat(parts);
}

export function readAvroFile(path: string): AvroFile {
  return decodeAvro(readFileSync(path), path);
}

export function decodeAvro(buf: Buffer, what = 'Avro data'): AvroFile {
  if (!buf.subarray(0, 4).equals(MAGIC)) throw new Error(`${what} is not an Avro container file`);
  const header = headerType.decode(buf, 0);
  const { meta, sync } = header.value as { meta: Record<string, Buffer>; sync: Buffer };
  const schema = JSON.parse(meta['avro.schema']!.toString());
  const codec = meta['avro.codec']?.toString() ?? 'null';
  if (codec !== 'null' && codec !== 'deflate') {
    throw new Error(`${what} uses the Avro codec "${codec}", which mdw cannot read`);
  }
  const type = avroType(schema);
  const records: unknown[] = [];
  let pos = header.offset;
  while (pos < buf.length) {
    const count = longType.decode(buf, pos);
    const size = longType.decode(buf, count.offset);
    const start = size.offset;
    const raw = buf.subarray(start, start + (size.value as number));
    const block = codec === 'deflate' ? inflateRawSync(raw) : raw;
    let offset = 0;
    for (let i = 0; i < (count.value as number); i++) {
      const rec = type.decode(block, offset);
      records.push(rec.value);
      offset = rec.offset;
    }
    pos = start + (size.value as number);
    if (!buf.subarray(pos, pos + 16).equals(sync)) throw new Error(`${what} has a corrupt block`);
    pos += 16;
  }
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta)) if (!k.startsWith('avro.')) metadata[k] = v.toString();
  return { schema, metadata, records };
}

/** Writes a file and fsyncs it, so a commit never points at bytes still in flight. */
export function writeFileDurably(path: string, bytes: Buffer | string): void {
  const fd = openSync(path, 'wx');
  try {
    writeSync(fd, typeof bytes === 'string' ? Buffer.from(bytes) : bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

type FieldIdMapper = (value: any) => any;
const unchanged: FieldIdMapper = (value) => value;

/**
 * Re-keys decoded records of one schema by Iceberg field id (spec: columns are projected by
 * id, not name), recursing through records, arrays and nullable unions; map-like arrays
 * become arrays of [key, value] pairs. The schema is walked once, not once a record (a
 * manifest holds an entry per data file, each with a dozen nested maps).
 */
export function fieldIdMapper(schema: any): FieldIdMapper {
  if (Array.isArray(schema)) {
    const branches = schema.filter((s: any) => s !== 'null');
    return branches.length === 1 ? fieldIdMapper(branches[0]) : unchanged;
  }
  if (typeof schema !== 'object' || schema === null) return unchanged;
  if (schema.type === 'record') {
    const fields = (schema.fields as any[])
      .filter((field) => field['field-id'] !== undefined)
      .map((field) => ({
        id: field['field-id'] as number,
        name: field.name as string,
        map: fieldIdMapper(field.type),
      }));
    return (value) => {
      if (value === null || value === undefined) return value;
      const out: Record<number, unknown> = {};
      for (const { id, name, map } of fields) out[id] = map(value[name]);
      return out;
    };
  }
  if (schema.type === 'array' && schema.logicalType === 'map' && schema.items?.type === 'record') {
    // Iceberg's int-keyed maps: arrays of {key, value} records → [key, value] pairs
    const [k, v] = schema.items.fields;
    const mapKey = fieldIdMapper(k.type);
    const mapValue = fieldIdMapper(v.type);
    return (value) =>
      value === null || value === undefined
        ? value
        : (value as any[]).map((kv) => [mapKey(kv[k.name]), mapValue(kv[v.name])]);
  }
  if (schema.type === 'array') {
    const mapItem = fieldIdMapper(schema.items);
    return (value) => (value === null || value === undefined ? value : (value as unknown[]).map(mapItem));
  }
  return unchanged;
}
