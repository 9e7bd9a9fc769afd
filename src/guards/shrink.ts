/**
 * The guard against silent emptying: replacing a table that has rows with an empty one, or
 * with one smaller than a ratio of it, fails unless allowed. A landing file truncated to its
 * header, or a filter gone wrong, then stops the build instead of publishing an empty fact.
 *
 * Settings, the model's `meta` first, then the project vars:
 *   mdw_allow_shrink    true allows any replacement (e.g. --vars '{mdw_allow_shrink: true}')
 *   mdw_min_rows_ratio  new rows / current rows below this fails (default 0: only empty fails)
 */
import { ConfigError } from '../util/errors.js';
import { formatCount } from '../util/format-count.js';

export interface ShrinkGuard {
  allow: boolean;
  minRatio: number;
}

export const NO_SHRINK_GUARD: ShrinkGuard = { allow: true, minRatio: 0 };

export function shrinkGuardFor(
  node: { name: string; config: { meta?: unknown } },
  vars: Record<string, unknown>,
): ShrinkGuard {
  const meta = (node.config.meta ?? {}) as Record<string, unknown>;
  const allow = meta.mdw_allow_shrink ?? vars.mdw_allow_shrink;
  const ratio = meta.mdw_min_rows_ratio ?? vars.mdw_min_rows_ratio ?? 0;
  const minRatio = Number(ratio);
  if (!Number.isFinite(minRatio) || minRatio < 0 || minRatio > 1) {
    throw new ConfigError(
      `Model ${node.name}: mdw_min_rows_ratio must be a number from 0 to 1, got '${String(ratio)}'.`,
    );
  }
  return { allow: allow === true || allow === 'true', minRatio };
}

/** The sentence refusing the replacement, or null when it is allowed. */
export function shrinkRefusal(
  model: string,
  currentRows: number,
  newRows: number,
  guard: ShrinkGuard,
): string | null {
  if (guard.allow || currentRows === 0) return null;
  const empty = newRows === 0;
  if (!empty && newRows >= currentRows * guard.minRatio) return null;
  const what = empty
    ? 'would replace it with an empty table'
    : `would replace it with ${formatCount(newRows)} rows, fewer than ${guard.minRatio * 100}% of them (mdw_min_rows_ratio)`;
  return (
    `Model ${model}: the table has ${formatCount(currentRows)} rows and this build ${what}; the table is unchanged. ` +
    `Check the landing files, or allow it with --vars '{mdw_allow_shrink: true}'.`
  );
}
