/**
 * mdw's Manifest in the exact shape of dbt's manifest v12 (schemas.getdbt.com/dbt/manifest/v12.json).
 * The schema forbids unknown keys, so each resource keeps only the fields its dbt type declares;
 * mdw-only fields (definition lines, seed file paths) are left out; mdw's version is `dbt_version`
 * as in run_results.json (`mdw-0.1.0`).
 */
import type { SemanticResource, UnitTestDefinition } from '../manifest/resources.js';
import type { MacroDefinition, Manifest, ManifestNode, SourceDefinition } from '../manifest/types.js';

export const MANIFEST_SCHEMA_VERSION = 'https://schemas.getdbt.com/dbt/manifest/v12.json';

const COMMON_NODE_KEYS = [
  'database',
  'schema',
  'name',
  'resource_type',
  'package_name',
  'path',
  'original_file_path',
  'unique_id',
  'fqn',
  'alias',
  'checksum',
  'config',
  'tags',
  'description',
  'columns',
  'meta',
  'patch_path',
  'relation_name',
  'raw_code',
] as const;

/** Fields of every compiled (non-seed) node type. */
const COMPILED_NODE_KEYS = [
  'language',
  'refs',
  'sources',
  'compiled_path',
  'compiled',
  'compiled_code',
] as const;

const GENERIC_TEST_KEYS = ['column_name', 'attached_node', 'test_metadata'] as const;

function pick(object: object, keys: readonly string[]): Record<string, unknown> {
  const record = object as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of keys) if (record[key] !== undefined) out[key] = record[key];
  return out;
}

export function dbtNode(node: ManifestNode): Record<string, unknown> {
  const out = pick(node, COMMON_NODE_KEYS);
  out.unrendered_config = {};
  out.doc_blocks = [];
  if (node.resource_type === 'seed') {
    out.depends_on = { macros: node.depends_on.macros };
    return out;
  }
  Object.assign(out, pick(node, COMPILED_NODE_KEYS));
  out.depends_on = { macros: node.depends_on.macros, nodes: node.depends_on.nodes };
  if (node.resource_type === 'test' && node.test_metadata) Object.assign(out, pick(node, GENERIC_TEST_KEYS));
  return out;
}

export function dbtSource(source: SourceDefinition): Record<string, unknown> {
  return {
    ...pick(source, [
      'database',
      'schema',
      'name',
      'resource_type',
      'package_name',
      'path',
      'original_file_path',
      'unique_id',
      'fqn',
      'source_name',
      'source_description',
      'loader',
      'identifier',
      'loaded_at_field',
      'description',
      'columns',
      'meta',
      'source_meta',
      'tags',
      'config',
      'relation_name',
    ]),
    external: source.external,
  };
}

export function dbtMacro(macro: MacroDefinition): Record<string, unknown> {
  return {
    ...pick(macro, [
      'name',
      'package_name',
      'path',
      'original_file_path',
      'unique_id',
      'macro_sql',
      'description',
    ]),
    resource_type: 'macro',
    depends_on: { macros: [] },
  };
}

const SEMANTIC_KEYS: Record<SemanticResource['resource_type'], readonly string[]> = {
  metric: ['type', 'type_params', 'filter', 'time_granularity', 'meta', 'tags', 'group'],
  semantic_model: ['model', 'defaults', 'entities', 'measures', 'dimensions', 'primary_entity', 'group'],
  saved_query: ['query_params', 'exports', 'group', 'tags'],
};
const SEMANTIC_COMMON = [
  'name',
  'resource_type',
  'package_name',
  'path',
  'original_file_path',
  'unique_id',
  'fqn',
  'description',
  'label',
  'config',
  'depends_on',
] as const;

/** A metric, semantic model or saved query: its YAML fields at top level, as dbt writes them. */
export function dbtSemantic(resource: SemanticResource): Record<string, unknown> {
  const all: Record<string, unknown> = { ...resource.spec, meta: resource.meta, tags: resource.tags };
  const own = Object.fromEntries(
    SEMANTIC_KEYS[resource.resource_type].filter((key) => key in all).map((key) => [key, all[key]]),
  );
  const required: Record<string, unknown> =
    resource.resource_type === 'semantic_model'
      ? { node_relation: null }
      : resource.resource_type === 'saved_query'
        ? { exports: [] }
        : {};
  return { ...required, ...own, ...pick(resource, [...SEMANTIC_COMMON]) };
}

/** A unit test with the fields dbt's UnitTestDefinition declares (given/expect/overrides as written). */
export function dbtUnitTest(test: UnitTestDefinition): Record<string, unknown> {
  return {
    ...pick(test, [
      'model',
      'name',
      'resource_type',
      'package_name',
      'path',
      'original_file_path',
      'unique_id',
      'fqn',
      'description',
      'overrides',
      'depends_on',
      'config',
    ]),
    given: test.given.map(({ input, rows, format, fixture }) => ({ input, rows, format, fixture })),
    expect: test.expect,
    checksum: null,
    schema: null,
    versions: null,
    version: null,
  };
}

/** The document target/manifest.json holds. */
export function toDbtManifest(manifest: Manifest): Record<string, unknown> {
  const { mdw_version, ...metadata } = manifest.metadata;
  const map = <T, U>(record: Record<string, T>, f: (value: T) => U): Record<string, U> =>
    Object.fromEntries(Object.entries(record).map(([id, value]) => [id, f(value)]));
  return {
    metadata: {
      ...metadata,
      dbt_schema_version: MANIFEST_SCHEMA_VERSION,
      dbt_version: `mdw-${mdw_version}`,
      env: {},
    },
    nodes: map(manifest.nodes, dbtNode),
    sources: map(manifest.sources, dbtSource),
    macros: map(manifest.macros, dbtMacro),
    docs: map(manifest.docs, (doc) => ({
      ...doc,
      resource_type: 'doc',
      path: doc.original_file_path,
    })),
    exposures: {},
    metrics: map(manifest.metrics ?? {}, dbtSemantic),
    groups: {},
    selectors: {},
    disabled: {},
    parent_map: manifest.parent_map,
    child_map: manifest.child_map,
    group_map: {},
    saved_queries: map(manifest.saved_queries ?? {}, dbtSemantic),
    semantic_models: map(manifest.semantic_models ?? {}, dbtSemantic),
    unit_tests: map(manifest.unit_tests ?? {}, dbtUnitTest),
  };
}
