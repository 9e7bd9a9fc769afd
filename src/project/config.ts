import { engineConfigKeys } from '../adapters/registry.js';
import type { NodeConfig, NodeResourceType } from '../manifest/types.js';
import { isRecord } from './yaml.js';

/**
 * Config keys dbt itself (and other dbt adapters' common keys) understands; each engine adds its own
 * (adapters/registry.ts). Others get a warning.
 */
const KNOWN_KEYS = new Set([
  ...(
    'enabled materialized tags meta schema database alias unique_key incremental_strategy ' +
    'on_schema_change full_refresh partition_by column_types strategy updated_at check_cols ' +
    'target_schema target_database invalidate_hard_deletes hard_deletes severity warn_if error_if where ' +
    'limit fail_calc store_failures store_failures_as pre_hook post_hook persist_docs docs quoting ' +
    'quote_columns delimiter contract grants group access snapshot_meta_column_names ' +
    'dbt_valid_to_current sort sort_order cluster_by sql_header event_time batch_size lookback begin ' +
    'concurrent_batches on_configuration_change incremental_predicates merge_update_columns ' +
    'merge_exclude_columns file_format post_hooks pre_hooks packages labels copy_grants transient ' +
    'query_tag secure'
  ).split(' '),
  ...engineConfigKeys(),
]);

const ADDITIVE_KEYS = new Set(['tags', 'pre_hook', 'post_hook']);
const MERGED_KEYS = new Set(['meta', 'column_types', 'docs', 'persist_docs']);

const DEFAULT_MATERIALIZED: Record<NodeResourceType, string> = {
  model: 'view',
  seed: 'seed',
  snapshot: 'snapshot',
  test: 'test',
  analysis: 'view',
};

export function defaultConfig(resourceType: NodeResourceType): NodeConfig {
  const config: NodeConfig = {
    enabled: true,
    materialized: DEFAULT_MATERIALIZED[resourceType],
    tags: [],
    meta: {},
  };
  if (resourceType === 'test') {
    config.severity = 'ERROR';
    config.warn_if = '!= 0';
    config.error_if = '!= 0';
    config.store_failures = null;
    config.where = null;
    config.limit = null;
  }
  return config;
}

/** `pre-hook` and `pre_hook` are the same key; `+materialized` in dbt_project.yml is `materialized`. */
export function normalizeKey(key: string): string {
  return key.replace(/^\+/, '').replace(/-/g, '_');
}

/** Merge `extra` into `config` with dbt's rules: tags add up, meta/column_types merge, the rest overrides. */
export function mergeConfig(config: NodeConfig, extra: Record<string, unknown>): NodeConfig {
  for (const [rawKey, value] of Object.entries(extra)) {
    const key = normalizeKey(rawKey);
    if (ADDITIVE_KEYS.has(key)) {
      const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
      const current = Array.isArray(config[key]) ? (config[key] as unknown[]) : [];
      config[key] = [...new Set([...current, ...list])];
    } else if (MERGED_KEYS.has(key) && isRecord(value)) {
      config[key] = { ...(isRecord(config[key]) ? (config[key] as object) : {}), ...value };
    } else {
      config[key] = value;
    }
  }
  return config;
}

/**
 * The configs that dbt_project.yml's tree (e.g. `models:`) gives a node with this fqn.
 * Keys with `+` are always configs; a key without `+` is a folder/package/node name when its
 * value is a mapping and it names the next fqn part, otherwise a config (dbt's legacy form).
 */
export function configFromTree(tree: Record<string, unknown>, fqn: string[]): Record<string, unknown> {
  const collected: Record<string, unknown>[] = [];
  let level: Record<string, unknown> | undefined = tree;
  for (let depth = 0; level; depth++) {
    const here: Record<string, unknown> = {};
    let next: Record<string, unknown> | undefined;
    for (const [key, value] of Object.entries(level)) {
      if (key.startsWith('+')) here[key] = value;
      else if (depth < fqn.length && key === fqn[depth] && isRecord(value)) next = value;
      else if (!isRecord(value) || MERGED_KEYS.has(normalizeKey(key))) {
        if (KNOWN_KEYS.has(normalizeKey(key))) here[key] = value;
      }
    }
    collected.push(here);
    level = depth < fqn.length ? next : undefined;
  }
  const result = {} as NodeConfig;
  for (const part of collected) mergeConfig(result, part);
  return result;
}

/** Config keys nobody knows about, for the "unknown config key" warning. */
export function unknownConfigKeys(config: Record<string, unknown>): string[] {
  return Object.keys(config)
    .map(normalizeKey)
    .filter((key) => !KNOWN_KEYS.has(key));
}

/** Keys under a dbt_project.yml tree level that are neither configs nor known folder names. */
export function isKnownConfigKey(key: string): boolean {
  return KNOWN_KEYS.has(normalizeKey(key));
}
