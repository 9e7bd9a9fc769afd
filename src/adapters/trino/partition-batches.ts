/**
 * Trino's writers keep at most 100 partitions open (`max-partitions-per-writer`, the same limit
 * Athena has), so a full build of a table with more partitions fails at the default settings.
 * These helpers find the partition key of each row in SQL, so the build can write the rows in
 * batches of at most 100 partitions per statement.
 */
import { quoteIdentifier } from '../sql-helpers.js';

/** Trino's default `max-partitions-per-writer`. */
export const MAX_PARTITIONS_PER_WRITE = 100;

const NAME = /^(?:[A-Za-z_][A-Za-z0-9_]*|"(?:[^"]|"")+")$/;
const TIME_TRANSFORM = /^(year|month|day|hour)\s*\(\s*(.+?)\s*\)$/i;

function column(name: string): string | null {
  if (!NAME.test(name)) return null;
  return name.startsWith('"') ? name : quoteIdentifier(name);
}

/**
 * SQL expressions giving each row's value of every partition field (Iceberg identity and time
 * transforms), or null when a field has a transform SQL cannot compute the same way (bucket,
 * truncate): such tables are written in one statement, as before.
 */
export function partitionKeyExpressions(partitioning: readonly string[]): string[] | null {
  const expressions: string[] = [];
  for (const field of partitioning) {
    const time = TIME_TRANSFORM.exec(field.trim());
    if (time) {
      const source = column(time[2]!);
      if (!source) return null;
      const unit = time[1]!.toLowerCase();
      // date_trunc keeps the transform's grouping for dates and timestamps alike
      expressions.push(`date_trunc('${unit}', ${source})`);
      continue;
    }
    const identity = column(field.trim());
    if (!identity) return null;
    expressions.push(identity);
  }
  return expressions.length > 0 ? expressions : null;
}
