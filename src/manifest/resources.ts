/**
 * Manifest entries that are not nodes: unit tests (dbt 1.8+) and the semantic layer's
 * metrics, semantic models and saved queries. Field names are dbt's, as in types.ts.
 */

/** How fixture rows are written: a list of mappings, CSV text, or a SQL query. */
export type FixtureFormat = 'dict' | 'csv' | 'sql';

export interface UnitTestRows {
  format: FixtureFormat;
  /** dict: list of mappings; csv/sql: the text (from `rows:` or the fixture file) */
  rows: Record<string, unknown>[] | string;
  /** `fixture:` name, when the rows come from tests/fixtures/<name>.csv|.sql */
  fixture: string | null;
}

export interface UnitTestInput extends UnitTestRows {
  /** as written: `ref('stg_orders')`, `source('shop', 'orders')` or `this` */
  input: string;
  /** the node or source the input stands for; null for `this` */
  input_id: string | null;
  line: number;
}

export interface UnitTestOverrides {
  macros: Record<string, unknown>;
  vars: Record<string, unknown>;
  env_vars: Record<string, unknown>;
}

export interface UnitTestDefinition {
  unique_id: string; // unit_test.<package>.<model>.<name>
  resource_type: 'unit_test';
  name: string;
  package_name: string;
  /** the tested model's name */
  model: string;
  path: string;
  original_file_path: string;
  line: number;
  fqn: string[];
  description: string;
  given: UnitTestInput[];
  expect: UnitTestRows;
  overrides: UnitTestOverrides;
  config: { enabled: boolean; tags: string[]; meta: Record<string, unknown>; [key: string]: unknown };
  tags: string[];
  meta: Record<string, unknown>;
  depends_on: { nodes: string[]; macros: string[] };
}

export type SemanticResourceType = 'metric' | 'semantic_model' | 'saved_query';

/** A metric, semantic model or saved query: parsed and listed, never executed by mdw. */
export interface SemanticResource {
  unique_id: string; // metric.<package>.<name>, ...
  resource_type: SemanticResourceType;
  name: string;
  package_name: string;
  path: string;
  original_file_path: string;
  line: number;
  fqn: string[];
  description: string;
  label: string | null;
  config: { enabled: boolean; tags?: string[]; meta?: Record<string, unknown>; [key: string]: unknown };
  tags: string[];
  meta: Record<string, unknown>;
  depends_on: { nodes: string[]; macros: string[] };
  /** the rest of the YAML entry as written (measures, dimensions, type_params, query_params, ...) */
  spec: Record<string, unknown>;
}
