/**
 * Jinja's built-in filters with Jinja's arguments and semantics (case-insensitive `sort` and
 * `unique`, `map(attribute=...)`, `selectattr(attr, test, arg)`, `default(x, d, true)`...), plus
 * dbt's `as_text`, `as_bool`, `as_number`, `as_native`.
 */
import { bindArgs, splitArgs } from './args.js';
import { TESTS } from './jinja-tests.js';
import { attributePath } from './lookup.js';
import { percentFormat } from './pyformat.js';
import { compareValues, isPlainObject, pyLen, pyRepr, pyStr, truthy, unwrapSafe } from './pyvalues.js';
import { parsePythonLiteral, toJson } from './serialize.js';

export type Filter = (value: any, ...args: unknown[]) => unknown;

function toList(value: unknown): unknown[] {
  value = unwrapSafe(value);
  if (value === null || value === undefined) return [];
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (isPlainObject(value)) return Object.keys(value).filter((k) => k !== '__keywords');
  if (typeof value === 'object' && Symbol.iterator in value) return Array.from(value as Iterable<unknown>);
  throw new Error(`${pyRepr(value)} is not iterable`);
}

/** Sort/compare key: optional attribute, lower-cased strings unless case-sensitive. */
function keyFn(attribute: unknown, caseSensitive: unknown): (v: unknown) => unknown {
  return (v) => {
    const k = unwrapSafe(attribute === undefined || attribute === null ? v : attributePath(v, attribute));
    return typeof k === 'string' && !truthy(caseSensitive) ? k.toLowerCase() : k;
  };
}

function runTest(name: unknown, value: unknown, args: unknown[]): boolean {
  if (name === undefined || name === null) return truthy(value);
  const test = TESTS[String(name)];
  if (!test) throw new Error(`no test named '${pyStr(name)}'`);
  return test(value, ...args);
}

function selectFilter(keep: boolean): Filter {
  return (seq, ...args) => {
    const { positional } = splitArgs(args);
    const [test, ...rest] = positional;
    return toList(seq).filter((v) => runTest(test, v, rest) === keep);
  };
}

function selectAttrFilter(keep: boolean): Filter {
  return (seq, ...args) => {
    const { positional } = splitArgs(args);
    const [attribute, test, ...rest] = positional;
    return toList(seq).filter((v) => runTest(test, attributePath(v, attribute), rest) === keep);
  };
}

function extreme(pick: 1 | -1): Filter {
  return (seq, ...args) => {
    const { case_sensitive, attribute } = bindArgs(args, ['case_sensitive', 'attribute']);
    const key = keyFn(attribute, case_sensitive);
    const list = toList(seq);
    if (list.length === 0) return undefined;
    return list.reduce((best, v) => (compareValues(key(v), key(best)) * pick > 0 ? v : best));
  };
}

function toInt(value: unknown, fallback: unknown, base: number): unknown {
  value = unwrapSafe(value);
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : fallback;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value !== 'string') return fallback;
  const text = value.trim().replace(/_/g, '');
  if (base === 10) {
    if (/^[-+]?\d+$/.test(text)) return Number.parseInt(text, 10);
    const f = Number(text);
    return text !== '' && Number.isFinite(f) ? Math.trunc(f) : fallback;
  }
  const n = Number.parseInt(text.replace(/^0[xob]/i, ''), base);
  return Number.isNaN(n) ? fallback : n;
}

function htmlEscape(value: unknown): string {
  return pyStr(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function roundTo(value: number, precision: number, method: string): number {
  const factor = 10 ** precision;
  const scaled = value * factor;
  const rounded =
    method === 'ceil'
      ? Math.ceil(scaled)
      : method === 'floor'
        ? Math.floor(scaled)
        : Math.sign(scaled) * Math.round(Math.abs(scaled));
  return rounded / factor;
}

export const FILTERS: Record<string, Filter> = {
  abs: (v) => Math.abs(Number(v)),
  attr: (v, name) => attributePath(v, name),
  batch: (seq, ...args) => {
    const { linecount, fill_with } = bindArgs(args, ['linecount', 'fill_with']);
    const size = Number(linecount);
    const list = toList(seq);
    const out: unknown[][] = [];
    for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
    const last = out[out.length - 1];
    if (last && fill_with !== undefined && fill_with !== null)
      while (last.length < size) last.push(fill_with);
    return out;
  },
  capitalize: (v) => {
    const s = pyStr(v);
    return s ? s[0].toUpperCase() + s.slice(1).toLowerCase() : s;
  },
  center: (v, ...args) => {
    const { width } = bindArgs(args, ['width'], { width: 80 });
    const s = pyStr(v);
    const missing = Number(width) - s.length;
    if (missing <= 0) return s;
    const left = Math.floor(missing / 2);
    return ' '.repeat(left) + s + ' '.repeat(missing - left);
  },
  default: (v, ...args) => {
    const { default_value, boolean } = bindArgs(args, ['default_value', 'boolean'], { default_value: '' });
    if (v === undefined || (truthy(boolean) && !truthy(v))) return default_value;
    return v;
  },
  dictsort: (v, ...args) => {
    const { case_sensitive, by, reverse } = bindArgs(args, ['case_sensitive', 'by', 'reverse'], {
      by: 'key',
    });
    const key = keyFn(null, case_sensitive);
    const entries = Object.keys(v ?? {})
      .filter((k) => k !== '__keywords')
      .map((k) => [k, v[k]] as [string, unknown]);
    const idx = by === 'value' ? 1 : 0;
    entries.sort((a, b) => compareValues(key(a[idx]), key(b[idx])));
    return truthy(reverse) ? entries.reverse() : entries;
  },
  escape: htmlEscape,
  e: htmlEscape,
  first: (v) => toList(v)[0],
  float: (v, ...args) => {
    const { default: fallback } = bindArgs(args, ['default'], { default: 0.0 });
    const n = typeof v === 'string' ? (v.trim() === '' ? Number.NaN : Number(v)) : Number(unwrapSafe(v));
    return Number.isNaN(n) ? fallback : n;
  },
  format: (fmt, ...args) => {
    const { positional, keywords } = splitArgs(args);
    return percentFormat(pyStr(fmt), Object.keys(keywords).length ? keywords : positional);
  },
  groupby: (seq, ...args) => {
    const { attribute, default: fallback } = bindArgs(args, ['attribute', 'default']);
    const groups = new Map<unknown, unknown[]>();
    for (const item of toList(seq)) {
      let key = unwrapSafe(attributePath(item, attribute));
      if (key === undefined) key = fallback;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push(item);
    }
    return [...groups.keys()]
      .sort(compareValues)
      .map((grouper) =>
        Object.assign([grouper, groups.get(grouper)], { grouper, list: groups.get(grouper) }),
      );
  },
  indent: (v, ...args) => {
    const { width, first, blank } = bindArgs(args, ['width', 'first', 'blank'], { width: 4 });
    const pad = typeof width === 'string' ? width : ' '.repeat(Number(width));
    const lines = pyStr(v).split('\n');
    return lines
      .map((line, i) =>
        (i === 0 && !truthy(first)) || (!truthy(blank) && line.trim() === '') ? line : pad + line,
      )
      .join('\n');
  },
  int: (v, ...args) => {
    const { default: fallback, base } = bindArgs(args, ['default', 'base'], { default: 0, base: 10 });
    return toInt(v, fallback, Number(base));
  },
  items: (v) =>
    v
      ? Object.keys(v)
          .filter((k) => k !== '__keywords')
          .map((k) => [k, v[k]])
      : [],
  join: (seq, ...args) => {
    const { d, attribute } = bindArgs(args, ['d', 'attribute'], { d: '' });
    const list = toList(seq).map((item) =>
      attribute === undefined || attribute === null ? item : attributePath(item, attribute),
    );
    return list.map(pyStr).join(pyStr(d));
  },
  last: (v) => {
    const list = toList(v);
    return list[list.length - 1];
  },
  length: (v) => pyLen(v) ?? 0,
  count: (v) => pyLen(v) ?? 0,
  list: (v) => [...toList(v)],
  lower: (v) => pyStr(v).toLowerCase(),
  upper: (v) => pyStr(v).toUpperCase(),
  title: (v) => pyStr(v).replace(/\p{L}+/gu, (w) => w[0].toUpperCase() + w.slice(1).toLowerCase()),
  trim: (v, ...args) => {
    const { chars } = bindArgs(args, ['chars']);
    const s = pyStr(v);
    if (chars === undefined || chars === null) return s.trim();
    const set = pyStr(chars);
    let start = 0;
    let end = s.length;
    while (start < end && set.includes(s[start])) start++;
    while (end > start && set.includes(s[end - 1])) end--;
    return s.slice(start, end);
  },
  map: (seq, ...args) => {
    const { positional, keywords } = splitArgs(args);
    const list = toList(seq);
    if (keywords.attribute !== undefined) {
      return list.map((item) => {
        const value = attributePath(item, keywords.attribute);
        return value === undefined && 'default' in keywords ? keywords.default : value;
      });
    }
    const [name, ...rest] = positional;
    const filter = FILTERS[pyStr(name)];
    if (!filter) throw new Error(`no filter named '${pyStr(name)}'`);
    return list.map((item) => filter(item, ...rest));
  },
  max: extreme(1),
  min: extreme(-1),
  pprint: (v) => pyRepr(v),
  random: (seq) => {
    const list = toList(seq);
    return list[Math.floor(Math.random() * list.length)];
  },
  reject: selectFilter(false),
  select: selectFilter(true),
  rejectattr: selectAttrFilter(false),
  selectattr: selectAttrFilter(true),
  replace: (v, ...args) => {
    const { old, new: repl, count } = bindArgs(args, ['old', 'new', 'count']);
    const s = pyStr(v);
    const parts = s.split(pyStr(old));
    if (count === undefined || count === null || Number(count) < 0 || parts.length - 1 <= Number(count))
      return parts.join(pyStr(repl));
    const n = Number(count);
    return parts.slice(0, n + 1).join(pyStr(repl)) + pyStr(old) + parts.slice(n + 1).join(pyStr(old));
  },
  reverse: (v) => {
    const value = unwrapSafe(v);
    if (typeof value === 'string') return [...value].reverse().join('');
    return [...toList(value)].reverse();
  },
  round: (v, ...args) => {
    const { precision, method } = bindArgs(args, ['precision', 'method'], { precision: 0, method: 'common' });
    return roundTo(Number(v), Number(precision), String(method));
  },
  safe: (v) => unwrapSafe(v),
  slice: (seq, ...args) => {
    const { slices, fill_with } = bindArgs(args, ['slices', 'fill_with']);
    const list = toList(seq);
    const n = Number(slices);
    const per = Math.floor(list.length / n);
    const extra = list.length % n;
    const out: unknown[][] = [];
    let offset = 0;
    for (let i = 0; i < n; i++) {
      const size = per + (i < extra ? 1 : 0);
      const part = list.slice(offset, offset + size);
      offset += size;
      if (fill_with !== undefined && fill_with !== null && i >= extra && extra > 0) part.push(fill_with);
      out.push(part);
    }
    return out;
  },
  sort: (seq, ...args) => {
    const { reverse, case_sensitive, attribute } = bindArgs(args, ['reverse', 'case_sensitive', 'attribute']);
    const key = keyFn(attribute, case_sensitive);
    const sorted = [...toList(seq)].sort((a, b) => compareValues(key(a), key(b)));
    return truthy(reverse) ? sorted.reverse() : sorted;
  },
  string: (v) => pyStr(v),
  striptags: (v) =>
    pyStr(v)
      .replace(/<!--[\s\S]*?-->|<[^>]*>/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
  sum: (seq, ...args) => {
    const { attribute, start } = bindArgs(args, ['attribute', 'start'], { start: 0 });
    return toList(seq).reduce<number>(
      (acc, item) =>
        acc + Number(attribute === undefined || attribute === null ? item : attributePath(item, attribute)),
      Number(start),
    );
  },
  tojson: (v, ...args) => {
    const { indent } = bindArgs(args, ['indent']);
    return toJson(v, { indent: indent as number | undefined, htmlSafe: true });
  },
  truncate: (v, ...args) => {
    const { length, killwords, end, leeway } = bindArgs(args, ['length', 'killwords', 'end', 'leeway'], {
      length: 255,
      end: '...',
      leeway: 5,
    });
    const s = pyStr(v);
    const max = Number(length);
    const suffix = pyStr(end);
    if (s.length <= max + Number(leeway)) return s;
    if (truthy(killwords)) return s.slice(0, max - suffix.length) + suffix;
    const cut = s.slice(0, max - suffix.length);
    const space = cut.lastIndexOf(' ');
    return (space > 0 ? cut.slice(0, space) : cut) + suffix;
  },
  unique: (seq, ...args) => {
    const { case_sensitive, attribute } = bindArgs(args, ['case_sensitive', 'attribute']);
    const key = keyFn(attribute, case_sensitive);
    const seen: unknown[] = [];
    const out: unknown[] = [];
    for (const item of toList(seq)) {
      const k = key(item);
      if (seen.some((s) => s === k || (typeof s === 'object' && pyRepr(s) === pyRepr(k)))) continue;
      seen.push(k);
      out.push(item);
    }
    return out;
  },
  urlencode: (v) => {
    if (isPlainObject(v))
      return Object.keys(v)
        .map((k) => `${encodeURIComponent(k)}=${encodeURIComponent(pyStr(v[k]))}`)
        .join('&');
    return encodeURIComponent(pyStr(v));
  },
  wordcount: (v) => (pyStr(v).match(/\w+/g) ?? []).length,
  // dbt's type-marking filters: dbt uses them for native rendering; here they convert directly.
  as_text: (v) => pyStr(v),
  as_bool: (v) => {
    const value = unwrapSafe(v);
    if (typeof value !== 'string') return truthy(value);
    const literal = tryLiteral(value);
    return typeof literal === 'boolean'
      ? literal
      : /^true$/i.test(value.trim())
        ? true
        : /^false$/i.test(value.trim())
          ? false
          : truthy(literal);
  },
  as_number: (v) => {
    const value = unwrapSafe(v);
    if (typeof value === 'number') return value;
    const n = Number(pyStr(value).trim());
    if (pyStr(value).trim() === '' || Number.isNaN(n))
      throw new Error(`as_number: ${pyRepr(value)} is not a number`);
    return n;
  },
  as_native: (v) => {
    const value = unwrapSafe(v);
    return typeof value === 'string' ? tryLiteral(value) : value;
  },
};
FILTERS.d = FILTERS.default;

function tryLiteral(text: string): unknown {
  try {
    return parsePythonLiteral(text.trim());
  } catch {
    return text;
  }
}
