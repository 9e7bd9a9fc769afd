/**
 * The JSONata expressions of the state machines, kept apart so tests can evaluate them with
 * the jsonata library (Step Functions runs JSONata 2.0) instead of trusting them blindly.
 */

const DAY_MS = 86_400_000;
const YYYYMMDD = "'[Y0001][M01][D01]'";

/** A backfill longer than this is refused (a year and a bit; the dataset has ~130 days). */
export const MAX_BACKFILL_DAYS = 400;

/**
 * Daily input: `{"partition": "YYYYMMDD"}` for a manual rerun, or the scheduler's
 * `{"scheduledTime": "<ISO time>"}`, which means the day before (yesterday's drop).
 */
export const DAILY_PARTITION =
  '{% $exists($states.input.partition) ? $string($states.input.partition) : ' +
  `($exists($states.input.scheduledTime) ? $fromMillis($toMillis($states.input.scheduledTime) - ${DAY_MS}, ${YYYYMMDD}) : '') %}`;

/** The resolved day must look like YYYYMMDD before it reaches a command line. */
export const DAY_PATTERN = '{% $contains($partition, /^[0-9]{8}$/) %}';

/** After ListExecutions(RUNNING): this execution is the only one running. */
export const ALONE = '{% $count($states.input.Executions) <= 1 %}';

/** `mdw build --vars`: the daily drop layout and the run's day. */
export const MDW_VARS = `{% '{sales_layout: daily, run_date: "' & $partition & '"}' %}`;

/**
 * Backfill input `{"from": "YYYYMMDD", "to": "YYYYMMDD"}` → every day in between, inclusive,
 * oldest first; an empty list when the range is malformed, reversed or too long.
 */
export const BACKFILL_DAYS =
  '{% ( $valid := function($d) { $type($d) = "string" and $contains($d, /^[0-9]{8}$/) };' +
  ' $ok := $valid($states.input.from) and $valid($states.input.to);' +
  ` $start := $ok ? $toMillis($states.input.from, ${YYYYMMDD}) : 0;` +
  ` $end := $ok ? $toMillis($states.input.to, ${YYYYMMDD}) : -1;` +
  ` $n := $round(($end - $start) / ${DAY_MS});` +
  ` ($ok and $n >= 0 and $n < ${MAX_BACKFILL_DAYS}) ? $append([], $map([0..$n], function($i) { $fromMillis($start + $i * ${DAY_MS}, ${YYYYMMDD}) })) : [] ) %}`;
