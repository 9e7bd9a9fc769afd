/**
 * Python value semantics for template values: how they print (`{{ none }}` is "None"), what is
 * truthy (an empty list is false), length and equality.
 */
import { SafeString } from './nunjucks.js';

/** Attribute/item lookup hook for objects that act like Python objects (agate tables, namespaces...). */
export const PY_GETATTR = Symbol('py.getattr');
/** Marks a class instance that Jinja's `is mapping` test accepts (dbt's relations are Mappings). */
export const PY_MAPPING = Symbol('py.mapping');
/** len() hook. */
export const PY_LEN = Symbol('py.len');
/** `a + b` / `a - b` hooks (datetime arithmetic); return undefined when not applicable. */
export const PY_ADD = Symbol('py.add');
export const PY_SUB = Symbol('py.sub');

export interface PyObject {
  [PY_GETATTR]?(key: string | number): unknown;
  [PY_LEN]?(): number;
  [PY_ADD]?(other: unknown): unknown;
  [PY_SUB]?(other: unknown): unknown;
}

/** Jinja's namespace(): a mutable bag of attributes usable across scopes (`{% set ns.x = 1 %}`). */
export class Namespace {
  constructor(values: Record<string, unknown> = {}) {
    Object.assign(this, values);
  }
  toString(): string {
    return `<Namespace ${pyRepr({ ...this })}>`;
  }
}

/**
 * What set() returns: a list of distinct items (lists' methods and iteration keep working) that
 * compares equal to another set holding the same items in any order, as Python's sets do.
 */
export class PySet extends Array<unknown> {
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function unwrapSafe(value: unknown): unknown {
  return value instanceof SafeString ? String(value) : value;
}

export function hasCustomToString(value: object): boolean {
  const fn = (value as { toString?: unknown }).toString;
  return typeof fn === 'function' && fn !== Object.prototype.toString;
}

/** str(value) as Python/Jinja prints it. */
export function pyStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return '';
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return pyNumber(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'function') return `<macro ${value.name || 'anonymous'}>`;
  if (value instanceof SafeString) return String(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (isPlainObject(value) && !hasCustomToString(value)) {
    const entries = Object.keys(value)
      .filter((k) => k !== '__keywords')
      .map((k) => `${pyRepr(k)}: ${pyRepr(value[k])}`);
    return `{${entries.join(', ')}}`;
  }
  if (typeof value === 'object' && !hasCustomToString(value)) return pyStr({ ...value });
  return String(value);
}

function pyNumber(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (value === Number.POSITIVE_INFINITY) return 'inf';
  if (value === Number.NEGATIVE_INFINITY) return '-inf';
  return String(value);
}

/** repr(value): strings quoted the way Python quotes them, containers recursively. */
export function pyRepr(value: unknown): string {
  value = unwrapSafe(value);
  if (typeof value !== 'string') return pyStr(value);
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of value) {
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch < ' ' || ch === '\x7f') out += `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** len(value), or undefined when the value has no length. */
export function pyLen(value: unknown): number | undefined {
  value = unwrapSafe(value);
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  if (value instanceof Map || value instanceof Set) return value.size;
  if (typeof value === 'object' && value !== null) {
    const hook = (value as PyObject)[PY_LEN];
    if (hook) return hook.call(value);
    if (isPlainObject(value)) return Object.keys(value).filter((k) => k !== '__keywords').length;
  }
  return undefined;
}

/** Python truthiness: empty strings, lists, dicts, 0, None and undefined are false. */
export function truthy(value: unknown): boolean {
  if (!value) return false;
  if (value === true || typeof value !== 'object') return true;
  const len = pyLen(value);
  return len === undefined ? true : len > 0;
}

/** Python ==: structural for lists/dicts, no string/number coercion; undefined equals none. */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  a = unwrapSafe(a);
  b = unwrapSafe(b);
  if (a === b) return true;
  if (a === null || a === undefined || b === null || b === undefined) return a == null && b == null;
  const ta = typeof a;
  const tb = typeof b;
  if (
    (ta === 'number' || ta === 'boolean' || ta === 'bigint') &&
    (tb === 'number' || tb === 'boolean' || tb === 'bigint')
  )
    return Number(a) === Number(b);
  if (ta !== 'object' || tb !== 'object') return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    if (a instanceof PySet && b instanceof PySet)
      return a.every((item) => (b as unknown[]).some((other) => pyEquals(item, other)));
    return a.every((item, i) => pyEquals(item, (b as unknown[])[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && pyEquals(a[k], b[k]));
  }
  // datetime-like objects compare by value
  if (Object.getPrototypeOf(a) === Object.getPrototypeOf(b)) {
    const va = (a as object).valueOf();
    if (va !== a) return va === (b as object).valueOf();
  }
  return false;
}

/** Sort order for sort()/min()/max(): none first, then JavaScript's < (numbers, strings, dates). */
export function compareValues(a: unknown, b: unknown): number {
  a = unwrapSafe(a);
  b = unwrapSafe(b);
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : -1;
  if (b === null || b === undefined) return 1;
  return (a as any) < (b as any) ? -1 : (a as any) > (b as any) ? 1 : 0;
}

/** A Python module-like namespace (`modules.datetime`): members are returned as they are. */
export class PyModule implements PyObject {
  constructor(
    readonly name: string,
    private readonly members: Record<string, unknown>,
  ) {}
  [PY_GETATTR](key: string | number): unknown {
    return Object.hasOwn(this.members, key) ? this.members[key as string] : undefined;
  }
  toString(): string {
    return `<module '${this.name}'>`;
  }
}
