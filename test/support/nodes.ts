/** Manifest nodes for adapter tests: every field a real node has, with overridable defaults. */
import type { ManifestNode, NodeConfig, NodeResourceType } from '../../src/project/types.js';

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
    unique_id: `${resourceType}.test.${name}`,
    resource_type: resourceType,
    name,
    package_name: 'test',
    path: `${name}.${extension}`,
    original_file_path: `${folder}/${name}.${extension}`,
    fqn: ['test', name],
    raw_code: '',
    language: 'sql',
    config: { enabled: true, materialized, tags: [], meta: {}, ...config },
    description: '',
    columns: {},
    meta: {},
    tags: [],
    refs: [],
    sources: [],
    depends_on: { nodes: [], macros: [] },
    database: 'warehouse',
    schema: 'main',
    alias: name,
    relation_name: null,
    checksum: { name: 'sha256', checksum: '' },
    ...extra,
  };
}
