/**
 * Python's str, list and dict methods, looked up by runtime.memberLookup (never installed on
 * JavaScript prototypes). Each method takes the receiver and the raw call arguments, which may
 * end with a keyword-arguments object.
 */
import { bindArgs, splitArgs } from './args.js';
import { strFormat } from './pyformat.js';
import { compareValues, pyEquals, pyRepr, pyStr, truthy, unwrapSafe } from './pyvalues.js';

export type PyMethod = (self: any, args: unknown[]) => unknown;

function stripChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? null : pyStr(chars);
  const strip = (ch: string) => (set === null ? /\s/.test(ch) : set.includes(ch));
  let start = 0;
  let end = s.length;
  if (left) while (start < end && strip(s[start])) start++;
  if (right) while (end > start && strip(s[end - 1])) end--;
  return s.slice(start, end);
}

function splitString(s: string, sep: unknown, maxsplit: number, fromRight: boolean): string[] {
  const limit = maxsplit < 0 ? Number.POSITIVE_INFINITY : maxsplit;
  if (sep === undefined || sep === null) {
    const words = s.split(/\s+/).filter((w) => w !== '');
    if (words.length <= limit + 1) return words;
    // re-split keeping the remainder intact, as Python does
    const trimmed = fromRight ? stripChars(s, null, false, true) : stripChars(s, null, true, false);
    return fromRight ? rsplitWhitespace(trimmed, limit) : lsplitWhitespace(trimmed, limit);
  }
  const separator = pyStr(sep);
  if (separator === '') throw new Error('ValueError: empty separator');
  const parts = s.split(separator);
  if (parts.length <= limit + 1) return parts;
  if (fromRight) {
    const keep = parts.length - limit;
    return [parts.slice(0, keep).join(separator), ...parts.slice(keep)];
  }
  return [...parts.slice(0, limit), parts.slice(limit).join(separator)];
}

function lsplitWhitespace(s: string, limit: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < limit) {
    const m = /\s+/.exec(rest);
    if (!m) break;
    out.push(rest.slice(0, m.index));
    rest = rest.slice(m.index + m[0].length);
  }
  out.push(rest);
  return out;
}

function rsplitWhitespace(s: string, limit: number): string[] {
  const out: string[] = [];
  let rest = s;
  while (out.length < limit) {
    const m = /\s+(?=\S*$)/.exec(rest);
    if (!m) break;
    out.unshift(rest.slice(m.index + m[0].length));
    rest = rest.slice(0, m.index);
  }
  out.unshift(rest);
  return out;
}

function affixMatch(s: string, affix: unknown, start: unknown, end: unknown, atEnd: boolean): boolean {
  const sub = s.slice(typeof start === 'number' ? start : 0, typeof end === 'number' ? end : undefined);
  const options = Array.isArray(affix) ? affix : [affix];
  return options.some((a) => (atEnd ? sub.endsWith(pyStr(a)) : sub.startsWith(pyStr(a))));
}

function findIn(s: string, args: unknown[], fromRight: boolean): number {
  const { sub, start, end } = bindArgs(args, ['sub', 'start', 'end']);
  const from = typeof start === 'number' ? (start < 0 ? Math.max(0, s.length + start) : start) : 0;
  const to = typeof end === 'number' ? (end < 0 ? s.length + end : end) : s.length;
  const window = s.slice(from, to);
  const i = fromRight ? window.lastIndexOf(pyStr(sub)) : window.indexOf(pyStr(sub));
  return i < 0 ? -1 : i + from;
}

function titleCase(s: string): string {
  return s.replace(/\p{L}+/gu, (w) => w[0].toUpperCase() + w.slice(1).toLowerCase());
}

function justify(s: string, args: unknown[], align: 'left' | 'right' | 'center'): string {
  const { width, fillchar } = bindArgs(args, ['width', 'fillchar'], { fillchar: ' ' });
  const missing = Number(width) - s.length;
  if (missing <= 0) return s;
  const fill = pyStr(fillchar);
  if (align === 'left') return s + fill.repeat(missing);
  if (align === 'right') return fill.repeat(missing) + s;
  const left = Math.floor(missing / 2) + (missing % 2 && Number(width) % 2 ? 1 : 0);
  return fill.repeat(left) + s + fill.repeat(missing - left);
}

function stringTest(re: RegExp): PyMethod {
  return (s: string) => s.length > 0 && re.test(s);
}

export const STRING_METHODS: Record<string, PyMethod> = {
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  casefold: (s) => s.toLowerCase(),
  swapcase: (s: string) =>
    [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  title: (s) => titleCase(s),
  capitalize: (s: string) => (s ? s[0].toUpperCase() + s.slice(1).toLowerCase() : s),
  strip: (s, a) => stripChars(s, a[0], true, true),
  lstrip: (s, a) => stripChars(s, a[0], true, false),
  rstrip: (s, a) => stripChars(s, a[0], false, true),
  split: (s, a) => {
    const { sep, maxsplit } = bindArgs(a, ['sep', 'maxsplit'], { maxsplit: -1 });
    return splitString(s, sep, Number(maxsplit), false);
  },
  rsplit: (s, a) => {
    const { sep, maxsplit } = bindArgs(a, ['sep', 'maxsplit'], { maxsplit: -1 });
    return splitString(s, sep, Number(maxsplit), true);
  },
  splitlines: (s: string, a) => {
    const { keepends } = bindArgs(a, ['keepends']);
    const lines = s.match(/[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$/g) ?? [];
    return keepends ? lines : lines.map((l) => l.replace(/(?:\r\n|\r|\n)$/, ''));
  },
  replace: (s: string, a) => {
    const { old, new: repl, count } = bindArgs(a, ['old', 'new', 'count'], { count: -1 });
    const from = pyStr(old);
    const to = pyStr(repl);
    const n = Number(count);
    if (n < 0) return s.split(from).join(to);
    const parts = s.split(from);
    if (parts.length - 1 <= n) return parts.join(to);
    return parts.slice(0, n + 1).join(to) + from + parts.slice(n + 1).join(from);
  },
  startswith: (s, a) => affixMatch(s, unwrapSafe(a[0]), a[1], a[2], false),
  endswith: (s, a) => affixMatch(s, unwrapSafe(a[0]), a[1], a[2], true),
  join: (s, a) => {
    const items = a[0];
    const list = typeof items === 'string' ? [...items] : Array.from((items ?? []) as Iterable<unknown>);
    return list.map(pyStr).join(s);
  },
  format: (s, a) => {
    const { positional, keywords } = splitArgs(a);
    return strFormat(s, positional, keywords, (obj, key) => (obj as any)?.[key]);
  },
  find: (s, a) => findIn(s, a, false),
  rfind: (s, a) => findIn(s, a, true),
  index: (s, a) => {
    const i = findIn(s, a, false);
    if (i < 0) throw new Error('ValueError: substring not found');
    return i;
  },
  rindex: (s, a) => {
    const i = findIn(s, a, true);
    if (i < 0) throw new Error('ValueError: substring not found');
    return i;
  },
  count: (s: string, a) => {
    const sub = pyStr(a[0]);
    if (sub === '') return s.length + 1;
    return s.split(sub).length - 1;
  },
  isdigit: stringTest(/^\p{Nd}+$/u),
  isdecimal: stringTest(/^\p{Nd}+$/u),
  isnumeric: stringTest(/^\p{N}+$/u),
  isalpha: stringTest(/^\p{L}+$/u),
  isalnum: stringTest(/^[\p{L}\p{N}]+$/u),
  isspace: stringTest(/^\s+$/),
  isidentifier: stringTest(/^[\p{L}_][\p{L}\p{N}_]*$/u),
  isupper: (s: string) => /\p{Lu}/u.test(s) && !/\p{Ll}/u.test(s),
  islower: (s: string) => /\p{Ll}/u.test(s) && !/\p{Lu}/u.test(s),
  istitle: (s: string) => /\p{L}/u.test(s) && titleCase(s) === s,
  zfill: (s: string, a) => {
    const width = Number(a[0]);
    const sign = /^[-+]/.test(s) ? s[0] : '';
    return sign + s.slice(sign.length).padStart(width - sign.length, '0');
  },
  center: (s, a) => justify(s, a, 'center'),
  ljust: (s, a) => justify(s, a, 'left'),
  rjust: (s, a) => justify(s, a, 'right'),
  partition: (s: string, a) => {
    const sep = pyStr(a[0]);
    const i = s.indexOf(sep);
    return i < 0 ? [s, '', ''] : [s.slice(0, i), sep, s.slice(i + sep.length)];
  },
  rpartition: (s: string, a) => {
    const sep = pyStr(a[0]);
    const i = s.lastIndexOf(sep);
    return i < 0 ? ['', '', s] : [s.slice(0, i), sep, s.slice(i + sep.length)];
  },
  removeprefix: (s: string, a) => {
    const p = pyStr(a[0]);
    return p && s.startsWith(p) ? s.slice(p.length) : s;
  },
  removesuffix: (s: string, a) => {
    const p = pyStr(a[0]);
    return p && s.endsWith(p) ? s.slice(0, -p.length) : s;
  },
};

function listIndex(list: unknown[], value: unknown): number {
  const i = list.findIndex((item) => pyEquals(item, value));
  if (i < 0) throw new Error(`ValueError: ${pyRepr(value)} is not in list`);
  return i;
}

export const LIST_METHODS: Record<string, PyMethod> = {
  append: (l: unknown[], a) => {
    l.push(a[0]);
    return null;
  },
  extend: (l: unknown[], a) => {
    const items = a[0];
    l.push(...(typeof items === 'string' ? [...items] : Array.from((items ?? []) as Iterable<unknown>)));
    return null;
  },
  insert: (l: unknown[], a) => {
    const i = Number(a[0]);
    l.splice(i < 0 ? Math.max(0, l.length + i) : i, 0, a[1]);
    return null;
  },
  pop: (l: unknown[], a) => {
    if (l.length === 0) throw new Error('IndexError: pop from empty list');
    const i = a.length ? Number(a[0]) : -1;
    const at = i < 0 ? l.length + i : i;
    if (at < 0 || at >= l.length) throw new Error('IndexError: pop index out of range');
    return l.splice(at, 1)[0];
  },
  remove: (l: unknown[], a) => {
    l.splice(listIndex(l, a[0]), 1);
    return null;
  },
  index: (l: unknown[], a) => listIndex(l, a[0]),
  count: (l: unknown[], a) => l.filter((item) => pyEquals(item, a[0])).length,
  reverse: (l: unknown[]) => {
    l.reverse();
    return null;
  },
  sort: (l: unknown[], a) => {
    const { keywords } = splitArgs(a);
    l.sort(compareValues);
    if (truthy(keywords.reverse)) l.reverse();
    return null;
  },
  copy: (l: unknown[]) => [...l],
  clear: (l: unknown[]) => {
    l.length = 0;
    return null;
  },
};

function ownKeys(d: Record<string, unknown>): string[] {
  return Object.keys(d).filter((k) => k !== '__keywords');
}

export const DICT_METHODS: Record<string, PyMethod> = {
  items: (d) => ownKeys(d).map((k) => [k, d[k]]),
  keys: (d) => ownKeys(d),
  values: (d) => ownKeys(d).map((k) => d[k]),
  get: (d, a) => {
    const key = pyStr(a[0]);
    return Object.hasOwn(d, key) ? d[key] : a.length > 1 ? a[1] : null;
  },
  update: (d, a) => {
    const { positional, keywords } = splitArgs(a);
    const other = positional[0];
    if (Array.isArray(other)) for (const [k, v] of other as [string, unknown][]) d[pyStr(k)] = v;
    else if (other && typeof other === 'object') Object.assign(d, other);
    Object.assign(d, keywords);
    return null;
  },
  pop: (d, a) => {
    const key = pyStr(a[0]);
    if (Object.hasOwn(d, key)) {
      const v = d[key];
      delete d[key];
      return v;
    }
    if (a.length > 1) return a[1];
    throw new Error(`KeyError: ${pyRepr(a[0])}`);
  },
  popitem: (d) => {
    const keys = ownKeys(d);
    if (!keys.length) throw new Error('KeyError: popitem(): dictionary is empty');
    const k = keys[keys.length - 1];
    const v = d[k];
    delete d[k];
    return [k, v];
  },
  setdefault: (d, a) => {
    const key = pyStr(a[0]);
    if (!Object.hasOwn(d, key)) d[key] = a.length > 1 ? a[1] : null;
    return d[key];
  },
  copy: (d) => {
    const out: Record<string, unknown> = {};
    for (const k of ownKeys(d)) out[k] = d[k];
    return out;
  },
  clear: (d) => {
    for (const k of Object.keys(d)) delete d[k];
    return null;
  },
};
