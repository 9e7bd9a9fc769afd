/**
 * Config → a typed plan of what to build, in engine-neutral code; each engine renders and runs
 * SQL for the plan (src/adapters/<engine>/). The runner builds the plan (run/tasks.ts).
 */
import type { ManifestNode } from '../manifest/types.js';
import { ExecutionError } from '../util/errors.js';
import { type BatchPlan, partitionFields, planBatches } from './batches.js';
import { toNameList } from './config-values.js';
import {
  type IncrementalRules,
  incrementalPredicates,
  type PartitionEntry,
  partitionEntries,
  resolveSchemaChangeMode,
  resolveStrategy,
  type Strategy,
} from './incremental.js';
import { type MicrobatchWindow, microbatchConfig } from './microbatch.js';
import type { SchemaChangeMode } from './schema-change.js';
import { planSnapshot, type SnapshotPlan } from './snapshot.js';

/** 'iceberg' for table_type='iceberg' tables and snapshots; the engine's own tables otherwise. */
export type TableFormat = 'native' | 'iceberg';

export interface IncrementalPlan {
  strategy: Strategy;
  /** unique_key entries (column names or expressions); empty = none */
  uniqueKey: string[];
  onSchemaChange: SchemaChangeMode;
  /** incremental_predicates, as SQL the engine wraps in parentheses */
  predicates: string[];
  /** merge: the columns to update (empty = all but the keys and the excluded ones) */
  mergeUpdateColumns: string[];
  mergeExcludeColumns: string[];
  /**
   * microbatch: the model's event-time column and the one window this build replaces (the
   * runner plans the windows, src/materialize/microbatch.ts, and builds each on its own)
   */
  microbatch?: { eventTime: string; window: MicrobatchWindow | null };
}

export type MaterializationPlan =
  | { kind: 'view' }
  | { kind: 'ephemeral' }
  | { kind: 'seed' }
  | { kind: 'table'; format: TableFormat; partitionSpec: PartitionEntry[]; batches: BatchPlan | null }
  | {
      kind: 'incremental';
      format: TableFormat;
      partitionSpec: PartitionEntry[];
      /** how to split a write into statements of few enough partitions (null: one statement) */
      batches: BatchPlan | null;
      /** full_refresh config pins it either way; otherwise the --full-refresh flag decides */
      fullRefresh: boolean;
      incremental: IncrementalPlan;
    }
  | { kind: 'snapshot'; format: TableFormat; snapshot: SnapshotPlan };

export interface PlanOptions {
  /** --full-refresh */
  fullRefresh: boolean;
  incremental: IncrementalRules;
  /** the engine's limit of partitions one write statement may open (null or absent: none) */
  maxPartitionsPerWrite?: number | null;
  /** non-fatal notices (bad config values that fall back to a default) */
  warn: (message: string) => void;
}

/** Models and snapshots configured with table_type='iceberg' are stored as Iceberg tables. */
export function usesIceberg(node: {
  resource_type: string;
  config: { table_type?: unknown; materialized?: unknown };
}): boolean {
  if (String(node.config.table_type ?? '').toLowerCase() !== 'iceberg') return false;
  if (node.resource_type === 'snapshot') return true;
  return ['table', 'incremental'].includes(String(node.config.materialized).toLowerCase());
}

export function planMaterialization(node: ManifestNode, options: PlanOptions): MaterializationPlan {
  const format: TableFormat = usesIceberg(node) ? 'iceberg' : 'native';
  if (node.resource_type === 'seed') return { kind: 'seed' };
  if (node.resource_type === 'snapshot') {
    return { kind: 'snapshot', format, snapshot: planSnapshot(node.config, node.name) };
  }
  const config = node.config;
  const materialized = String(config.materialized ?? 'view').toLowerCase();
  const partitionSpec = partitionEntries(config.partition_by);
  const batches = planBatches(partitionFields(partitionSpec, config), options.maxPartitionsPerWrite ?? null);
  switch (materialized) {
    case 'view':
      return { kind: 'view' };
    case 'ephemeral':
      return { kind: 'ephemeral' };
    case 'table':
      return { kind: 'table', format, partitionSpec, batches };
    case 'incremental': {
      const strategy = resolveStrategy(config, node.name, options.incremental);
      return {
        kind: 'incremental',
        format,
        partitionSpec,
        batches,
        fullRefresh: typeof config.full_refresh === 'boolean' ? config.full_refresh : options.fullRefresh,
        incremental: {
          strategy,
          uniqueKey: toNameList(config.unique_key),
          onSchemaChange: resolveSchemaChangeMode(config, node.name, options.warn),
          predicates: incrementalPredicates(config),
          mergeUpdateColumns: toNameList(config.merge_update_columns),
          mergeExcludeColumns: toNameList(config.merge_exclude_columns),
          ...(strategy === 'microbatch'
            ? { microbatch: { eventTime: microbatchConfig(config, node.name).eventTime, window: null } }
            : {}),
        },
      };
    }
    default:
      throw new ExecutionError(
        `Model ${node.name} uses materialization '${materialized}', which the ${options.incremental.engine} ` +
          `target does not support (use view, table, incremental or ephemeral).`,
      );
  }
}
