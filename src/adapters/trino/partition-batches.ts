/**
 * Trino's SQL for the shared batch plan (src/materialize/batches.ts): Trino's writers keep at
 * most 100 partitions open (`max-partitions-per-writer`, the same limit Athena has), so a write
 * of more partitions ranks its rows by partition key and writes one rank range per statement.
 * Athena (engine v3 is Trino) renders its batches with these too.
 */
import type { BatchKey, BatchPlan, RankRange } from '../../materialize/batches.js';
import { quoteIdentifier } from '../sql-helpers.js';

/** Trino's default `max-partitions-per-writer`. */
export const MAX_PARTITIONS_PER_WRITE = 100;

/** The staged rows' partition number (1, 2, …) in the order of their partition key. */
export const PARTITION_RANK = '__mdw_partition_rank';

function keySql(key: BatchKey): string {
  const column = quoteIdentifier(key.column);
  // date_trunc keeps the transform's grouping for dates and timestamps alike
  return key.transform === 'identity' ? column : `date_trunc('${key.transform}', ${column})`;
}

/** SQL expressions giving each row's value of every partition field, in spec order. */
export function partitionKeySql(plan: BatchPlan): string[] {
  return plan.keys.map(keySql);
}

/** The rows of a subquery with their partition's rank as `__mdw_partition_rank`. */
export function rankedRowsSql(plan: BatchPlan, subquery: string): string {
  return (
    `select rows_to_write.*, dense_rank() over (order by ${partitionKeySql(plan).join(', ')}) ` +
    `as ${PARTITION_RANK} from ${subquery} as rows_to_write`
  );
}

/** The condition that keeps the staged rows of one batch. */
export function inBatchSql(range: RankRange): string {
  return `${PARTITION_RANK} between ${range.first} and ${range.last}`;
}
