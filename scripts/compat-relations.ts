/**
 * The compat runner's relation comparison. A relation whose checksum differs between dbt and
 * mdw is rebuilt once more by dbt: when dbt's own second build differs from its first (random(),
 * current_timestamp, or a view of them read at another moment), the relation is
 * nondeterministic and the two sides can only be compared on row count and column list. Such
 * relations are counted and named in the project's line, never hidden.
 */

/** What the runner records of one relation. */
export interface RelationSummary {
  rows: number;
  checksum: string;
  /** column names in order, lower case */
  columns: string[];
}

export type RelationDigest = RelationSummary | { error: string };

export interface RelationComparison {
  /** same checksum (or, when nondeterministic, same rows and columns) */
  same: string[];
  /** dbt's second build differed from its first: compared on rows and columns only */
  nondeterministic: string[];
  /** one line per differing relation */
  differences: string[];
}

function show(digest: RelationDigest | undefined): string {
  if (!digest) return 'missing';
  if ('error' in digest) return `error: ${digest.error}`;
  return `${digest.rows}:${digest.checksum}`;
}

function sameDigest(a: RelationDigest | undefined, b: RelationDigest | undefined): boolean {
  return a !== undefined && b !== undefined && show(a) === show(b);
}

function sameShape(a: RelationSummary, b: RelationDigest | undefined): boolean {
  return (
    b !== undefined && !('error' in b) && a.rows === b.rows && a.columns.join(',') === b.columns.join(',')
  );
}

/** The relations whose checksums differ: the ones dbt is asked to rebuild. */
export function differingRelations(
  dbt: Map<string, RelationDigest>,
  mdw: Map<string, RelationDigest>,
): string[] {
  return [...dbt.keys()].filter((id) => !sameDigest(dbt.get(id), mdw.get(id)));
}

/**
 * Compare dbt's first build with mdw's; `dbtAgain` holds dbt's second build of (some of) the
 * differing relations.
 */
export function compareRelations(
  dbt: Map<string, RelationDigest>,
  mdw: Map<string, RelationDigest>,
  dbtAgain: Map<string, RelationDigest>,
): RelationComparison {
  const result: RelationComparison = { same: [], nondeterministic: [], differences: [] };
  for (const [id, first] of dbt) {
    const theirs = mdw.get(id);
    if (sameDigest(first, theirs)) {
      result.same.push(id);
      continue;
    }
    const again = dbtAgain.get(id);
    const unstable = again !== undefined && !('error' in first) && !sameDigest(first, again);
    if (!unstable) {
      result.differences.push(`${id}: rows ${show(first)} (dbt) vs ${show(theirs)} (mdw)`);
      continue;
    }
    result.nondeterministic.push(id);
    if (sameShape(first as RelationSummary, theirs)) result.same.push(id);
    else
      result.differences.push(
        `${id}: nondeterministic in dbt, and rows or columns differ: ${describeShape(first)} (dbt) vs ${describeShape(theirs)} (mdw)`,
      );
  }
  return result;
}

function describeShape(digest: RelationDigest | undefined): string {
  if (!digest) return 'missing';
  if ('error' in digest) return `error: ${digest.error}`;
  return `${digest.rows} rows [${digest.columns.join(', ')}]`;
}

/**
 * The tests (of `ids`) that read a nondeterministic relation: their status can change from one
 * dbt run to the next, so a different status on them is reported apart, not as a difference.
 */
export function testsOnUnstableData(
  ids: string[],
  dependsOn: ReadonlyMap<string, readonly string[]>,
  unstable: ReadonlySet<string>,
): string[] {
  return ids.filter(
    (id) => id.startsWith('test.') && (dependsOn.get(id) ?? []).some((parent) => unstable.has(parent)),
  );
}
