/**
 * dbt's package versions: `major.minor.patch[-prerelease]` and ranges written as one
 * string or a list of strings (`">=1.0.0"`, `"<2.0.0"`, `"1.1.0"`), all of which must hold.
 */

export interface Version {
  major: number;
  minor: number;
  patch: number;
  prerelease: string;
}

interface Bound {
  op: '>=' | '<=' | '>' | '<' | '=';
  version: Version;
}

const VERSION = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

export function parseVersion(text: string): Version | null {
  const m = VERSION.exec(text.trim());
  if (!m) return null;
  return { major: Number(m[1]), minor: Number(m[2] ?? 0), patch: Number(m[3] ?? 0), prerelease: m[4] ?? '' };
}

export function formatVersion(v: Version): string {
  return `${v.major}.${v.minor}.${v.patch}${v.prerelease ? `-${v.prerelease}` : ''}`;
}

/** Semantic-version order; a prerelease sorts before its release. */
export function compareVersions(a: Version, b: Version): number {
  for (const key of ['major', 'minor', 'patch'] as const) if (a[key] !== b[key]) return a[key] - b[key];
  if (a.prerelease === b.prerelease) return 0;
  if (!a.prerelease) return 1;
  if (!b.prerelease) return -1;
  return a.prerelease < b.prerelease ? -1 : 1;
}

function parseBound(text: string): Bound | null {
  const m = /^\s*(>=|<=|>|<|=|==)?\s*(.+?)\s*$/.exec(text);
  if (!m) return null;
  const version = parseVersion(m[2]!);
  if (!version) return null;
  const op = (m[1] === '==' || !m[1] ? '=' : m[1]) as Bound['op'];
  return { op, version };
}

/** The range's bounds, or the first entry that is not a version range. */
export function parseRange(spec: string | string[]): { bounds: Bound[] } | { invalid: string } {
  const bounds: Bound[] = [];
  for (const text of Array.isArray(spec) ? spec : [spec]) {
    const bound = parseBound(String(text));
    if (!bound) return { invalid: String(text) };
    bounds.push(bound);
  }
  return { bounds };
}

function holds(bound: Bound, v: Version): boolean {
  const c = compareVersions(v, bound.version);
  switch (bound.op) {
    case '>=':
      return c >= 0;
    case '<=':
      return c <= 0;
    case '>':
      return c > 0;
    case '<':
      return c < 0;
    default:
      return c === 0;
  }
}

/**
 * The newest of `available` within every bound; prereleases only when asked for or when a
 * bound names that exact prerelease (as dbt does).
 */
export function maxSatisfying(available: string[], bounds: Bound[], prerelease = false): string | null {
  let best: { text: string; v: Version } | null = null;
  for (const text of available) {
    const v = parseVersion(text);
    if (!v) continue;
    const pinned = bounds.some((b) => b.op === '=' && compareVersions(b.version, v) === 0);
    if (v.prerelease && !prerelease && !pinned) continue;
    if (!bounds.every((b) => holds(b, v))) continue;
    if (!best || compareVersions(v, best.v) > 0) best = { text, v };
  }
  return best?.text ?? null;
}
