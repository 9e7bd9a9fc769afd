/**
 * The engine-neutral part of `incremental`: which strategy, which keys, which columns a merge
 * updates, which extra predicates apply. Engines render SQL for the result.
 */
import type { NodeConfig } from '../manifest/types.js';
import { ExecutionError } from '../util/errors.js';
import { toNameList } from './config-values.js';
import { SCHEMA_CHANGE_MODES, type SchemaChangeMode } from './schema-change.js';

export const INCREMENTAL_STRATEGIES = [
  'append',
  'delete+insert',
  'merge',
  'insert_overwrite',
  'microbatch',
] as const;
export type Strategy = (typeof INCREMENTAL_STRATEGIES)[number];

/** What an engine says about incremental models (dbt adapters differ in their default). */
export interface IncrementalRules {
  /** the engine's name in messages */
  engine: string;
  defaultStrategy: Strategy;
  strategies: readonly Strategy[];
}

export function resolveStrategy(config: NodeConfig, modelName: string, rules: IncrementalRules): Strategy {
  const configured = config.incremental_strategy;
  if (configured === null || configured === undefined || configured === '') return rules.defaultStrategy;
  const strategy = String(configured).toLowerCase();
  if ((rules.strategies as readonly string[]).includes(strategy)) return strategy as Strategy;
  if (strategy === 'microbatch') {
    // the window replace is engine-neutral (plan.incremental.microbatch); the engine's writer is not there yet
    throw new ExecutionError(
      `Model ${modelName} uses incremental_strategy 'microbatch', which mdw builds on the DuckDB and Trino targets only so far ` +
        `(on ${rules.engine} each window would be a DELETE of its event-time range and an INSERT); use one of: ${rules.strategies.join(', ')}.`,
    );
  }
  throw new ExecutionError(
    `Model ${modelName} has incremental_strategy '${configured}', which ${rules.engine} does not support; ` +
      `use one of: ${rules.strategies.join(', ')}.`,
  );
}

export function resolveSchemaChangeMode(
  config: NodeConfig,
  modelName: string,
  warn: (message: string) => void,
): SchemaChangeMode {
  const configured = config.on_schema_change;
  if (configured === null || configured === undefined || configured === '') return 'ignore';
  if ((SCHEMA_CHANGE_MODES as readonly string[]).includes(configured)) return configured as SchemaChangeMode;
  warn(`Model ${modelName}: invalid on_schema_change '${configured}'; using 'ignore'.`);
  return 'ignore';
}

/** Extra SQL conditions (config.incremental_predicates) that may reference DBT_INTERNAL_DEST. */
export function incrementalPredicates(config: NodeConfig): string[] {
  return toNameList(config.incremental_predicates ?? config.predicates);
}

/**
 * The columns a merge updates for matched rows: merge_update_columns when set, else every
 * written column except the keys and merge_exclude_columns (case-insensitive, as dbt).
 */
export function mergeUpdateColumns(
  columns: readonly string[],
  plan: { uniqueKey: string[]; mergeUpdateColumns: string[]; mergeExcludeColumns: string[] },
): string[] {
  const keySet = new Set(plan.uniqueKey.map((key) => key.trim().toLowerCase()));
  const include = plan.mergeUpdateColumns.map((name) => name.toLowerCase());
  const exclude = new Set(plan.mergeExcludeColumns.map((name) => name.toLowerCase()));
  return columns.filter((name) => {
    const lower = name.toLowerCase();
    if (include.length) return include.includes(lower);
    return !keySet.has(lower) && !exclude.has(lower);
  });
}

/** One partition_by entry: a column (or expression) and, BigQuery style, a date granularity. */
export interface PartitionEntry {
  field: string;
  granularity?: string;
}

/**
 * partition_by as a column name, a `{field, granularity?}` dict (BigQuery style) or a list of
 * either → one entry per partition column, as written.
 */
export function partitionEntries(partitionBy: unknown): PartitionEntry[] {
  if (partitionBy === null || partitionBy === undefined || partitionBy === '') return [];
  const items = Array.isArray(partitionBy) ? partitionBy : [partitionBy];
  return items.flatMap((item): PartitionEntry[] => {
    if (typeof item === 'string' && item.trim() !== '') return [{ field: item }];
    if (item && typeof item === 'object') {
      const { field, granularity } = item as { field?: unknown; granularity?: unknown };
      if (typeof field !== 'string' || field.trim() === '') return [];
      return typeof granularity === 'string' && granularity ? [{ field, granularity }] : [{ field }];
    }
    return [];
  });
}
