import type { SemanticResource, UnitTestDefinition } from './resources.js';

/**
 * The Manifest: the one data structure between parsing and running (as in dbt-core).
 * Field names are dbt's snake_case on purpose: the same objects are serialized to
 * target/manifest.json and exposed to Jinja as `model`, `graph.nodes[...]`, etc.
 */

export type NodeResourceType = 'model' | 'seed' | 'snapshot' | 'test' | 'analysis';
export type ResourceType =
  | NodeResourceType
  | 'source'
  | 'macro'
  | 'doc'
  | 'unit_test'
  | 'metric'
  | 'semantic_model'
  | 'saved_query';

/** Merged config of a node: dbt_project.yml tree < schema YAML < in-file config(). */
export interface NodeConfig {
  enabled: boolean;
  materialized: string;
  tags: string[];
  meta: Record<string, unknown>;
  schema?: string | null;
  database?: string | null;
  alias?: string | null;
  unique_key?: string | string[] | null;
  incremental_strategy?: string | null;
  on_schema_change?: string | null;
  full_refresh?: boolean | null;
  partition_by?: unknown;
  table_type?: string | null;
  column_types?: Record<string, string>;
  // snapshot
  strategy?: string | null;
  updated_at?: string | null;
  check_cols?: string[] | 'all' | null;
  target_schema?: string | null;
  invalidate_hard_deletes?: boolean;
  // tests
  severity?: 'error' | 'warn' | 'ERROR' | 'WARN';
  warn_if?: string;
  error_if?: string;
  where?: string | null;
  limit?: number | null;
  store_failures?: boolean | null;
  /** Any other key the user set; unknown keys produce a warning at parse time. */
  [key: string]: unknown;
}

export interface ColumnInfo {
  name: string;
  description: string;
  data_type?: string | null;
  meta: Record<string, unknown>;
  tags: string[];
}

/** A ref() as written: ref('x') → { name: 'x' }, ref('pkg', 'x') → { package: 'pkg', name: 'x' }. */
export interface RefCall {
  name: string;
  package?: string | null;
  version?: string | number | null;
}

export interface TestMetadata {
  /** generic test name: unique, not_null, accepted_values, relationships, or a custom {% test %} */
  name: string;
  namespace?: string | null;
  /** arguments the generic test macro receives (model/column_name are rendered at compile time) */
  kwargs: Record<string, unknown>;
}

export interface ManifestNode {
  unique_id: string; // model.<package>.<name>, test.<package>.<name>.<hash>, ...
  resource_type: NodeResourceType;
  name: string;
  package_name: string;
  /** path relative to the resource folder (models/, seeds/, ...) */
  path: string;
  /** path relative to the project root */
  original_file_path: string;
  /** line of the definition in original_file_path (1-based; snapshots, YAML tests) */
  line?: number;
  patch_path?: string | null;
  fqn: string[];
  raw_code: string;
  language: 'sql';
  config: NodeConfig;
  description: string;
  columns: Record<string, ColumnInfo>;
  meta: Record<string, unknown>;
  tags: string[];
  refs: RefCall[];
  /** [source_name, table_name] pairs */
  sources: [string, string][];
  depends_on: { nodes: string[]; macros: string[] };
  database: string;
  schema: string;
  alias: string;
  /** rendered relation name (quoted) — null for ephemeral models and tests */
  relation_name: string | null;
  checksum: { name: 'sha256'; checksum: string };
  // tests only
  test_metadata?: TestMetadata;
  attached_node?: string | null;
  column_name?: string | null;
  // seeds only: absolute path to the CSV
  seed_file_path?: string;
  // filled by compile
  compiled?: boolean;
  compiled_code?: string;
  compiled_path?: string;
}

export interface SourceDefinition {
  unique_id: string; // source.<package>.<source_name>.<table_name>
  resource_type: 'source';
  name: string; // table name
  source_name: string;
  package_name: string;
  path: string;
  original_file_path: string;
  fqn: string[];
  database: string;
  schema: string;
  identifier: string;
  relation_name: string;
  description: string;
  source_description: string;
  columns: Record<string, ColumnInfo>;
  meta: Record<string, unknown>;
  source_meta: Record<string, unknown>;
  tags: string[];
  /** `external.location` or `meta.external_location`; `{name}` is replaced by the table name */
  external: { location?: string; options?: Record<string, unknown>; [key: string]: unknown } | null;
  loader: string;
  loaded_at_field?: string | null;
  /** merged source + table `freshness:` (warn_after, error_after, filter); null when none */
  freshness?: Record<string, unknown> | null;
  config: { enabled: boolean; [key: string]: unknown };
}

export interface MacroDefinition {
  unique_id: string; // macro.<package>.<name>
  name: string;
  package_name: string;
  original_file_path: string;
  path: string;
  macro_sql: string;
  line?: number;
  description: string;
}

export interface DocBlock {
  unique_id: string; // doc.<package>.<name>
  name: string;
  package_name: string;
  original_file_path: string;
  block_contents: string;
}

export interface Manifest {
  metadata: {
    dbt_schema_version: string;
    generated_at: string;
    invocation_id: string;
    project_name: string;
    adapter_type: string;
    mdw_version: string;
  };
  nodes: Record<string, ManifestNode>;
  sources: Record<string, SourceDefinition>;
  macros: Record<string, MacroDefinition>;
  docs: Record<string, DocBlock>;
  /** `unit_tests:` of properties files (dbt 1.8+); absent in manifests built by hand */
  unit_tests?: Record<string, UnitTestDefinition>;
  /** the semantic layer: parsed and listed, not executed */
  metrics?: Record<string, SemanticResource>;
  semantic_models?: Record<string, SemanticResource>;
  saved_queries?: Record<string, SemanticResource>;
  /** unique_id → unique_ids it depends on / that depend on it (nodes and sources) */
  parent_map: Record<string, string[]>;
  child_map: Record<string, string[]>;
}

/** The resolved target from profiles.yml (after env_var rendering). */
export interface TargetConfig {
  name: string; // target name, e.g. dev
  profile_name: string;
  type: string; // duckdb | trino | athena
  schema: string;
  database: string;
  threads: number;
  /** everything else from the profile output (path, memory_limit, host, ...) */
  [key: string]: unknown;
}

/** dbt_project.yml, validated. */
export interface ProjectConfig {
  name: string;
  version: string;
  profile: string;
  root: string; // absolute project dir
  model_paths: string[];
  seed_paths: string[];
  snapshot_paths: string[];
  test_paths: string[];
  macro_paths: string[];
  analysis_paths: string[];
  docs_paths: string[];
  target_path: string;
  clean_targets: string[];
  /** `packages-install-path`: where `mdw deps` installs packages (dbt_packages) */
  packages_install_path: string;
  /** `dispatch:`: per macro namespace, the packages adapter.dispatch searches, in order */
  dispatch: { macro_namespace: string; search_order: string[] }[];
  vars: Record<string, unknown>;
  /** `on-run-start` / `on-run-end` hooks (Jinja SQL, rendered when they run) */
  on_run_start?: unknown;
  on_run_end?: unknown;
  /** raw config trees from dbt_project.yml (`models:`, `seeds:`, `snapshots:`, `data_tests:`/`tests:`, `sources:`) */
  config_trees: Record<'models' | 'seeds' | 'snapshots' | 'data_tests' | 'sources', Record<string, unknown>>;
}
