/**
 * `modules.re`: Python's re module on JavaScript regular expressions — search/match/fullmatch,
 * sub (with `\1`/`\g<name>` templates or a callable), findall, split, compile, escape, flags.
 * Python-only syntax is translated: `(?P<n>…)`, `(?P=n)`, `\A`, `\Z`, leading `(?i)`-style flags.
 */
import { bindArgs } from '../args.js';
import { PY_GETATTR, type PyObject, pyRepr, pyStr } from '../pyvalues.js';

const FLAGS = {
  IGNORECASE: 2,
  I: 2,
  MULTILINE: 8,
  M: 8,
  DOTALL: 16,
  S: 16,
  VERBOSE: 64,
  X: 64,
  ASCII: 256,
  A: 256,
  UNICODE: 32,
  U: 32,
};

/** re.VERBOSE: drop unescaped whitespace and #-comments outside character classes. */
function stripVerbose(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === '\\') {
      out += ch + (pattern[i + 1] ?? '');
      i++;
    } else if (inClass) {
      out += ch;
      if (ch === ']') inClass = false;
    } else if (ch === '[') {
      out += ch;
      inClass = true;
    } else if (ch === '#') {
      while (i < pattern.length && pattern[i] !== '\n') i++;
    } else if (!/\s/.test(ch)) {
      out += ch;
    }
  }
  return out;
}

function translate(pattern: string, flags: number): { source: string; jsFlags: string } {
  let source = pattern;
  let f = flags;
  // global flags may come as several groups: `(?i)(?s)…` is `(?is)…`
  for (let inline = /^\(\?([aiLmsux]+)\)/.exec(source); inline; inline = /^\(\?([aiLmsux]+)\)/.exec(source)) {
    source = source.slice(inline[0].length);
    for (const c of inline[1]) f |= c === 'i' ? 2 : c === 'm' ? 8 : c === 's' ? 16 : c === 'x' ? 64 : 0;
  }
  if (f & 64) source = stripVerbose(source);
  source = source
    .replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>')
    .replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>')
    .replace(/\\A/g, '^')
    .replace(/\\Z/g, '$(?![\\s\\S])');
  let jsFlags = 'd';
  if (f & 2) jsFlags += 'i';
  if (f & 8) jsFlags += 'm';
  if (f & 16) jsFlags += 's';
  return { source, jsFlags };
}

function build(pattern: unknown, flags: unknown, extra = ''): RegExp {
  const p = pattern instanceof PyPattern ? pattern.pattern : pyStr(pattern);
  const f = pattern instanceof PyPattern ? pattern.flags : Number(flags ?? 0);
  const { source, jsFlags } = translate(p, f);
  return new RegExp(source, jsFlags + extra);
}

export class PyMatch implements PyObject {
  constructor(
    private readonly m: RegExpExecArray,
    readonly string: string,
  ) {}

  private groupValue(g: unknown): string | null {
    const value = typeof g === 'string' ? this.m.groups?.[g] : this.m[Number(g ?? 0)];
    return value === undefined ? null : value;
  }
  private span(g: unknown = 0): [number, number] {
    const idx = this.m.indices;
    const span = typeof g === 'string' ? idx?.groups?.[g] : idx?.[Number(g)];
    return span ? [span[0], span[1]] : [-1, -1];
  }
  [PY_GETATTR](key: string | number): unknown {
    switch (key) {
      case 'group':
        return (...groups: unknown[]) =>
          groups.length <= 1 ? this.groupValue(groups[0] ?? 0) : groups.map((g) => this.groupValue(g));
      case 'groups':
        return (fallback: unknown = null) => this.m.slice(1).map((v) => (v === undefined ? fallback : v));
      case 'groupdict':
        return (fallback: unknown = null) => {
          const out: Record<string, unknown> = {};
          for (const [k, v] of Object.entries(this.m.groups ?? {})) out[k] = v === undefined ? fallback : v;
          return out;
        };
      case 'start':
        return (g?: unknown) => this.span(g)[0];
      case 'end':
        return (g?: unknown) => this.span(g)[1];
      case 'span':
        return (g?: unknown) => this.span(g);
      case 'string':
        return this.string;
      default:
        return typeof key === 'number' ? this.groupValue(key) : undefined;
    }
  }
  toString(): string {
    return `<re.Match object; span=(${this.span().join(', ')}), match=${pyRepr(this.m[0])}>`;
  }
}

function exec(
  pattern: unknown,
  text: unknown,
  flags: unknown,
  mode: 'search' | 'match' | 'fullmatch',
): PyMatch | null {
  const s = pyStr(text);
  let re = build(pattern, flags, mode === 'search' ? '' : 'y');
  if (mode === 'fullmatch') re = new RegExp(`(?:${re.source})(?![\\s\\S])`, re.flags);
  re.lastIndex = 0;
  const m = re.exec(s);
  return m ? new PyMatch(m, s) : null;
}

/** Expand a Python replacement template (`\1`, `\g<1>`, `\g<name>`, `\n`, `\\`). */
function expand(template: string, m: RegExpExecArray): string {
  return template.replace(
    /\\(?:g<(\w+)>|(\d{1,2})|(.))/g,
    (_all, named: string, num: string, other: string) => {
      if (named !== undefined) return (/^\d+$/.test(named) ? m[Number(named)] : m.groups?.[named]) ?? '';
      if (num !== undefined) return m[Number(num)] ?? '';
      return other === 'n'
        ? '\n'
        : other === 't'
          ? '\t'
          : other === 'r'
            ? '\r'
            : other === '\\'
              ? '\\'
              : `\\${other}`;
    },
  );
}

function sub(...args: unknown[]): string {
  const { pattern, repl, string, count, flags } = bindArgs(
    args,
    ['pattern', 'repl', 'string', 'count', 'flags'],
    {
      count: 0,
      flags: 0,
    },
  );
  const s = pyStr(string);
  const re = build(pattern, flags, 'g');
  const limit = Number(count);
  let done = 0;
  let out = '';
  let last = 0;
  for (const m of s.matchAll(re)) {
    if (limit > 0 && done >= limit) break;
    out += s.slice(last, m.index);
    out +=
      typeof repl === 'function'
        ? pyStr(repl(new PyMatch(m as RegExpExecArray, s)))
        : expand(pyStr(repl), m as RegExpExecArray);
    last = m.index + m[0].length;
    done++;
  }
  return out + s.slice(last);
}

function findall(...args: unknown[]): unknown[] {
  const { pattern, string, flags } = bindArgs(args, ['pattern', 'string', 'flags'], { flags: 0 });
  const out: unknown[] = [];
  for (const m of pyStr(string).matchAll(build(pattern, flags, 'g'))) {
    const groups = m.slice(1).map((v) => v ?? '');
    out.push(groups.length === 0 ? m[0] : groups.length === 1 ? groups[0] : groups);
  }
  return out;
}

function split(...args: unknown[]): string[] {
  const { pattern, string, maxsplit, flags } = bindArgs(args, ['pattern', 'string', 'maxsplit', 'flags'], {
    maxsplit: 0,
    flags: 0,
  });
  const s = pyStr(string);
  const out: string[] = [];
  let last = 0;
  let n = 0;
  for (const m of s.matchAll(build(pattern, flags, 'g'))) {
    if (Number(maxsplit) > 0 && n >= Number(maxsplit)) break;
    out.push(s.slice(last, m.index), ...m.slice(1).map((v) => v as string));
    last = m.index + m[0].length;
    n++;
  }
  out.push(s.slice(last));
  return out;
}

export class PyPattern implements PyObject {
  constructor(
    readonly pattern: string,
    readonly flags: number,
  ) {
    build(this, 0); // validate now, as re.compile does
  }
  [PY_GETATTR](key: string | number): unknown {
    switch (key) {
      case 'search':
      case 'match':
      case 'fullmatch':
        return (text: unknown) => exec(this, text, 0, key);
      case 'sub':
        return (repl: unknown, text: unknown, count: unknown = 0) => sub(this, repl, text, count);
      case 'findall':
        return (text: unknown) => findall(this, text);
      case 'split':
        return (text: unknown, maxsplit: unknown = 0) => split(this, text, maxsplit);
      case 'pattern':
        return this.pattern;
      case 'flags':
        return this.flags;
      default:
        return undefined;
    }
  }
  toString(): string {
    return `re.compile(${pyRepr(this.pattern)})`;
  }
}

export function reModule(): Record<string, unknown> {
  const matcher =
    (mode: 'search' | 'match' | 'fullmatch') =>
    (...args: unknown[]) => {
      const { pattern, string, flags } = bindArgs(args, ['pattern', 'string', 'flags'], { flags: 0 });
      return exec(pattern, string, flags, mode);
    };
  return {
    ...FLAGS,
    search: matcher('search'),
    match: matcher('match'),
    fullmatch: matcher('fullmatch'),
    sub,
    findall,
    split,
    compile: (...args: unknown[]) => {
      const { pattern, flags } = bindArgs(args, ['pattern', 'flags'], { flags: 0 });
      return new PyPattern(pyStr(pattern), Number(flags));
    },
    escape: (text: unknown) => pyStr(text).replace(/[.*+?^${}()|[\]\\\-#&~\s]/g, '\\$&'),
  };
}
