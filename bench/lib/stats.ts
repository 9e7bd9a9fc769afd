/** Median, min and max of repeated measurements. */

export interface Stats {
  median: number;
  min: number;
  max: number;
  /** every run's value, in run order */
  values: number[];
}

export function summarize(values: number[]): Stats {
  if (values.length === 0) throw new Error('summarize: no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)!, values: values.map(round) };
}

/** Keep results files small and diff-friendly: 4 significant decimals is plenty for seconds. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  const magnitude = Math.abs(value);
  const decimals = magnitude >= 1000 ? 1 : magnitude >= 1 ? 3 : 4;
  return Number(value.toFixed(decimals));
}

export function roundStats(stats: Stats): Stats {
  return {
    median: round(stats.median),
    min: round(stats.min),
    max: round(stats.max),
    values: stats.values.map(round),
  };
}

/** Per-key medians over runs (e.g. node execution times from several run_results.json). */
export function medianByKey(runs: Record<string, number>[]): Record<string, number> {
  const keys = new Set(runs.flatMap((run) => Object.keys(run)));
  const out: Record<string, number> = {};
  for (const key of keys) {
    const values = runs.map((run) => run[key]).filter((v): v is number => typeof v === 'number');
    if (values.length > 0) out[key] = round(summarize(values).median);
  }
  return out;
}
