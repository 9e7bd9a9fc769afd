/**
 * The Jinja operators whose Python meaning differs from JavaScript's: `in`, `[1] + [2]`,
 * `'%s' % x`, `'-' * 3`, Python's modulo sign, structural `==`.
 */
import { percentFormat } from './pyformat.js';
import { isPlainObject, PY_ADD, PY_SUB, type PyObject, pyEquals, unwrapSafe } from './pyvalues.js';

/** Python `needle in haystack`. */
export function pyIn(needle: unknown, haystack: unknown): boolean {
  haystack = unwrapSafe(haystack);
  needle = unwrapSafe(needle);
  if (typeof haystack === 'string') return typeof needle === 'string' && haystack.includes(needle);
  if (Array.isArray(haystack)) return haystack.some((item) => pyEquals(item, needle));
  if (haystack instanceof Map || haystack instanceof Set) return haystack.has(needle);
  if (typeof haystack === 'object' && haystack !== null) {
    if (isPlainObject(haystack)) return typeof needle === 'string' && Object.hasOwn(haystack, needle);
    if (Symbol.iterator in haystack) {
      for (const item of haystack as Iterable<unknown>) if (pyEquals(item, needle)) return true;
      return false;
    }
    return typeof needle === 'string' && needle in haystack;
  }
  return false;
}

/** `a + b`: list concatenation and datetime arithmetic, else JavaScript's +. */
export function pyAdd(a: unknown, b: unknown): unknown {
  if (Array.isArray(a) && Array.isArray(b)) return a.concat(b);
  if (typeof a === 'object' && a !== null) {
    const r = (a as PyObject)[PY_ADD]?.(b);
    if (r !== undefined) return r;
  }
  if (typeof b === 'object' && b !== null) {
    const r = (b as PyObject)[PY_ADD]?.(a);
    if (r !== undefined) return r;
  }
  return (a as any) + (b as any);
}

export function pySub(a: unknown, b: unknown): unknown {
  if (typeof a === 'object' && a !== null) {
    const r = (a as PyObject)[PY_SUB]?.(b);
    if (r !== undefined) return r;
  }
  return (a as any) - (b as any);
}

/** `a * b`: string and list repetition. */
export function pyMul(a: unknown, b: unknown): unknown {
  if (typeof b === 'number' && (typeof a === 'string' || Array.isArray(a))) return repeat(a, b);
  if (typeof a === 'number' && (typeof b === 'string' || Array.isArray(b))) return repeat(b, a);
  return (a as any) * (b as any);
}

function repeat(value: string | unknown[], times: number): string | unknown[] {
  const n = Math.max(0, Math.trunc(times));
  if (typeof value === 'string') return value.repeat(n);
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(...value);
  return out;
}

/** `a % b`: printf-style formatting for strings, Python's sign rule for numbers. */
export function pyMod(a: unknown, b: unknown): unknown {
  a = unwrapSafe(a);
  if (typeof a === 'string') return percentFormat(a, b);
  const x = a as number;
  const y = b as number;
  const r = x % y;
  return r !== 0 && r < 0 !== y < 0 ? r + y : r;
}

/** Comparison operators; == and != use Python equality, the others JavaScript's (valueOf-aware). */
export function pyCompare(left: unknown, op: string, right: unknown): boolean {
  switch (op) {
    case '==':
    case '===':
      return pyEquals(left, right);
    case '!=':
    case '!==':
      return !pyEquals(left, right);
    case '<':
      return (left as any) < (right as any);
    case '>':
      return (left as any) > (right as any);
    case '<=':
      return (left as any) <= (right as any);
    case '>=':
      return (left as any) >= (right as any);
    default:
      throw new Error(`unknown comparison operator ${op}`);
  }
}
