/** The engine-neutral part of snapshots (dbt's type-2 SCD): strategy, keys and hard deletes from config. */
import type { NodeConfig } from '../manifest/types.js';
import { ExecutionError } from '../util/errors.js';
import { toNameList } from './config-values.js';

export type HardDeletes = 'ignore' | 'invalidate' | 'new_record';

export interface SnapshotPlan {
  strategy: 'timestamp' | 'check';
  /** unique_key entries (column names or expressions) */
  keys: string[];
  /** the column (or expression) giving a version's timestamp; null = the run's time (check strategy) */
  updatedAt: string | null;
  /** check strategy: the columns compared, or every column */
  checkCols: string[] | 'all';
  hardDeletes: HardDeletes;
}

export function planSnapshot(config: NodeConfig, name: string): SnapshotPlan {
  const strategy = String(config.strategy ?? '').toLowerCase();
  const keys = toNameList(config.unique_key);
  if (keys.length === 0) throw new ExecutionError(`Snapshot ${name} needs a unique_key.`);
  const hardDeletes = resolveHardDeletes(config, name);
  if (strategy === 'timestamp') {
    if (!config.updated_at)
      throw new ExecutionError(`Snapshot ${name} uses the timestamp strategy but has no updated_at.`);
    return { strategy, keys, updatedAt: config.updated_at, checkCols: [], hardDeletes };
  }
  if (strategy === 'check') {
    const checkCols = config.check_cols === 'all' ? 'all' : toNameList(config.check_cols);
    if (checkCols !== 'all' && checkCols.length === 0) {
      throw new ExecutionError(`Snapshot ${name} uses the check strategy but has no check_cols.`);
    }
    // dbt's check strategy stamps versions with the run's time unless updated_at is configured.
    return { strategy, keys, updatedAt: config.updated_at || null, checkCols, hardDeletes };
  }
  throw new ExecutionError(
    `Snapshot ${name} has strategy '${config.strategy ?? ''}'; use 'timestamp' or 'check'.`,
  );
}

function resolveHardDeletes(config: NodeConfig, name: string): HardDeletes {
  const configured = config.hard_deletes;
  if (configured === undefined || configured === null || configured === '') {
    return config.invalidate_hard_deletes === true ? 'invalidate' : 'ignore';
  }
  const value = String(configured).toLowerCase();
  if (value === 'ignore' || value === 'invalidate' || value === 'new_record') return value;
  throw new ExecutionError(
    `Snapshot ${name} has hard_deletes '${configured}'; use ignore, invalidate or new_record.`,
  );
}
