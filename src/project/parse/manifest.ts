/** The parse result as dbt's manifest: nodes, sources, macros, docs and the parent/child maps. */
import type { Manifest } from '../../manifest/types.js';
import { MDW_VERSION } from '../../version.js';
import { manifestMacros } from './macros.js';
import type { ParseState } from './state.js';

export function assembleManifest(state: ParseState): Manifest {
  const parentMap: Record<string, string[]> = {};
  const childMap: Record<string, string[]> = {};
  for (const id of [...Object.keys(state.nodes), ...Object.keys(state.sources)]) {
    parentMap[id] = [];
    childMap[id] = [];
  }
  for (const node of Object.values(state.nodes)) {
    for (const parent of node.depends_on.nodes) {
      parentMap[node.unique_id]!.push(parent);
      childMap[parent]?.push(node.unique_id);
    }
  }
  for (const list of Object.values(childMap)) list.sort();
  const macros = manifestMacros(state.engine);
  return {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/manifest/v12.json',
      generated_at: new Date().toISOString(),
      invocation_id: state.invocationId,
      project_name: state.project.name,
      adapter_type: state.target.type,
      mdw_version: MDW_VERSION,
    },
    nodes: state.nodes,
    sources: state.sources,
    macros,
    docs: state.docs,
    parent_map: parentMap,
    child_map: childMap,
  };
}
