/**
 * How long each node took at the last invocation (target/run_results.json, read before this
 * invocation overwrites it): the scheduler's expected durations, so the longest chain of work
 * starts first. A missing or unreadable file gives no durations (topological order).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function lastRunDurations(targetDir: string): Map<string, number> {
  const durations = new Map<string, number>();
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(join(targetDir, 'run_results.json'), 'utf8'));
  } catch {
    return durations;
  }
  const results = (document as { results?: unknown })?.results;
  if (!Array.isArray(results)) return durations;
  for (const result of results as { unique_id?: unknown; execution_time?: unknown }[]) {
    if (typeof result?.unique_id === 'string' && typeof result.execution_time === 'number')
      durations.set(result.unique_id, result.execution_time);
  }
  return durations;
}
