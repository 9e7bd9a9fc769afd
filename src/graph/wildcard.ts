/**
 * Unix shell-style wildcards as dbt's selector methods accept them: `*` (any run of
 * characters), `?` (one character), `[abc]` / `[a-z]` (one of a set) and `[!abc]` (none of a set).
 *
 * Names (tags, packages, fqn parts) follow Python's fnmatch, where `*` also matches `/`.
 * Paths follow glob, where `*` and `?` stay inside one folder and `**` spans folders.
 */

const SPECIAL = /[*?[]/;
const cache = new Map<string, RegExp>();

export function hasWildcard(pattern: string): boolean {
  return SPECIAL.test(pattern);
}

/** A whole-string matcher for a name pattern (case-sensitive, like fnmatch on POSIX). */
export function nameMatcher(pattern: string): (value: string) => boolean {
  if (!hasWildcard(pattern)) return (value) => value === pattern;
  const re = compile(pattern, false);
  return (value) => re.test(value);
}

/** A RegExp for a path glob such as `models/staging/*.sql` or `models/**` (case-sensitive). */
export function pathPattern(pattern: string): RegExp {
  return compile(pattern, true);
}

function compile(pattern: string, path: boolean): RegExp {
  const key = (path ? 'p:' : 'n:') + pattern;
  let re = cache.get(key);
  if (!re) {
    re = new RegExp(`^${translate(pattern, path)}$`, 's');
    cache.set(key, re);
  }
  return re;
}

function translate(pattern: string, path: boolean): string {
  const anyRun = path ? '[^/]*' : '.*';
  const anyOne = path ? '[^/]' : '.';
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '*') {
      let stars = 1;
      while (pattern[i + stars] === '*') stars++;
      i += stars;
      if (path && stars > 1) {
        // `**/` may also match no folder at all: `models/**/x.sql` covers `models/x.sql`.
        if (pattern[i] === '/') {
          out += '(?:.*/)?';
          i++;
        } else out += '.*';
      } else out += anyRun;
      continue;
    }
    if (c === '?') {
      out += anyOne;
      i++;
      continue;
    }
    if (c === '[') {
      const set = bracket(pattern, i);
      if (set) {
        out += set.regex;
        i = set.end;
        continue;
      }
    }
    out += escapeChar(c);
    i++;
  }
  return out;
}

/** Parses `[...]` starting at `start`; null when unterminated (then `[` is a literal, as in fnmatch). */
function bracket(pattern: string, start: number): { regex: string; end: number } | null {
  let i = start + 1;
  const negate = pattern[i] === '!';
  if (negate) i++;
  // A `]` right after the opening bracket is a member, not the end.
  const first = i;
  if (pattern[i] === ']') i++;
  while (i < pattern.length && pattern[i] !== ']') i++;
  if (i >= pattern.length) return null;
  const body = [...pattern.slice(first, i)]
    .map((ch) => (ch === '-' ? '-' : ch === '\\' || ch === ']' || ch === '[' || ch === '^' ? `\\${ch}` : ch))
    .join('');
  return { regex: `[${negate ? '^' : ''}${body}]`, end: i + 1 };
}

function escapeChar(c: string): string {
  return /[\\^$.|+(){}[\]]/.test(c) ? `\\${c}` : c;
}
