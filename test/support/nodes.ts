/** Manifest nodes for adapter tests: every field a real node has, with overridable defaults. */

import type {
  ManifestNode,
  NodeConfig,
  NodeResourceType,
  SourceDefinition,
} from '../../src/manifest/types.js';
import { blankNode } from '../../src/project/node-factory.js';

const FOLDERS: Record<NodeResourceType, [string, string]> = {
  model: ['models', 'sql'],
  seed: ['seeds', 'csv'],
  snapshot: ['snapshots', 'sql'],
  test: ['tests', 'sql'],
  analysis: ['analyses', 'sql'],
};

export function testNode(
  resourceType: NodeResourceType,
  name: string,
  config: Partial<NodeConfig> = {},
  extra: Partial<ManifestNode> = {},
): ManifestNode {
  const [folder, extension] = FOLDERS[resourceType];
  const materialized = resourceType === 'model' ? 'view' : resourceType;
  return {
    ...blankNode({
      resource_type: resourceType,
      name,
      package_name: 'test',
      path: `${name}.${extension}`,
      original_file_path: `${folder}/${name}.${extension}`,
      fqn: ['test', name],
      raw_code: '',
      config: { enabled: true, materialized, tags: [], meta: {}, ...config },
      database: 'warehouse',
      schema: 'main',
    }),
    ...extra,
  };
}

/** A source `raw.<name>` of package `test` reading `external`, in `database.schema` ('' database: the default). */
export function testSource(
  name: string,
  external: SourceDefinition['external'],
  where: { database: string; schema: string; identifier?: string },
): SourceDefinition {
  const identifier = where.identifier ?? name;
  const relationName = [where.database, where.schema, identifier]
    .filter(Boolean)
    .map((part) => `"${part}"`)
    .join('.');
  return {
    unique_id: `source.test.raw.${name}`,
    resource_type: 'source',
    name,
    source_name: 'raw',
    package_name: 'test',
    path: 'models/sources.yml',
    original_file_path: 'models/sources.yml',
    fqn: ['test', 'raw', name],
    database: where.database,
    schema: where.schema,
    identifier,
    relation_name: relationName,
    description: '',
    source_description: '',
    columns: {},
    meta: {},
    source_meta: {},
    tags: [],
    external,
    loader: '',
    config: { enabled: true },
  };
}
