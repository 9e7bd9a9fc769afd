/**
 * Writing a partitioned table in batches, planned engine-neutrally. Some engines' writers keep
 * only so many partitions open (Trino's `max-partitions-per-writer`, Athena's 100 partitions per
 * query), so a write of more partitions fails. Such an engine ranks the rows by their partition
 * key and writes them in statements of at most `maxPartitions` partitions each; this decides
 * whether that is possible (which keys rank the rows) and which rank ranges the statements take.
 * Each engine renders the keys and ranges in its SQL.
 */
import type { PartitionEntry } from './incremental.js';

/** Transforms whose partition an engine computes from the row in SQL the same way it partitions. */
export type BatchTransform = 'identity' | 'year' | 'month' | 'day' | 'hour';

export interface BatchKey {
  /** the source column's name, unquoted */
  column: string;
  transform: BatchTransform;
}

export interface BatchPlan {
  /** one key per partition field, in spec order; their distinct values are the partitions */
  keys: BatchKey[];
  /** at most this many partitions per statement */
  maxPartitions: number;
}

/** The partitions one statement writes: ranks `first` to `last` (1-based, inclusive). */
export interface RankRange {
  first: number;
  last: number;
}

/**
 * The partition fields as written in the config: `partition_by` entries (a BigQuery-style
 * granularity becomes its transform) and then dbt-athena's `partitioned_by`.
 */
export function partitionFields(
  spec: readonly PartitionEntry[],
  config: Readonly<Record<string, unknown>>,
): string[] {
  const athena = config.partitioned_by;
  const listed = Array.isArray(athena) ? athena.map(String) : typeof athena === 'string' ? [athena] : [];
  const entries = spec.map((entry) =>
    entry.granularity ? `${entry.granularity.toLowerCase()}(${entry.field})` : entry.field,
  );
  return [...entries, ...listed].map((entry) => entry.trim());
}

const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const QUOTED_NAME = /^"((?:[^"]|"")+)"$/;
const TIME_TRANSFORM = /^(year|month|day|hour)\s*\(\s*(.+?)\s*\)$/i;

function columnName(text: string): string | null {
  if (PLAIN_NAME.test(text)) return text;
  const quoted = QUOTED_NAME.exec(text);
  return quoted ? quoted[1]!.replaceAll('""', '"') : null;
}

function batchKey(field: string): BatchKey | null {
  const time = TIME_TRANSFORM.exec(field);
  if (time) {
    const column = columnName(time[2]!);
    return column ? { column, transform: time[1]!.toLowerCase() as BatchTransform } : null;
  }
  const column = columnName(field);
  return column ? { column, transform: 'identity' } : null;
}

/**
 * The batch plan for a table partitioned by `fields` on an engine that opens at most
 * `maxPartitions` partitions per statement (null: no limit). Null when nothing needs batching:
 * no limit, no partitions, or a field SQL cannot key the same way the table partitions (bucket,
 * truncate, an expression); such writes stay one statement.
 */
export function planBatches(fields: readonly string[], maxPartitions: number | null): BatchPlan | null {
  if (maxPartitions === null || fields.length === 0) return null;
  if (!Number.isInteger(maxPartitions) || maxPartitions < 1)
    throw new RangeError(`maxPartitions must be a positive integer, not ${maxPartitions}`);
  const keys: BatchKey[] = [];
  for (const field of fields) {
    const key = batchKey(field.trim());
    if (!key) return null;
    keys.push(key);
  }
  return { keys, maxPartitions };
}

/**
 * The rank ranges of the statements for `partitions` ranked partitions: consecutive, at most
 * `maxPartitions` wide, covering 1..partitions. Always at least one range, so an empty write
 * still runs its one statement (a CTAS creates the table).
 */
export function batchRanges(plan: BatchPlan, partitions: number): RankRange[] {
  const ranges: RankRange[] = [];
  const total = Math.max(1, partitions);
  for (let first = 1; first <= total; first += plan.maxPartitions)
    ranges.push({ first, last: first + plan.maxPartitions - 1 });
  return ranges;
}
