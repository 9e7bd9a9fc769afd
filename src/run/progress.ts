/** dbt-style progress lines: "12:00:01  3 of 12 OK created sql table model s.x ..... [OK 5 rows in 0.12s]". */
export type Print = (line: string) => void;

const WIDTH = 80;

export function timestamp(date = new Date()): string {
  return date.toTimeString().slice(0, 8);
}

export function progressLine(index: number, total: number, description: string, status: string): string {
  const head = `${timestamp()}  ${index} of ${total} ${description} `;
  const dots = '.'.repeat(Math.max(3, WIDTH - head.length));
  return `${head}${dots} [${status}]`;
}

/** A microbatch window's line under its model's: "12:00:01  Batch 2 of 7 START batch 20180302 of s.x ... [RUN]". */
export function batchLine(index: number, total: number, description: string, status: string): string {
  const head = `${timestamp()}  Batch ${index} of ${total} ${description} `;
  const dots = '.'.repeat(Math.max(3, WIDTH - head.length));
  return `${head}${dots} [${status}]`;
}

export function formatSeconds(seconds: number): string {
  return `${seconds.toFixed(2)}s`;
}

export function formatElapsed(seconds: number): string {
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  const rest = seconds - hours * 3600 - minutes * 60;
  return `${hours} hours ${minutes} minutes and ${rest.toFixed(2)} seconds (${seconds.toFixed(2)}s)`;
}

export { formatCount } from '../util/format-count.js';
