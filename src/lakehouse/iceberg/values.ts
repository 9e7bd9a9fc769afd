/**
 * Single values of primitive Iceberg types: the spec's binary single-value serialization
 * (Appendix D, used for column bounds and partition summaries), parsing from the text DuckDB
 * prints (COPY … RETURN_STATS, Hive partition keys), display text, and ordering.
 *
 * In memory a value is: boolean; number (int, date as days, float, double); bigint (long,
 * time/timestamp/timestamptz as microseconds); string (string, uuid, decimal as its exact
 * decimal text); Buffer (binary, fixed).
 */

import { civilFromDays, daysFromCivil } from '../../util/civil-date.js';
import { decimalParts, type PrimitiveType } from './schema.js';

export type IcebergValue = boolean | number | bigint | string | Buffer;

/** Bounds of string and binary columns are cut to this many characters/bytes, as Iceberg's default metrics mode does. */
export const BOUND_TRUNCATE_LENGTH = 16;

export function encodeValue(type: PrimitiveType, value: IcebergValue): Buffer {
  const dec = decimalParts(type);
  if (dec) return minimalTwosComplement(unscaled(String(value), dec.scale));
  switch (type) {
    case 'boolean':
      return Buffer.from([value ? 1 : 0]);
    case 'int':
    case 'date': {
      const b = Buffer.alloc(4);
      b.writeInt32LE(Number(value));
      return b;
    }
    case 'long':
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns': {
      const b = Buffer.alloc(8);
      b.writeBigInt64LE(BigInt(value as number | bigint));
      return b;
    }
    case 'float': {
      const b = Buffer.alloc(4);
      b.writeFloatLE(Number(value));
      return b;
    }
    case 'double': {
      const b = Buffer.alloc(8);
      b.writeDoubleLE(Number(value));
      return b;
    }
    case 'string':
      return Buffer.from(String(value), 'utf8');
    case 'uuid':
      return Buffer.from(String(value).replace(/-/g, ''), 'hex');
    default:
      if (Buffer.isBuffer(value)) return value;
      throw new Error(`cannot serialize a value of Iceberg type ${type}`);
  }
}

export function decodeValue(type: PrimitiveType, buf: Buffer): IcebergValue {
  const dec = decimalParts(type);
  if (dec) return formatDecimal(readTwosComplement(buf), dec.scale);
  switch (type) {
    case 'boolean':
      return buf[0] !== 0;
    case 'int':
    case 'date':
      return buf.readInt32LE(0);
    case 'long':
      // promoted from int: 4-byte bounds written before the promotion (spec: type promotion)
      return buf.length === 4 ? BigInt(buf.readInt32LE(0)) : buf.readBigInt64LE(0);
    case 'time':
    case 'timestamp':
    case 'timestamptz':
    case 'timestamp_ns':
    case 'timestamptz_ns':
      return buf.readBigInt64LE(0);
    case 'float':
      return buf.readFloatLE(0);
    case 'double':
      return buf.length === 4 ? buf.readFloatLE(0) : buf.readDoubleLE(0);
    case 'string':
      return buf.toString('utf8');
    case 'uuid':
      return formatUuid(buf);
    default:
      return Buffer.from(buf);
  }
}

/**
 * A value from the text DuckDB prints for it (statistics, Hive partition keys). Undefined when
 * the text is not something this type can hold exactly (then no bound is written: bounds are
 * optional, wrong bounds are not).
 */
export function valueFromText(type: PrimitiveType, text: string): IcebergValue | undefined {
  const dec = decimalParts(type);
  if (dec)
    return /^-?\d+(\.\d+)?$/.test(text) ? formatDecimal(unscaled(text, dec.scale), dec.scale) : undefined;
  switch (type) {
    case 'boolean':
      if (text === '1' || text === 'true') return true;
      if (text === '0' || text === 'false') return false;
      return undefined;
    case 'int': {
      const n = Number(text);
      return /^-?\d+$/.test(text) && n >= -(2 ** 31) && n < 2 ** 31 ? n : undefined;
    }
    case 'long':
      return /^-?\d+$/.test(text) ? BigInt(text) : undefined;
    case 'float':
    case 'double': {
      const n = parseFloatText(text);
      return n === undefined || Number.isNaN(n) ? undefined : type === 'float' ? Math.fround(n) : n;
    }
    case 'date':
      return parseDate(text);
    case 'time':
      return parseTime(text);
    case 'timestamp':
    case 'timestamptz':
      return parseTimestamp(text);
    case 'string':
      return text;
    case 'uuid':
      return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(text)
        ? text.toLowerCase()
        : undefined;
    case 'binary':
      // DuckDB prints BLOB statistics as hex
      return /^([0-9a-fA-F]{2})*$/.test(text) ? Buffer.from(text, 'hex') : undefined;
    default:
      return undefined;
  }
}

/** Display text: what a person (or a Hive partition folder) would write for the value. */
export function valueToText(type: PrimitiveType, value: IcebergValue | null): string | null {
  if (value === null) return null;
  switch (type) {
    case 'date':
      return formatDate(Number(value));
    case 'time':
      return formatTime(BigInt(value as bigint));
    case 'timestamp':
      return formatTimestamp(BigInt(value as bigint));
    case 'timestamptz':
      return `${formatTimestamp(BigInt(value as bigint))}+00:00`;
    default:
      if (Buffer.isBuffer(value)) return value.toString('hex');
      return String(value);
  }
}

/** Orders two values of one type (UTF-8 byte order for strings, as Iceberg compares them). */
export function compareValues(type: PrimitiveType, a: IcebergValue, b: IcebergValue): number {
  const dec = decimalParts(type);
  if (dec) return cmp(unscaled(String(a), dec.scale), unscaled(String(b), dec.scale));
  if (typeof a === 'string' && typeof b === 'string') {
    return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  }
  if (Buffer.isBuffer(a) && Buffer.isBuffer(b)) return Buffer.compare(a, b);
  return cmp(a as number | bigint, b as number | bigint);
}

function cmp<T extends number | bigint | boolean>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Lower bound of a string/binary column cut to the truncation length (a prefix is always ≤). */
export function truncateLower(type: PrimitiveType, value: IcebergValue): IcebergValue {
  if (type === 'string' && typeof value === 'string') {
    const cps = Array.from(value);
    return cps.length > BOUND_TRUNCATE_LENGTH ? cps.slice(0, BOUND_TRUNCATE_LENGTH).join('') : value;
  }
  if (type === 'binary' && Buffer.isBuffer(value) && value.length > BOUND_TRUNCATE_LENGTH) {
    return value.subarray(0, BOUND_TRUNCATE_LENGTH);
  }
  return value;
}

/**
 * Upper bound cut to the truncation length: the prefix with its last character (byte)
 * incremented, so it stays ≥ every value. Undefined when no such bound exists.
 */
export function truncateUpper(type: PrimitiveType, value: IcebergValue): IcebergValue | undefined {
  if (type === 'string' && typeof value === 'string') {
    const cps = Array.from(value);
    if (cps.length <= BOUND_TRUNCATE_LENGTH) return value;
    const points = cps.slice(0, BOUND_TRUNCATE_LENGTH).map((c) => c.codePointAt(0)!);
    for (let i = points.length - 1; i >= 0; i--) {
      let next = points[i]! + 1;
      if (next >= 0xd800 && next <= 0xdfff) next = 0xe000;
      if (next <= 0x10ffff) return String.fromCodePoint(...points.slice(0, i), next);
    }
    return undefined;
  }
  if (type === 'binary' && Buffer.isBuffer(value) && value.length > BOUND_TRUNCATE_LENGTH) {
    const bytes = Buffer.from(value.subarray(0, BOUND_TRUNCATE_LENGTH));
    for (let i = bytes.length - 1; i >= 0; i--) {
      if (bytes[i]! < 0xff) {
        bytes[i]! += 1;
        return bytes.subarray(0, i + 1);
      }
    }
    return undefined;
  }
  return value;
}

// --- decimals ------------------------------------------------------------------------------

/** The unscaled integer of a decimal text at a given scale ("-3.5", scale 2 → -350n). */
export function unscaled(text: string, scale: number): bigint {
  const negative = text.startsWith('-');
  const [whole = '0', frac = ''] = text.replace(/^[-+]/, '').split('.');
  const digits = whole + frac.padEnd(scale, '0').slice(0, scale);
  const n = BigInt(digits || '0');
  return negative ? -n : n;
}

export function formatDecimal(unscaledValue: bigint, scale: number): string {
  const negative = unscaledValue < 0n;
  const digits = (negative ? -unscaledValue : unscaledValue).toString().padStart(scale + 1, '0');
  const text = scale > 0 ? `${digits.slice(0, -scale)}.${digits.slice(-scale)}` : digits;
  return negative ? `-${text}` : text;
}

/** Two's-complement big-endian in the fewest bytes that hold the value (spec: decimal bounds). */
export function minimalTwosComplement(n: bigint): Buffer {
  let bytes = 1;
  while (n < -(1n << BigInt(8 * bytes - 1)) || n >= 1n << BigInt(8 * bytes - 1)) bytes++;
  let v = BigInt.asUintN(8 * bytes, n);
  const out = Buffer.alloc(bytes);
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return out;
}

export function readTwosComplement(buf: Buffer): bigint {
  if (buf.length === 0) return 0n;
  let v = 0n;
  for (const byte of buf) v = (v << 8n) | BigInt(byte);
  return BigInt.asIntN(8 * buf.length, v);
}

// --- dates and times ------------------------------------------------------------------------

const MICROS_PER_DAY = 86_400_000_000n;

export { daysFromCivil };

const pad = (n: number | bigint, width = 2) => String(n).padStart(width, '0');

export function parseDate(text: string): number | undefined {
  const m = /^(\d{4,})-(\d{2})-(\d{2})$/.exec(text);
  return m ? daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
}

export function formatDate(days: number): string {
  const { y, m, d } = civilFromDays(days);
  return `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
}

function fractionMicros(frac: string | undefined): bigint {
  return frac ? BigInt(frac.slice(1).padEnd(6, '0').slice(0, 6)) : 0n;
}

export function parseTime(text: string): bigint | undefined {
  const m = /^(\d{2}):(\d{2}):(\d{2})(\.\d+)?$/.exec(text);
  if (!m) return undefined;
  const seconds = BigInt(Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]));
  return seconds * 1_000_000n + fractionMicros(m[4]);
}

function formatTime(micros: bigint): string {
  const seconds = micros / 1_000_000n;
  const frac = micros % 1_000_000n;
  const base = `${pad(seconds / 3600n)}:${pad((seconds / 60n) % 60n)}:${pad(seconds % 60n)}`;
  return frac ? `${base}.${pad(frac, 6)}` : base;
}

/**
 * Microseconds since the epoch, UTC. Accepts DuckDB's rendering ("2018-01-01 10:09:00",
 * ".123456", "+00" / "+05:30" offsets for TIMESTAMPTZ) and ISO "T".
 */
export function parseTimestamp(text: string): bigint | undefined {
  const m =
    /^(\d{4,})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d+)?(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?|Z)?$/.exec(
      text,
    );
  if (!m) return undefined;
  const days = BigInt(daysFromCivil(Number(m[1]), Number(m[2]), Number(m[3])));
  const seconds = BigInt(Number(m[4]) * 3600 + Number(m[5]) * 60 + Number(m[6]));
  let micros = days * MICROS_PER_DAY + seconds * 1_000_000n + fractionMicros(m[7]);
  if (m[8]) {
    const offset = BigInt(Number(m[9]) * 3600 + Number(m[10] ?? 0) * 60 + Number(m[11] ?? 0)) * 1_000_000n;
    micros += m[8] === '+' ? -offset : offset;
  }
  return micros;
}

export function formatTimestamp(micros: bigint): string {
  let days = micros / MICROS_PER_DAY;
  let rest = micros % MICROS_PER_DAY;
  if (rest < 0n) {
    rest += MICROS_PER_DAY;
    days -= 1n;
  }
  return `${formatDate(Number(days))}T${formatTime(rest)}`;
}

function parseFloatText(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'inf' || t === 'infinity' || t === '+inf') return Number.POSITIVE_INFINITY;
  if (t === '-inf' || t === '-infinity') return Number.NEGATIVE_INFINITY;
  if (t === 'nan' || t === '-nan') return Number.NaN;
  return /^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/.test(t) ? Number(t) : undefined;
}

function formatUuid(buf: Buffer): string {
  const h = buf.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
