/**
 * dbt derives a generic test's unique_id suffix from Python's repr() of its metadata, with
 * every leaf value turned into str() and dict keys sorted. Reproducing it keeps mdw's
 * unique_ids identical to dbt's (tools and state comparisons key on them).
 */
import { createHash } from 'node:crypto';

export function dbtTestHash(name: string, metadata: Record<string, unknown>): string {
  const text = name + pythonRepr(hashable(metadata));
  return createHash('md5').update(text, 'utf8').digest('hex').slice(-10);
}

type Hashable = string | Hashable[] | { [key: string]: Hashable };

function hashable(value: unknown): Hashable {
  if (Array.isArray(value)) return value.map(hashable);
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(record)
        .sort()
        .map((key) => [key, hashable(record[key])]),
    );
  }
  return pythonStr(value);
}

/** str() as Python prints a scalar. */
export function pythonStr(value: unknown): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (value === null || value === undefined) return 'None';
  return String(value);
}

/** str() as Python prints any YAML value: a list or dict shows its items' repr(), `[0, 'a']`. */
export function pythonStrOf(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonReprOf).join(', ')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.entries(value)
      .map(([key, item]) => `${reprString(key)}: ${pythonReprOf(item)}`)
      .join(', ')}}`;
  return pythonStr(value);
}

function pythonReprOf(value: unknown): string {
  return typeof value === 'string' ? reprString(value) : pythonStrOf(value);
}

function pythonRepr(value: Hashable): string {
  if (typeof value === 'string') return reprString(value);
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  return `{${Object.entries(value)
    .map(([key, item]) => `${reprString(key)}: ${pythonRepr(item)}`)
    .join(', ')}}`;
}

/** Python's string repr: single quotes unless the text has ' and no ", escapes as CPython does. */
function reprString(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (char === quote || char === '\\') out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return out + quote;
}
