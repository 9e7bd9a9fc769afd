/**
 * dbt hooks: a node's `pre_hook` / `post_hook` run around its materialization on the node's
 * own connection (pre-hooks first, in order, then the model's SQL, then post-hooks), and the
 * project's `on-run-start` / `on-run-end` run once before the first node and after the last.
 * Every hook is Jinja, rendered when it runs (so `{{ this }}` is the node's relation).
 * Also: `grants`, reported once per run when the target cannot apply them.
 */
import type { Adapter, Connection } from '../adapters/types.js';
import type { ManifestNode } from '../manifest/types.js';
import { isRecord } from '../project/yaml.js';
import { ConfigError, errorMessage } from '../util/errors.js';
import type { Compiler } from './compile.js';
import { timestamp } from './progress.js';

/** One hook's SQL text (dbt accepts a string or `{sql: ..., transaction: bool}`). */
function hookSql(entry: unknown, where: string): string {
  if (typeof entry === 'string') return entry;
  if (isRecord(entry) && typeof entry.sql === 'string') return entry.sql;
  throw new ConfigError(`${where}: a hook must be SQL text or {sql: ...}, got ${JSON.stringify(entry)}.`);
}

/** A config value that may be a single hook or a list of hooks. */
export function hookList(value: unknown, where: string): string[] {
  if (value === undefined || value === null || value === '') return [];
  const list = Array.isArray(value) ? value : [value];
  return list.map((entry) => hookSql(entry, where)).filter((sql) => sql.trim() !== '');
}

/** Renders and runs one node's pre- or post-hooks, in order; a failing hook fails the node. */
export async function runNodeHooks(
  which: 'pre_hook' | 'post_hook',
  node: ManifestNode,
  compiler: Compiler,
  connection: Connection,
): Promise<void> {
  const hooks = hookList(node.config[which], node.original_file_path);
  for (const [index, template] of hooks.entries()) {
    const sql = await compiler.renderText(node, template, async (query) => connection.query(query));
    if (sql.trim() === '') continue;
    try {
      await connection.query(sql);
    } catch (error) {
      throw new Error(`${which.replace('_', '-')} ${index + 1} failed: ${errorMessage(error)}`);
    }
  }
}

export interface ProjectHookRun {
  compiler: Compiler;
  adapter: Adapter;
  /** extra Jinja context (dbt's `schemas`) */
  context: Record<string, unknown>;
  print: (line: string) => void;
  /** created before the hooks run, as dbt does before on-run-start (hooks may write into them) */
  schemas?: readonly { database: string; schema: string }[];
}

/** The project's on-run-start or on-run-end hooks; returns an error message when one fails. */
export async function runProjectHooks(
  which: 'on-run-start' | 'on-run-end',
  hooks: readonly string[],
  { compiler, adapter, context: extraContext, print, schemas = [] }: ProjectHookRun,
): Promise<string | null> {
  if (hooks.length === 0) return null;
  print(`${timestamp()}  Running ${hooks.length} ${which} hook${hooks.length === 1 ? '' : 's'}`);
  const connection = await adapter.connect();
  try {
    for (const { database, schema } of schemas) {
      const name = [database, schema].filter(Boolean).map((part) => adapter.quoteIdentifier(part));
      await connection.query(`create schema if not exists ${name.join('.')}`);
    }
    for (const [index, template] of hooks.entries()) {
      const started = performance.now();
      const name = `${compiler.projectName}-${which}-${index}`;
      try {
        const sql = await compiler.renderProjectText(template, extraContext, async (query) =>
          connection.query(query),
        );
        if (sql.trim() !== '') await connection.query(sql);
      } catch (error) {
        print(`${timestamp()}  ${index + 1} of ${hooks.length} ERROR hook: ${name}`);
        return `${which} hook ${index + 1} (dbt_project.yml) failed: ${errorMessage(error)}`;
      }
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      print(`${timestamp()}  ${index + 1} of ${hooks.length} OK hook: ${name} [OK in ${seconds}s]`);
    }
    print('');
    return null;
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/**
 * `grants` on a target without grants: one warning per run naming how many nodes asked,
 * never silently ignored. Targets that apply grants expose `applyGrants` (none yet).
 */
export function grantsWarning(
  adapter: Adapter,
  targetName: string,
  nodes: readonly ManifestNode[],
): string | null {
  if ('applyGrants' in adapter) return null;
  const asking = nodes.filter(
    (node) => isRecord(node.config.grants) && Object.keys(node.config.grants).length > 0,
  );
  if (asking.length === 0) return null;
  const what = `${asking.length} ${asking.length === 1 ? 'model' : 'models'}`;
  return `[WARNING]: grants are not supported on the ${targetName} target; ignored for ${what} (${asking
    .slice(0, 3)
    .map((n) => n.name)
    .join(', ')}${asking.length > 3 ? ', ...' : ''}).`;
}

/** The (database, schema) pairs a run's models, seeds and snapshots are built in. */
export function schemasBuilt(nodes: readonly ManifestNode[]): { database: string; schema: string }[] {
  const pairs = new Map<string, { database: string; schema: string }>();
  for (const node of nodes) {
    if (node.resource_type === 'test') continue;
    pairs.set(`${node.database}.${node.schema}`, { database: node.database, schema: node.schema });
  }
  return [...pairs.values()];
}

/** on-run-start failed: no node runs (every planned node is reported skipped). */
export class RunStartError extends Error {}
