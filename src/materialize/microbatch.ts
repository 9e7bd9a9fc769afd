/**
 * dbt's `microbatch` incremental strategy, engine-neutral part: the model's config (event_time,
 * batch_size, begin, lookback, concurrent_batches) and the planning of its time windows, each
 * built and replaced on its own. Windows are half-open [start, end) in UTC, as dbt's batches.
 * Named "microbatch windows" to keep them apart from the partition batches of the Trino writer.
 */
import type { NodeConfig } from '../manifest/types.js';
import { ConfigError } from '../util/errors.js';

export const BATCH_SIZES = ['hour', 'day', 'month', 'year'] as const;
export type BatchSize = (typeof BATCH_SIZES)[number];

export interface MicrobatchConfig {
  /** the model's own event-time column: each window replaces the rows whose value falls in it */
  eventTime: string;
  batchSize: BatchSize;
  /** where a first run or a full refresh starts */
  begin: Date;
  /** how many batches before the current one an incremental run without flags re-processes */
  lookback: number;
  /** accepted as dbt; mdw runs a model's windows one after another (see docs/microbatch.md) */
  concurrentBatches: boolean | null;
}

/** One batch: rows with start <= event_time < end. */
export interface MicrobatchWindow {
  start: Date;
  end: Date;
}

/** --event-time-start / --event-time-end, validated. */
export interface EventTimeRange {
  start: Date;
  end: Date;
}

export function isMicrobatch(config: NodeConfig): boolean {
  return (
    String(config.materialized ?? '').toLowerCase() === 'incremental' &&
    String(config.incremental_strategy ?? '').toLowerCase() === 'microbatch'
  );
}

/** The model's microbatch config; one sentence naming the model and the key when it is wrong. */
export function microbatchConfig(config: NodeConfig, model: string): MicrobatchConfig {
  const eventTime = config.event_time;
  if (typeof eventTime !== 'string' || eventTime.trim() === '') {
    throw new ConfigError(
      `Model ${model} uses incremental_strategy 'microbatch' but has no event_time config (the column whose time places a row in a batch).`,
    );
  }
  const batchSize = String(config.batch_size ?? '').toLowerCase();
  if (!(BATCH_SIZES as readonly string[]).includes(batchSize)) {
    throw new ConfigError(
      `Model ${model} uses incremental_strategy 'microbatch' and needs batch_size set to one of ${BATCH_SIZES.join(', ')}` +
        `${config.batch_size === undefined || config.batch_size === null ? '' : `, not '${String(config.batch_size)}'`}.`,
    );
  }
  const beginText = config.begin;
  if (beginText === undefined || beginText === null || beginText === '') {
    throw new ConfigError(
      `Model ${model} uses incremental_strategy 'microbatch' and needs a begin config (the first event time a full build covers, e.g. '2018-01-01').`,
    );
  }
  const begin = parseEventTime(beginText, `Model ${model}'s begin config`);
  const lookback = config.lookback ?? 1;
  if (typeof lookback !== 'number' || !Number.isInteger(lookback) || lookback < 0) {
    throw new ConfigError(
      `Model ${model}'s lookback config must be a whole number of batches (0 or more), got '${String(lookback)}'.`,
    );
  }
  const concurrent = config.concurrent_batches;
  return {
    eventTime: eventTime.trim(),
    batchSize: batchSize as BatchSize,
    begin,
    lookback,
    concurrentBatches: typeof concurrent === 'boolean' ? concurrent : null,
  };
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]00:?00)?$/;

/** 'YYYY-MM-DD' or 'YYYY-MM-DD[T ]HH:MM[:SS]' in UTC (dbt's accepted forms) → a Date. */
export function parseEventTime(value: unknown, what: string): Date {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value;
  const text = String(value).trim();
  const date = DATE_ONLY.exec(text);
  const dateTime = date ? null : DATE_TIME.exec(text);
  const parts = date ?? dateTime;
  if (parts) {
    const [year, month, day] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
    const [hour, minute, second] = dateTime
      ? [Number(dateTime[4]), Number(dateTime[5]), Number(dateTime[6] ?? 0)]
      : [0, 0, 0];
    const parsed = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
    // Date.UTC rolls 2018-02-30 over to March: reject what does not round-trip
    if (parsed.getUTCMonth() === month - 1 && parsed.getUTCDate() === day && hour < 24 && minute < 60) {
      return parsed;
    }
  }
  throw new ConfigError(`${what} '${text}' is not a date (YYYY-MM-DD) or a time (YYYY-MM-DD HH:MM:SS, UTC).`);
}

/** dbt's rules for the two flags: both or neither, start before end. */
export function eventTimeRange(start: unknown, end: unknown): EventTimeRange | null {
  const given = (value: unknown) => value !== undefined && value !== null && value !== false && value !== '';
  if (!given(start) && !given(end)) return null;
  if (!given(start) || !given(end)) {
    throw new ConfigError(
      'When specifying --event-time-start, --event-time-end must also be present (and vice versa).',
    );
  }
  const range = {
    start: parseEventTime(start, '--event-time-start'),
    end: parseEventTime(end, '--event-time-end'),
  };
  if (range.start.getTime() >= range.end.getTime()) {
    throw new ConfigError(
      `--event-time-start (${formatEventTime(range.start)}) must be before --event-time-end (${formatEventTime(range.end)}).`,
    );
  }
  return range;
}

/** The start of the batch holding `time`. */
export function truncateToBatch(time: Date, size: BatchSize): Date {
  const y = time.getUTCFullYear();
  const m = time.getUTCMonth();
  switch (size) {
    case 'hour':
      return new Date(Date.UTC(y, m, time.getUTCDate(), time.getUTCHours()));
    case 'day':
      return new Date(Date.UTC(y, m, time.getUTCDate()));
    case 'month':
      return new Date(Date.UTC(y, m, 1));
    case 'year':
      return new Date(Date.UTC(y, 0, 1));
  }
}

/** `time` moved by `count` batches (negative: back). */
export function offsetBatches(time: Date, size: BatchSize, count: number): Date {
  const next = new Date(time.getTime());
  switch (size) {
    case 'hour':
      next.setUTCHours(next.getUTCHours() + count);
      break;
    case 'day':
      next.setUTCDate(next.getUTCDate() + count);
      break;
    case 'month':
      next.setUTCMonth(next.getUTCMonth() + count);
      break;
    case 'year':
      next.setUTCFullYear(next.getUTCFullYear() + count);
      break;
  }
  return next;
}

export interface WindowInputs {
  config: Pick<MicrobatchConfig, 'batchSize' | 'begin' | 'lookback'>;
  /** the flags, when given: they win over begin and lookback */
  range: EventTimeRange | null;
  /** the table exists and no full refresh was asked */
  incremental: boolean;
  now: Date;
}

/**
 * The windows a run builds, as dbt plans them: from --event-time-start (truncated to its batch)
 * to --event-time-end; without flags, from `begin` on a first run or full refresh, else from
 * `lookback` batches before the current one, up to the end of the current batch. Every window
 * is one whole batch except the last, which stops at an explicit --event-time-end.
 */
export function planWindows(inputs: WindowInputs): MicrobatchWindow[] {
  const { batchSize, begin, lookback } = inputs.config;
  const end = inputs.range
    ? inputs.range.end
    : offsetBatches(truncateToBatch(inputs.now, batchSize), batchSize, 1);
  const start = inputs.range
    ? truncateToBatch(inputs.range.start, batchSize)
    : inputs.incremental
      ? offsetBatches(truncateToBatch(inputs.now, batchSize), batchSize, -lookback)
      : truncateToBatch(begin, batchSize);
  const windows: MicrobatchWindow[] = [];
  for (let at = start; at.getTime() < end.getTime(); ) {
    const next = offsetBatches(at, batchSize, 1);
    windows.push({ start: at, end: next.getTime() < end.getTime() ? next : end });
    at = next;
  }
  return windows;
}

/** ISO 8601 in UTC without milliseconds (run_results.json's batch_results). */
export function formatEventTime(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A window as it appears in run_results.json's batch_results: [start, end]. */
export function windowPair(window: MicrobatchWindow): [string, string] {
  return [formatEventTime(window.start), formatEventTime(window.end)];
}

/** A window read back from batch_results; null when the pair is not two times. */
export function windowFromPair(pair: unknown): MicrobatchWindow | null {
  if (!Array.isArray(pair) || pair.length !== 2) return null;
  const [start, end] = pair.map((value) => new Date(String(value)));
  if (!start || !end || Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) return null;
  return { start, end };
}

/** The SQL literal of a window bound: `timestamp 'YYYY-MM-DD HH:MM:SS'` (DuckDB, Trino, Athena). */
export function timestampLiteral(time: Date): string {
  return `timestamp '${formatEventTime(time).replace('T', ' ').replace('Z', '')}'`;
}

/** `column >= start and column < end`, with the column as the caller quotes it. */
export function windowCondition(column: string, window: MicrobatchWindow): string {
  return `${column} >= ${timestampLiteral(window.start)} and ${column} < ${timestampLiteral(window.end)}`;
}

/** dbt's batch id: the window start as YYYYMMDD (day and coarser) or YYYYMMDDHH (hour). */
export function batchId(window: MicrobatchWindow, size: BatchSize): string {
  const iso = formatEventTime(window.start);
  const digits = iso.slice(0, 10).replaceAll('-', '');
  return size === 'hour' ? `${digits}${iso.slice(11, 13)}` : digits;
}
