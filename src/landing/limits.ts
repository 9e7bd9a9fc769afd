/**
 * How much landing damage a build tolerates before it fails: a number of quarantined lines
 * and/or a percentage of a file's data lines. A source's `external.quarantine`
 * ({max_rows, max_percent}) overrides the project vars `mdw_quarantine_max_rows` and
 * `mdw_quarantine_max_percent`; unset means no limit.
 */
import { ConfigError } from '../util/errors.js';
import { formatCount } from '../util/format-count.js';

export interface QuarantineLimits {
  maxRows: number | null;
  maxPercent: number | null;
}

export function quarantineLimits(
  label: string,
  external: Record<string, unknown> | null,
  vars: Record<string, unknown>,
): QuarantineLimits {
  const own = (external?.quarantine ?? {}) as Record<string, unknown>;
  return {
    maxRows: limit(label, 'max_rows', own.max_rows ?? vars.mdw_quarantine_max_rows),
    maxPercent: limit(label, 'max_percent', own.max_percent ?? vars.mdw_quarantine_max_percent),
  };
}

function limit(label: string, name: string, value: unknown): number | null {
  if (value === undefined || value === null || value === '') return null;
  const number = Number(value);
  if (!Number.isFinite(number) || number < 0) {
    throw new ConfigError(
      `Source ${label}: quarantine ${name} must be a number of at least 0, got '${String(value)}'.`,
    );
  }
  return number;
}

/** The sentence of a file over its limit, or null when within it. */
export function limitExceeded(
  file: string,
  quarantined: number,
  dataLines: number,
  limits: QuarantineLimits,
): string | null {
  const percent = dataLines === 0 ? 0 : (100 * quarantined) / dataLines;
  const lines = `${formatCount(quarantined)} of ${formatCount(dataLines)} data lines (${round(percent)}%)`;
  if (limits.maxRows !== null && quarantined > limits.maxRows) {
    return `${file}: ${lines} could not be read and were quarantined, more than the limit of ${limits.maxRows} lines (quarantine max_rows)`;
  }
  if (limits.maxPercent !== null && percent > limits.maxPercent) {
    return `${file}: ${lines} could not be read and were quarantined, more than the limit of ${limits.maxPercent}% (quarantine max_percent)`;
  }
  return null;
}

function round(percent: number): string {
  return percent >= 10 ? percent.toFixed(0) : percent.toPrecision(2).replace(/\.?0+$/, '');
}
