import type { ManifestNode, NodeConfig, NodeResourceType } from '../manifest/types.js';

/** What identifies a node; every other field starts empty (no refs, no columns, no relation). */
export interface NodeIdentity {
  resource_type: NodeResourceType;
  name: string;
  package_name: string;
  path: string;
  original_file_path: string;
  fqn: string[];
  raw_code: string;
  config: NodeConfig;
  database: string;
  schema: string;
  checksum?: string;
}

export function blankNode(identity: NodeIdentity): ManifestNode {
  const { checksum = '', ...fields } = identity;
  return {
    ...fields,
    unique_id: `${identity.resource_type}.${identity.package_name}.${identity.name}`,
    patch_path: null,
    language: 'sql',
    description: '',
    columns: {},
    meta: {},
    tags: [],
    refs: [],
    sources: [],
    depends_on: { nodes: [], macros: [] },
    alias: identity.name,
    relation_name: null,
    checksum: { name: 'sha256', checksum },
  };
}
