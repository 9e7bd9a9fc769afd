/**
 * Dependencies and relations: every ref()/source() resolves to a node or source (else one
 * sentence naming the node and the missing name), and each node gets its database, schema
 * and alias from the project's generate_*_name macros.
 */
import { resolveCatalog } from '../../adapters/registry.js';
import type { ManifestNode } from '../../manifest/types.js';
import { ConfigError } from '../../util/errors.js';
import { didYouMean } from '../../util/suggest.js';
import { findAcrossPackages } from '../packages/search.js';
import type { ParseState } from './state.js';

export function resolveDependencies(state: ParseState): void {
  const byName = new Map<string, ManifestNode>();
  for (const node of Object.values(state.nodes)) {
    if (node.resource_type !== 'test') byName.set(`${node.package_name}.${node.name}`, node);
  }
  const nodeNames = [...byName.values()].map((n) => n.name);
  for (const node of Object.values(state.nodes)) {
    const parents: string[] = [];
    for (const ref of node.refs) {
      const found = findAcrossPackages(
        state.root.name,
        node.package_name,
        ref.package,
        state.packageNames,
        (pkg) => byName.get(`${pkg}.${ref.name}`),
      );
      if (!found) {
        throw new ConfigError(
          `${describe(node)} depends on a node named '${ref.name}' which was not found.${didYouMean(ref.name, nodeNames)}`,
        );
      }
      parents.push(found.unique_id);
    }
    for (const [sourceName, tableName] of node.sources) {
      const id = findAcrossPackages(
        state.root.name,
        node.package_name,
        undefined,
        state.packageNames,
        (pkg) => {
          const candidate = `source.${pkg}.${sourceName}.${tableName}`;
          return state.sources[candidate] ? candidate : undefined;
        },
      );
      if (!id) {
        const known = Object.values(state.sources).map((s) => `${s.source_name}.${s.name}`);
        throw new ConfigError(
          `${describe(node)} depends on a source named '${sourceName}.${tableName}' which was not found.${didYouMean(`${sourceName}.${tableName}`, known)}`,
        );
      }
      parents.push(id);
    }
    node.depends_on.nodes = [...new Set(parents)];
    resolveRelation(state, node);
  }
}

function resolveRelation(state: ParseState, node: ManifestNode): void {
  const ctx = { target: { ...state.target }, model: node, this: null };
  const config = node.config;
  if (node.resource_type === 'snapshot' && typeof config.target_schema === 'string') {
    node.schema = config.target_schema;
  } else {
    const custom =
      node.resource_type === 'test' ? (config.schema ?? 'dbt_test__audit') : (config.schema ?? null);
    node.schema = String(state.engine.callMacro('generate_schema_name', [custom, node], {}, ctx)).trim();
  }
  node.database = resolveCatalog(
    state.target,
    String(
      state.engine.callMacro(
        'generate_database_name',
        [config.target_database ?? config.database ?? null, node],
        {},
        ctx,
      ),
    ).trim(),
  );
  node.alias = String(
    state.engine.callMacro('generate_alias_name', [config.alias ?? null, node], {}, ctx),
  ).trim();
  if (node.resource_type === 'test' && !config.alias) {
    node.alias = state.testShortNames.get(node.unique_id) ?? node.alias;
  }
  const materialized = config.materialized;
  node.relation_name =
    node.resource_type === 'test' || materialized === 'ephemeral'
      ? null
      : state.relation(node.database, node.schema, node.alias).render();
}

function describe(node: ManifestNode): string {
  const kind =
    node.resource_type === 'test'
      ? 'Test'
      : node.resource_type[0]!.toUpperCase() + node.resource_type.slice(1);
  const line = node.line ? `:${node.line}` : '';
  return `${kind} '${node.name}' (${node.original_file_path}${line})`;
}
