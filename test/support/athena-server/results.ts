/**
 * Trino's result → Athena's: column metadata (Athena's type names), values as Athena's text
 * (VarCharValue; NULL is a Datum without one), the result CSV (every field quoted, NULL empty)
 * and GetQueryResults paging.
 */
import type { TrinoColumn } from './trino.js';

export interface ColumnInfo {
  CatalogName: string;
  SchemaName: string;
  TableName: string;
  Name: string;
  Label: string;
  Type: string;
  Precision: number;
  Scale: number;
  Nullable: 'UNKNOWN';
  CaseSensitive: boolean;
}

/** A result row as text; null stands for SQL NULL. */
export type TextRow = (string | null)[];

export function columnInfo(column: TrinoColumn): ColumnInfo {
  const raw = column.typeSignature?.rawType ?? column.type.replace(/\(.*$/, '');
  const longs = (column.typeSignature?.arguments ?? [])
    .filter((a) => a.kind === 'LONG')
    .map((a) => Number(a.value));
  let type = raw;
  let precision = 0;
  let scale = 0;
  if (raw === 'real') type = 'float';
  else if (raw === 'decimal') [precision, scale] = [longs[0] ?? 38, longs[1] ?? 0];
  else if (raw === 'varchar' || raw === 'char') precision = longs[0] ?? 2147483647;
  else if (raw.startsWith('timestamp'))
    type = column.type.includes('with time zone') ? 'timestamp with time zone' : 'timestamp';
  else if (raw.startsWith('time'))
    type = column.type.includes('with time zone') ? 'time with time zone' : 'time';
  else if (raw === 'integer') precision = 10;
  else if (raw === 'bigint') precision = 19;
  else if (raw === 'double') precision = 17;
  return {
    CatalogName: 'hive',
    SchemaName: '',
    TableName: '',
    Name: column.name,
    Label: column.name,
    Type: type,
    Precision: precision,
    Scale: scale,
    Nullable: 'UNKNOWN',
    CaseSensitive: type === 'varchar' || type === 'char',
  };
}

/** Java's Double.toString, which Athena's text follows: 1.0, 1.5E10, 1.0E-4. */
export function javaDouble(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  const abs = Math.abs(x);
  if (abs === 0 || (abs >= 1e-3 && abs < 1e7)) {
    const s = String(x);
    return s.includes('.') ? s : `${s}.0`;
  }
  const [mantissa, exponent] = x.toExponential().split('e');
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${Number(exponent)}`;
}

/** A Trino JSON value as Athena's text. */
export function renderValue(value: unknown, type: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (typeof value === 'number')
    return type === 'double' || type === 'real' || type === 'float' ? javaDouble(value) : String(value);
  if (Array.isArray(value)) return `[${value.map((v) => renderValue(v, '') ?? 'null').join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${k}=${renderValue(v, '') ?? 'null'}`)
    .join(', ')}}`;
}

type Signature = NonNullable<TrinoColumn['typeSignature']>;

/**
 * Trino sends a ROW as a positional JSON array; Athena prints it by field name, `{kind=a}`
 * (what `"t$files".partition` looks like), so rows are named from the column's type signature.
 */
function renderTyped(value: unknown, signature: Signature | undefined, type: string): string | null {
  if (signature?.rawType === 'row' && Array.isArray(value)) {
    const fields = (signature.arguments ?? []).map((argument) => {
      const named = argument.value as
        | { fieldName?: { name?: string }; typeSignature?: Signature }
        | undefined;
      return { name: named?.fieldName?.name, signature: named?.typeSignature };
    });
    return `{${value
      .map((v, i) => {
        const field = fields[i];
        const text = renderTyped(v, field?.signature, field?.signature?.rawType ?? '') ?? 'null';
        return `${field?.name ?? `field${i}`}=${text}`;
      })
      .join(', ')}}`;
  }
  if (signature?.rawType === 'array' && Array.isArray(value)) {
    const element = signature.arguments?.[0]?.value as Signature | undefined;
    return `[${value.map((v) => renderTyped(v, element, element?.rawType ?? '') ?? 'null').join(', ')}]`;
  }
  return renderValue(value, type);
}

export function textRows(columns: TrinoColumn[], rows: unknown[][]): TextRow[] {
  const types = columns.map((c) => c.typeSignature?.rawType ?? c.type);
  return rows.map((row) => row.map((v, i) => renderTyped(v, columns[i]?.typeSignature, types[i] ?? '')));
}

const csvField = (v: string | null) => (v === null ? '' : `"${v.replace(/"/g, '""')}"`);

/** Athena's result file: a header line for queries, then every row; all fields quoted. */
export function toCsv(columns: string[] | undefined, rows: TextRow[]): string {
  const lines = (columns ? [columns, ...rows] : rows).map((row) => row.map(csvField).join(','));
  return lines.length > 0 ? `${lines.join('\n')}\n` : '';
}

export const athenaRow = (row: TextRow) => ({
  Data: row.map((v) => (v === null ? {} : { VarCharValue: v })),
});

export function encodeToken(id: string, offset: number): string {
  return Buffer.from(JSON.stringify({ id, offset })).toString('base64url');
}

export function decodeToken(token: string, id: string): number | undefined {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (parsed.id === id && Number.isInteger(parsed.offset) && parsed.offset >= 0) return parsed.offset;
  } catch {
    // answered by the caller
  }
  return undefined;
}
