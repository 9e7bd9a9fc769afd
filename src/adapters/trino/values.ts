/**
 * Decoding Trino's JSON values by column type (the v1 protocol's `typeSignature`). Exactness
 * first: decimals stay strings as Trino sends them, bigints become `bigint`, dates/times/
 * timestamps stay Trino's own text (full precision, no time-zone shifts by JavaScript's Date).
 */

export interface TypeSignature {
  rawType: string;
  arguments: TypeArgument[];
}

export type TypeArgument =
  | { kind: 'TYPE'; value: TypeSignature }
  | { kind: 'LONG'; value: number }
  | { kind: 'NAMED_TYPE'; value: { fieldName?: { name: string } | null; typeSignature: TypeSignature } }
  | { kind: 'VARIABLE'; value: string };

export interface Column {
  name: string;
  /** Trino's type text, e.g. `decimal(12,2)`, `timestamp(6) with time zone` */
  type: string;
  typeSignature: TypeSignature;
}

/** A decoded value. Nested types: arrays, maps (as Map) and rows (as objects by field name). */
export type TrinoValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Buffer
  | TrinoValue[]
  | Map<TrinoValue, TrinoValue>
  | { [field: string]: TrinoValue };

export type Decoder = (raw: unknown) => TrinoValue;

/** A decoder for one column type, built once per column and applied to every row. */
export function decoderFor(signature: TypeSignature): Decoder {
  const decode = baseDecoder(signature);
  return (raw) => (raw === null || raw === undefined ? null : decode(raw));
}

function baseDecoder(signature: TypeSignature): Decoder {
  switch (signature.rawType) {
    case 'bigint':
      return (raw) => (typeof raw === 'bigint' ? raw : BigInt(raw as number | string));
    case 'integer':
    case 'smallint':
    case 'tinyint':
      return (raw) => Number(raw);
    case 'real':
    case 'double':
      // NaN and the infinities arrive as strings
      return (raw) => (typeof raw === 'string' ? Number(raw) : (raw as number));
    case 'boolean':
      return (raw) => raw as boolean;
    case 'varbinary':
      return (raw) => Buffer.from(raw as string, 'base64');
    case 'array': {
      const element = decoderFor(typeArgument(signature, 0));
      return (raw) => (raw as unknown[]).map(element);
    }
    case 'map': {
      const key = decoderFor(typeArgument(signature, 0));
      const value = decoderFor(typeArgument(signature, 1));
      return (raw) =>
        new Map(Object.entries(raw as Record<string, unknown>).map(([k, v]) => [key(k), value(v)]));
    }
    case 'row': {
      const fields = signature.arguments.map((arg, i) => {
        if (arg.kind !== 'NAMED_TYPE')
          return { name: `field${i}`, decode: decoderFor(typeArgument(signature, i)) };
        return {
          name: arg.value.fieldName?.name ?? `field${i}`,
          decode: decoderFor(arg.value.typeSignature),
        };
      });
      return (raw) => {
        const values = raw as unknown[];
        const out: { [field: string]: TrinoValue } = {};
        fields.forEach((f, i) => {
          out[f.name] = f.decode(values[i]);
        });
        return out;
      };
    }
    default:
      // decimal, varchar, char, date, time, timestamp, interval, json, uuid, ipaddress…:
      // Trino's text is already exact
      return (raw) => (typeof raw === 'string' ? raw : JSON.stringify(raw));
  }
}

function typeArgument(signature: TypeSignature, index: number): TypeSignature {
  const arg = signature.arguments[index];
  if (arg?.kind === 'TYPE') return arg.value;
  if (arg?.kind === 'NAMED_TYPE') return arg.value.typeSignature;
  return { rawType: 'unknown', arguments: [] };
}
