/**
 * JSON/YAML conversion as dbt's tojson/fromjson/toyaml/fromyaml and Jinja's `tojson` filter
 * produce it (Python json.dumps spacing: `{"a": 1, "b": [1, 2]}`), and Python literals
 * (`as_native`, `as_bool`, `as_number`).
 */
import YAML from 'yaml';
import { hasCustomToString, isPlainObject, pyStr, unwrapSafe } from './pyvalues.js';

export interface JsonOptions {
  indent?: number | null;
  sortKeys?: boolean;
  /** Jinja's tojson filter escapes <, >, & and ' so the output is safe inside HTML/SQL strings. */
  htmlSafe?: boolean;
}

export function toJson(value: unknown, options: JsonOptions = {}): string {
  const text = dump(value, options, '');
  if (!options.htmlSafe) return text;
  return text.replace(/[<>&']/g, (c) => `\\u00${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

function jsonString(s: string): string {
  // json.dumps escapes non-ASCII by default (ensure_ascii=True)
  return JSON.stringify(s).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function dump(value: unknown, options: JsonOptions, indent: string): string {
  value = unwrapSafe(value);
  if (value === null || value === undefined) return 'null';
  if (value === true) return 'true';
  if (value === false) return 'false';
  if (typeof value === 'number')
    return Number.isFinite(value)
      ? String(value)
      : Number.isNaN(value)
        ? 'NaN'
        : value > 0
          ? 'Infinity'
          : '-Infinity';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return jsonString(value);
  const step = options.indent === null || options.indent === undefined ? null : ' '.repeat(options.indent);
  const inner = step === null ? '' : indent + step;
  const open = step === null ? '' : `\n${inner}`;
  const close = step === null ? '' : `\n${indent}`;
  const sep = step === null ? ', ' : `,\n${inner}`;
  if (
    Array.isArray(value) ||
    (typeof value === 'object' && Symbol.iterator in value && !isPlainObject(value))
  ) {
    const items = Array.from(value as Iterable<unknown>);
    if (items.length === 0) return '[]';
    return `[${open}${items.map((v) => dump(v, options, inner)).join(sep)}${close}]`;
  }
  if (typeof value === 'object') {
    let keys = Object.keys(value).filter((k) => k !== '__keywords');
    if (options.sortKeys) keys = keys.sort();
    if (keys.length === 0) return '{}';
    const record = value as Record<string, unknown>;
    return `{${open}${keys.map((k) => `${jsonString(k)}: ${dump(record[k], options, inner)}`).join(sep)}${close}}`;
  }
  return jsonString(pyStr(value));
}

/** Plain data for the yaml library (it does not know our Namespace or SafeString). */
function toPlain(value: unknown): unknown {
  value = unwrapSafe(value);
  if (Array.isArray(value)) return value.map(toPlain);
  if (value && typeof value === 'object') {
    if (!isPlainObject(value) && hasCustomToString(value)) return String(value);
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value)) if (k !== '__keywords') out[k] = toPlain((value as any)[k]);
    return out;
  }
  return value === undefined ? null : value;
}

export function toYaml(value: unknown, sortKeys = false): string {
  return YAML.stringify(toPlain(value), { sortMapEntries: sortKeys });
}

export function fromYaml(text: unknown, fallback: unknown = null): unknown {
  try {
    return YAML.parse(pyStr(text)) ?? null;
  } catch {
    return fallback;
  }
}

export function fromJson(text: unknown, fallback: unknown = null): unknown {
  try {
    return JSON.parse(pyStr(text));
  } catch {
    return fallback;
  }
}

/**
 * Parse a Python literal: strings, numbers, True/False/None, lists, tuples, dicts (as
 * ast.literal_eval does). Throws on anything else.
 */
export function parsePythonLiteral(text: string): unknown {
  let pos = 0;
  const ws = () => {
    while (pos < text.length && /\s/.test(text[pos])) pos++;
  };
  const fail = (): never => {
    throw new Error(`not a Python literal: ${text}`);
  };
  const value = (): unknown => {
    ws();
    const ch = text[pos];
    if (ch === '[' || ch === '(') return sequence(ch === '[' ? ']' : ')');
    if (ch === '{') return mapping();
    if (ch === "'" || ch === '"') return string();
    const m = /^(?:True|False|None|[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?))/.exec(
      text.slice(pos),
    );
    if (!m) return fail();
    pos += m[0].length;
    if (m[0] === 'True') return true;
    if (m[0] === 'False') return false;
    if (m[0] === 'None') return null;
    return Number(m[0]);
  };
  const string = (): string => {
    const quote = text[pos++];
    let out = '';
    while (pos < text.length && text[pos] !== quote) {
      if (text[pos] === '\\') {
        const next = text[++pos];
        out += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next;
      } else out += text[pos];
      pos++;
    }
    if (text[pos] !== quote) fail();
    pos++;
    return out;
  };
  const sequence = (end: string): unknown[] => {
    pos++;
    const items: unknown[] = [];
    ws();
    while (text[pos] !== end) {
      items.push(value());
      ws();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== end) fail();
      ws();
    }
    pos++;
    return items;
  };
  const mapping = (): Record<string, unknown> => {
    pos++;
    const out: Record<string, unknown> = {};
    ws();
    while (text[pos] !== '}') {
      const key = value();
      ws();
      if (text[pos++] !== ':') fail();
      out[pyStr(key)] = value();
      ws();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== '}') fail();
      ws();
    }
    pos++;
    return out;
  };
  const result = value();
  ws();
  if (pos !== text.length) fail();
  return result;
}
