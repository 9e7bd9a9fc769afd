/** Manifest nodes for adapter tests: every field a real node has, with overridable defaults. */

import type { ManifestNode, NodeConfig, NodeResourceType } from '../../src/manifest/types.js';
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
