/**
 * Custom materializations: a model whose `materialized` names a `{% materialization %}` block of
 * the project or a package runs that block, as dbt does. The block is a macro named
 * `materialization_<name>_<adapter>`; the adapter-specific one beats `default`, then the root
 * project beats packages, which beat mdw's own (dbt's specificity-then-locality order). Its
 * statements run on the node's connection; what it creates are plain objects of the engine.
 */
import type { Connection } from '../adapters/types.js';
import type { ManifestNode } from '../manifest/types.js';
import { materializationMacroName } from '../template/blocks.js';
import type { Compiler } from './compile.js';
import { hookList } from './hooks.js';

/** Built into mdw (planMaterialization); a block with one of these names is not consulted. */
const BUILT_IN = new Set(['view', 'table', 'incremental', 'ephemeral', 'seed', 'snapshot', 'test']);

export interface MaterializationMacro {
  packageName: string;
  name: string;
}

/** The materialization macro a node runs, or null for mdw's built-in ones. */
export function findMaterialization(
  node: ManifestNode,
  macros: () => readonly MaterializationMacro[],
  rootPackage: string,
  adapterType: string,
): MaterializationMacro | null {
  const materialized = String(node.config.materialized ?? '').toLowerCase();
  if (node.resource_type !== 'model' || materialized === '' || BUILT_IN.has(materialized)) return null;
  const locality = (pkg: string) => (pkg === rootPackage ? 0 : pkg === 'dbt' ? 2 : 1);
  for (const adapter of [adapterType, 'default']) {
    const name = materializationMacroName(materialized, adapter);
    const found = macros()
      .filter((macro) => macro.name === name)
      .sort((a, b) => locality(a.packageName) - locality(b.packageName))[0];
    if (found) return found;
  }
  return null;
}

/** dbt's sentence when no block implements a model's materialization. */
export function missingMaterialization(node: ManifestNode, adapterType: string): string {
  const materialized = String(node.config.materialized);
  return `No materialization '${materialized}' was found for adapter ${adapterType}! (searched for '${materializationMacroName(materialized, adapterType)}')`;
}

/** The hooks as the materialization API hands them over: `{sql, transaction, index}`. */
function hooksOf(node: ManifestNode, which: 'pre_hook' | 'post_hook'): Record<string, unknown>[] {
  return hookList(node.config[which], node.original_file_path).map((sql, index) => ({
    sql,
    transaction: true,
    index,
  }));
}

interface StatementResult {
  response?: { _message?: unknown; rows_affected?: unknown };
}

/** Run the block for one model; returns the relations it reports and the main statement's message. */
export async function runCustomMaterialization(
  macro: MaterializationMacro,
  node: ManifestNode,
  sql: string,
  compiler: Compiler,
  connection: Connection,
  which: string,
): Promise<{ message: string; rowsAffected: number }> {
  // what the block returned and load_result('main') after it (set by the template)
  const seen: { returned: unknown; main: StatementResult | null } = { returned: null, main: null };
  await compiler.renderInNode(
    node,
    `{% set result = ${macro.packageName}.${macro.name}() %}{% do __mdw_materialized(result, load_result('main')) %}`,
    {
      sql,
      compiled_code: sql,
      pre_hooks: hooksOf(node, 'pre_hook'),
      post_hooks: hooksOf(node, 'post_hook'),
      __mdw_materialized: (value: unknown, statement: StatementResult | null) => {
        seen.returned = value;
        seen.main = statement;
        return '';
      },
    },
    async (query) => connection.query(query),
    which,
  );
  const relations = (seen.returned as { relations?: unknown } | null)?.relations;
  if (!Array.isArray(relations))
    throw new Error(
      `materialization '${String(node.config.materialized)}' (${macro.packageName}.${macro.name}) did not return {'relations': [...]}`,
    );
  const response = seen.main?.response;
  return { message: String(response?._message ?? 'OK'), rowsAffected: Number(response?.rows_affected ?? -1) };
}
