/**
 * The raw rows a node read (adapter_response.rows_read, and rows_read_by_source), for engines
 * whose connection counts them (DuckDB's profiler, src/adapters/duckdb/raw-rows.ts).
 */
import type { Connection, RawRowsRead } from '../adapters/types.js';
import { compareText } from '../util/compare-text.js';
import { formatCount } from '../util/format-count.js';
import type { NodeResult } from './results.js';

/** Runs `work` counting the rows the connection's file readers return, then adds them to `result`. */
export async function countingRowsRead<T>(
  connection: Connection,
  result: NodeResult,
  work: () => Promise<T>,
): Promise<T> {
  if (!connection.startRawRowCount || !connection.stopRawRowCount) return work();
  await connection.startRawRowCount();
  try {
    return await work();
  } finally {
    addRowsRead(result, await connection.stopRawRowCount());
  }
}

function addRowsRead(result: NodeResult, read: RawRowsRead): void {
  const response = result.adapter_response;
  response.rows_read = (response.rows_read ?? 0) + read.total;
  const bySource = { ...(response.rows_read_by_source ?? {}) };
  for (const [source, rows] of Object.entries(read.bySource))
    bySource[source] = (bySource[source] ?? 0) + rows;
  response.rows_read_by_source = bySource;
}

/** The run summary's line, or null when no node read raw rows. */
export function rowsReadSummary(results: readonly NodeResult[]): string | null {
  const bySource = new Map<string, number>();
  let total = 0;
  for (const result of results) {
    total += result.adapter_response.rows_read ?? 0;
    for (const [source, rows] of Object.entries(result.adapter_response.rows_read_by_source ?? {}))
      bySource.set(source, (bySource.get(source) ?? 0) + rows);
  }
  if (total === 0) return null;
  const sources = [...bySource].sort(([a], [b]) => compareText(a, b));
  const detail =
    sources.length === 0 ? '' : ` (${sources.map(([s, n]) => `${s} ${formatCount(n)}`).join(', ')})`;
  return `Read ${formatCount(total)} raw rows from landing files${detail}.`;
}
