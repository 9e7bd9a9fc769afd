/**
 * `mdw show` output as dbt prints it. dbt turns the rows into an agate table (dbt_common's
 * type tester: Integer, Number, Date, DateTime, Boolean, else Text; a column with any string,
 * list or struct value is Text) and prints it with agate's `print_table` defaults: at most 6
 * columns (then a `...` column), cells cut at 20 characters, numbers with thousands separators
 * and at most 3 decimals (a `…` marks the cut), Text left-aligned and everything else
 * right-aligned. `--output json` writes dates as `2018-01-01` and timestamps as
 * `2018-01-01T10:11:12`, never as UTC instants they were not.
 */

export type PreviewKind = 'integer' | 'number' | 'date' | 'datetime' | 'boolean' | 'text';

const MAX_COLUMNS = 6;
const MAX_COLUMN_WIDTH = 20;
const MAX_PRECISION = 3;
const ELLIPSIS = '...';
const NUMBER_TRUNCATION = '…';

/** The agate type a column of this engine type becomes (all-NULL columns test as Integer). */
export function previewKind(engineType: string, values: unknown[]): PreviewKind {
  const t = engineType.trim().toUpperCase();
  const nonNull = values.filter((v) => v !== null && v !== undefined);
  if (nonNull.length === 0) return 'integer';
  if (/^(TINYINT|SMALLINT|INTEGER|INT|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT)$/.test(t))
    return 'integer';
  if (/^(DECIMAL|NUMERIC|FLOAT|REAL|DOUBLE)/.test(t)) return 'number';
  if (t === 'DATE') return 'date';
  if (/^TIMESTAMP/.test(t)) return 'datetime';
  if (t === 'BOOLEAN') return 'boolean';
  return 'text';
}

/** One cell as Python's str() of the value dbt-duckdb hands to agate. */
export function cellText(value: unknown, kind: PreviewKind, engineType: string): string {
  if (value === null || value === undefined) return '';
  switch (kind) {
    case 'integer':
      return String(value);
    case 'date':
      return dateText(value);
    case 'datetime':
      return dateTimeText(value, engineType, ' ');
    case 'boolean':
      return value ? 'True' : 'False';
    case 'number':
      return String(value);
    default:
      return textOf(value, engineType);
  }
}

/** The JSON value agate's to_json writes for a cell. */
export function jsonValue(value: unknown, kind: PreviewKind, engineType: string): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    case 'integer':
      return typeof value === 'bigint' || typeof value === 'number' ? value : Number(value);
    case 'number':
      return typeof value === 'number' ? value : Number(value);
    case 'date':
      return dateText(value);
    case 'datetime':
      return dateTimeText(value, engineType, 'T');
    case 'boolean':
      return Boolean(value);
    default:
      return textOf(value, engineType);
  }
}

/** dbt show's table: agate print_table(max_rows=None) with its defaults. */
export function formatPreview(columns: string[], types: string[], rows: unknown[][]): string {
  const kinds = columns.map((_, i) =>
    previewKind(
      types[i] ?? '',
      rows.map((r) => r[i]),
    ),
  );
  const shown = Math.min(columns.length, MAX_COLUMNS);
  const truncated = columns.length > MAX_COLUMNS;
  const header = columns.slice(0, shown).map(cut);
  if (truncated) header.push(ELLIPSIS);
  const widths = header.map((h) => h.length);
  const formatters = kinds
    .slice(0, shown)
    .map((kind, i) => (kind === 'number' ? numberFormatter(rows.map((r) => r[i])) : null));
  const body = rows.map((row) => {
    const cells: string[] = [];
    for (let j = 0; j < shown; j++) {
      const value = row[j];
      const format = formatters[j];
      const text =
        value === null || value === undefined
          ? ''
          : format
            ? format(value)
            : cellText(value, kinds[j]!, types[j] ?? '');
      cells.push(cut(text));
    }
    if (truncated) cells.push(ELLIPSIS);
    cells.forEach((c, j) => {
      widths[j] = Math.max(widths[j]!, c.length);
    });
    return cells;
  });
  // agate justifies cell j by the type of column j (the `...` column takes the 7th column's)
  const line = (cells: string[]) =>
    `|${cells.map((c, j) => ` ${kinds[j] === 'text' ? c.padEnd(widths[j]!) : c.padStart(widths[j]!)} `).join('|')}|`;
  const divider = `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`;
  return [line(header), divider, ...body.map(line)].join('\n');
}

function cut(text: string): string {
  return text.length > MAX_COLUMN_WIDTH
    ? `${text.slice(0, MAX_COLUMN_WIDTH - ELLIPSIS.length)}${ELLIPSIS}`
    : text;
}

/** agate's number formatter for a column: the most decimal places any value has, at most 3. */
function numberFormatter(values: unknown[]): (value: unknown) => string {
  let places = 0;
  for (const v of values) {
    const plain = plainDecimal(v);
    if (plain === null) continue;
    const fraction = plain.split('.')[1]?.replace(/0+$/, '') ?? '';
    places = Math.max(places, fraction.length);
  }
  const ellipsis = places > MAX_PRECISION ? NUMBER_TRUNCATION : '';
  places = Math.min(places, MAX_PRECISION);
  return (value) => {
    const plain = plainDecimal(value);
    if (plain === null)
      return String(value) === 'Infinity' ? 'inf' : String(value) === '-Infinity' ? '-inf' : 'NaN';
    return `${groupThousands(roundHalfEven(plain, places))}${ellipsis}`;
  };
}

/** A finite number (or numeric string) as a plain decimal string without exponent; null if not finite. */
export function plainDecimal(value: unknown): string | null {
  if (typeof value === 'bigint') return value.toString();
  const text = typeof value === 'number' ? (Number.isFinite(value) ? String(value) : null) : String(value);
  if (text === null || !/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(text)) return null;
  const match = /^(-?)(\d+)(?:\.(\d+))?(?:e([+-]?\d+))?$/i.exec(text)!;
  const [, sign, whole, fraction = '', exp = '0'] = match;
  const digits = `${whole}${fraction}`;
  const point = whole!.length + Number(exp);
  let intPart: string;
  let fracPart: string;
  if (point <= 0) {
    intPart = '0';
    fracPart = `${'0'.repeat(-point)}${digits}`;
  } else if (point >= digits.length) {
    intPart = `${digits}${'0'.repeat(point - digits.length)}`;
    fracPart = '';
  } else {
    intPart = digits.slice(0, point);
    fracPart = digits.slice(point);
  }
  intPart = intPart.replace(/^0+(?=\d)/, '');
  return `${sign}${intPart}${fracPart ? `.${fracPart}` : ''}`;
}

/** Round a plain decimal string to `places` decimals, ties to even (babel's default). */
export function roundHalfEven(plain: string, places: number): string {
  const negative = plain.startsWith('-');
  const [whole, fraction = ''] = (negative ? plain.slice(1) : plain).split('.') as [string, string?];
  const padded = fraction.padEnd(places + 1, '0');
  let kept = `${whole}${padded.slice(0, places)}`;
  const rest = fraction.slice(places);
  const first = rest[0] ?? '0';
  const beyond = /[1-9]/.test(rest.slice(1));
  const lastKept = Number(kept[kept.length - 1] ?? '0');
  const roundUp = first > '5' || (first === '5' && (beyond || lastKept % 2 === 1));
  if (roundUp) kept = (BigInt(kept) + 1n).toString().padStart(kept.length, '0');
  const intDigits = kept.slice(0, kept.length - places) || '0';
  const fracDigits = kept.slice(kept.length - places);
  const body = places > 0 ? `${intDigits}.${fracDigits}` : intDigits;
  // babel keeps the sign of a negative value that rounds to zero (-0.000)
  return negative ? `-${body}` : body;
}

function groupThousands(text: string): string {
  const negative = text.startsWith('-');
  const [whole, fraction] = (negative ? text.slice(1) : text).split('.') as [string, string?];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fraction !== undefined ? `.${fraction}` : ''}`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function dateText(value: unknown): string {
  if (value instanceof Date) {
    return `${pad(value.getUTCFullYear(), 4)}-${pad(value.getUTCMonth() + 1)}-${pad(value.getUTCDate())}`;
  }
  return String(value).slice(0, 10);
}

/** Python's datetime str()/isoformat(): microseconds only when non-zero, +00:00 for zoned values. */
function dateTimeText(value: unknown, engineType: string, separator: ' ' | 'T'): string {
  const zoned = /WITH TIME ZONE|TIMESTAMPTZ/i.test(engineType);
  if (!(value instanceof Date)) {
    const text = String(value);
    return separator === 'T' ? text.replace(' ', 'T') : text.replace('T', ' ');
  }
  const ms = value.getUTCMilliseconds();
  const time = `${pad(value.getUTCHours())}:${pad(value.getUTCMinutes())}:${pad(value.getUTCSeconds())}`;
  const micros = ms === 0 ? '' : `.${pad(ms * 1000, 6)}`;
  return `${dateText(value)}${separator}${time}${micros}${zoned ? '+00:00' : ''}`;
}

/** Text cells: strings as they are; lists, structs and maps as JSON (dbt json.dumps them). */
function textOf(value: unknown, engineType: string): string {
  const t = engineType.toUpperCase();
  if (typeof value === 'string') return value;
  if (t === 'TIME' && (typeof value === 'number' || typeof value === 'bigint'))
    return timeText(BigInt(value));
  if (value instanceof Uint8Array) return bytesRepr(value);
  if (t.startsWith('MAP(') && Array.isArray(value)) return pyJson(mapEntries(value));
  if (typeof value === 'object') return pyJson(value);
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}

function mapEntries(entries: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const entry of entries) {
    if (entry && typeof entry === 'object' && 'key' in entry) {
      const { key, value } = entry as { key: unknown; value: unknown };
      out[String(key)] = value;
    }
  }
  return out;
}

function timeText(micros: bigint): string {
  const totalSeconds = Number(micros / 1_000_000n);
  const fraction = Number(micros % 1_000_000n);
  const hms = `${pad(Math.floor(totalSeconds / 3600))}:${pad(Math.floor(totalSeconds / 60) % 60)}:${pad(totalSeconds % 60)}`;
  return fraction === 0 ? hms : `${hms}.${pad(fraction, 6)}`;
}

/** Python's json.dumps defaults: ", " and ": " separators, non-ASCII escaped. */
function pyJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number')
    return Number.isFinite(value) ? String(value) : value > 0 ? 'Infinity' : 'NaN';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'string')
    return JSON.stringify(value).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`;
  if (typeof value === 'object')
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${pyJson(k)}: ${pyJson(v)}`)
      .join(', ')}}`;
  return JSON.stringify(String(value));
}

/** Python's repr of bytes: b'...' with \xNN escapes. */
function bytesRepr(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) {
    if (b === 0x5c) out += '\\\\';
    else if (b === 0x27) out += "\\'";
    else if (b === 0x0a) out += '\\n';
    else if (b === 0x0d) out += '\\r';
    else if (b === 0x09) out += '\\t';
    else if (b >= 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\x${b.toString(16).padStart(2, '0')}`;
  }
  return `b'${out}'`;
}
