/**
 * Attribute/item lookup (`x.y`, `x['y']`, `x[0]`, `x[1:3]`) with Python's methods on str, list
 * and dict values, so `'a'.upper()` and `d.items()` work without touching JS prototypes.
 */

import { SafeString } from './nunjucks.js';
import { DICT_METHODS, LIST_METHODS, STRING_METHODS } from './pymethods.js';
import { isPlainObject, PY_GETATTR, type PyObject } from './pyvalues.js';

const hasOwn = Object.prototype.hasOwnProperty;

function index(length: number, key: number): number {
  return key < 0 ? length + key : key;
}

export function memberLookup(obj: unknown, key: unknown): unknown {
  if (obj === undefined || obj === null) return undefined;
  if (typeof obj === 'string' || obj instanceof SafeString) {
    const s = String(obj);
    if (typeof key === 'number') return s[index(s.length, key)];
    if (typeof key === 'string' && hasOwn.call(STRING_METHODS, key)) {
      const method = STRING_METHODS[key];
      return (...args: unknown[]) => method(s, args);
    }
    return undefined;
  }
  if (Array.isArray(obj)) {
    if (typeof key === 'number') return obj[index(obj.length, key)];
    if (typeof key === 'string' && hasOwn.call(LIST_METHODS, key)) {
      const method = LIST_METHODS[key];
      return (...args: unknown[]) => method(obj, args);
    }
    return hasOwn.call(obj, key as PropertyKey) ? (obj as any)[key as any] : undefined;
  }
  if (typeof obj !== 'object' && typeof obj !== 'function') return undefined;
  const hook = (obj as PyObject)[PY_GETATTR];
  if (hook) return hook.call(obj, key as string | number);
  const prop = key as PropertyKey;
  if (isPlainObject(obj)) {
    const own = hasOwn.call(obj, prop) ? obj[prop as string] : undefined;
    // API objects passed as plain objects (config, adapter...) keep their own functions; a
    // function with attributes of its own is a Python class (api.Column): binding would hide them
    if (typeof own === 'function') return Object.keys(own).length > 0 ? own : own.bind(obj);
    if (typeof key === 'string' && hasOwn.call(DICT_METHODS, key)) {
      const method = DICT_METHODS[key];
      return (...args: unknown[]) => method(obj, args);
    }
    return own;
  }
  const value = (obj as any)[prop];
  return typeof value === 'function' && typeof obj === 'object' ? value.bind(obj) : value;
}

/** `x[start:stop:step]` with Python's clamping and negative indices. */
export function sliceLookup(obj: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  const isString = typeof obj === 'string' || obj instanceof SafeString;
  const seq: unknown[] | string = isString ? String(obj) : Array.isArray(obj) ? obj : [];
  const len = seq.length;
  const by = step === null || step === undefined ? 1 : Number(step);
  if (by === 0) throw new Error('slice step cannot be zero');
  const out: unknown[] = [];
  if (by > 0) {
    const s = start == null ? 0 : clamp(Number(start), len, 0, len);
    const e = stop == null ? len : clamp(Number(stop), len, 0, len);
    for (let i = s; i < e; i += by) out.push(seq[i]);
  } else {
    const s = start == null ? len - 1 : clamp(Number(start), len, -1, len - 1);
    const e = stop == null ? -1 : clamp(Number(stop), len, -1, len - 1);
    for (let i = s; i > e; i += by) out.push(seq[i]);
  }
  return isString ? out.join('') : out;
}

function clamp(value: number, len: number, min: number, max: number): number {
  const v = value < 0 ? len + value : value;
  return Math.min(max, Math.max(min, v));
}

/** Follow a dotted attribute path (`'a.b'` or `'0.name'`) as Jinja's attribute= arguments do. */
export function attributePath(obj: unknown, path: unknown): unknown {
  if (typeof path === 'number') return memberLookup(obj, path);
  let current = obj;
  for (const part of String(path).split('.')) {
    current = memberLookup(current, /^\d+$/.test(part) && Array.isArray(current) ? Number(part) : part);
  }
  return current;
}
