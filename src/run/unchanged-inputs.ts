/**
 * Reuse of nodes whose inputs did not change (like dbt Fusion's state-aware "Reused"):
 * in `mdw build` / `mdw run` without --full-refresh, a table model (or a data test) is not
 * rebuilt (re-checked) when its definition and the content of every relation it reads are
 * the same as at its last successful build (passing check), and, for a model, its table
 * still holds exactly what that build wrote. An added day leaves the SCD2 dimensions alone
 * when their snapshots gained no version: rebuilding them would write the same rows.
 *
 * Exact, not a heuristic: "the same" is a content digest of each input (row count and the
 * sum of the rows' hashes, plus the column names and types), computed on the connection
 * that would build the node, so it sees this invocation's staged tables and kept views.
 * An input that changed in this invocation (a rebuilt table, an incremental model) or that
 * cannot be digested cheaply (a source, an incremental model, an ephemeral model) makes the
 * node build as usual. The digests live in target/mdw_reuse_state.json; without that file
 * (after `mdw clean`) everything builds. Engines without a digest query (all but DuckDB for
 * now) always build.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Adapter, Connection } from '../adapters/types.js';
import type { Manifest, ManifestNode } from '../manifest/types.js';
import { isMicrobatch } from '../materialize/microbatch.js';
import { CHANGED_PARTITIONS_VAR } from './changed-partitions.js';
import type { NodeResult } from './results.js';

export const REUSE_STATE_FILE = 'mdw_reuse_state.json';
export const REUSED_MESSAGE = 'REUSED (no new changes on any upstream)';
const STATE_VERSION = 1;

interface NodeState {
  /** digest of the definition and of every input's content at the last good build */
  inputs: string;
  /** a model: the digest of its table's content after that build */
  output?: string;
}

interface StateFile {
  version: number;
  nodes: Record<string, NodeState>;
}

export interface ReuseContext {
  manifest: Manifest;
  adapter: Adapter;
  /** the invocation's results so far (what was built, and how it went) */
  results: ReadonlyMap<string, NodeResult>;
  /** the SQL a node runs for `sql` (view reuse points it at the kept copies) */
  rewrite: (nodeId: string, sql: string) => Promise<string>;
  /** views narrowed to the landing folders this run brings in: they read a changing landing */
  narrowedViews: Readonly<Record<string, readonly string[]>>;
}

export class UnchangedInputs {
  private readonly state: StateFile;
  /** input digests taken before a node ran, recorded if it succeeds */
  private readonly pending = new Map<string, string>();
  /** digests of outputs known in this invocation (built or reused models) */
  private readonly outputs = new Map<string, string>();

  private constructor(
    private readonly path: string | null,
    private readonly definitionSalt: string,
    /** digests are taken and recorded (the engine has a digest query, the command builds) */
    private readonly enabled: boolean,
    /** nodes may be reused (not under --full-refresh) */
    private readonly reuse: boolean,
    state: StateFile,
  ) {
    this.state = state;
  }

  /**
   * `record`: the command builds (not `mdw test`, which checks everything and records nothing);
   * `reuse`: nodes may be reused (not under --full-refresh, which still records digests).
   */
  static open(options: {
    targetDir: string;
    manifest: Manifest;
    vars: Record<string, unknown>;
    target: Readonly<Record<string, unknown>>;
    adapterType: string;
    record: boolean;
    reuse: boolean;
  }): UnchangedInputs {
    const path = join(options.targetDir, REUSE_STATE_FILE);
    const enabled = options.record && digestQuery(options.adapterType, 'x') !== null;
    const { [CHANGED_PARTITIONS_VAR]: _changed, ...vars } = options.vars;
    const macros = Object.values(options.manifest.macros)
      .map((macro) => `${macro.unique_id}\n${macro.macro_sql}`)
      .sort();
    const salt = sha256(JSON.stringify([STATE_VERSION, options.target, vars, macros]));
    return new UnchangedInputs(enabled ? path : null, salt, enabled, options.reuse, readState(path));
  }

  /** A result saying the node was reused, or null when it must run (its input digest is kept). */
  async tryReuse(
    node: ManifestNode,
    connection: Connection,
    context: ReuseContext,
  ): Promise<NodeResult | null> {
    this.pending.delete(node.unique_id);
    if (!this.enabled || !eligible(node, context.manifest)) return null;
    const started = performance.now();
    const inputs = await this.inputDigest(node, connection, context);
    if (inputs === null) return null;
    this.pending.set(node.unique_id, inputs);
    if (!this.reuse) return null;
    const known = this.state.nodes[node.unique_id];
    if (!known || known.inputs !== inputs) return null;
    if (node.resource_type === 'model') {
      // the table must still hold what that build wrote (not rolled back, dropped, or another warehouse)
      const output = await relationDigest(node, ownRelation(node, context), connection, context);
      if (output === null || output !== known.output) return null;
      this.outputs.set(node.unique_id, output);
    }
    const result: NodeResult = {
      unique_id: node.unique_id,
      status: node.resource_type === 'test' ? 'pass' : 'success',
      timing: [],
      thread_id: '',
      execution_time: (performance.now() - started) / 1000,
      adapter_response: { _message: REUSED_MESSAGE, code: 'REUSED', rows_affected: 0 },
      message: REUSED_MESSAGE,
      failures: node.resource_type === 'test' ? 0 : null,
      compiled: false,
      compiled_code: null,
      relation_name: node.relation_name,
    };
    return result;
  }

  /** After a node ran: remember its digests when it succeeded (passed), forget it otherwise. */
  async record(
    node: ManifestNode,
    result: NodeResult,
    connection: Connection,
    context: ReuseContext,
  ): Promise<void> {
    const inputs = this.pending.get(node.unique_id);
    this.pending.delete(node.unique_id);
    const good = node.resource_type === 'test' ? result.status === 'pass' : result.status === 'success';
    if (!good || inputs === undefined) {
      delete this.state.nodes[node.unique_id];
      return;
    }
    if (node.resource_type !== 'model') {
      this.state.nodes[node.unique_id] = { inputs };
      return;
    }
    const output = await relationDigest(node, ownRelation(node, context), connection, context);
    if (output === null) delete this.state.nodes[node.unique_id];
    else {
      this.outputs.set(node.unique_id, output);
      this.state.nodes[node.unique_id] = { inputs, output };
    }
  }

  save(): void {
    if (this.path === null) return;
    mkdirSync(join(this.path, '..'), { recursive: true });
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.state)}\n`);
    renameSync(temporary, this.path);
  }

  /** The digest of the node's definition and inputs, or null when one cannot be told unchanged. */
  private async inputDigest(
    node: ManifestNode,
    connection: Connection,
    context: ReuseContext,
  ): Promise<string | null> {
    const parts: string[] = [this.definitionSalt, node.raw_code, JSON.stringify(node.config)];
    for (const parentId of [...node.depends_on.nodes].sort()) {
      const digest = await this.parentDigest(node, parentId, connection, context);
      if (digest === null) return null;
      parts.push(`${parentId}=${digest}`);
    }
    return sha256(parts.join('\n'));
  }

  private async parentDigest(
    reader: ManifestNode,
    parentId: string,
    connection: Connection,
    context: ReuseContext,
  ): Promise<string | null> {
    const known = this.outputs.get(parentId);
    if (known !== undefined) return known;
    const parent = context.manifest.nodes[parentId];
    if (!parent) return null; // a source: its landing is not digested (it is read by views)
    const ran = context.results.get(parentId);
    if (ran && ran.status !== 'success') return null;
    const materialized = String(parent.config.materialized ?? 'view');
    if (parent.resource_type === 'model') {
      // large or changing: an incremental model changes every run; a rebuilt table is new
      if (materialized === 'incremental' || materialized === 'ephemeral' || isMicrobatch(parent.config))
        return null;
      if (ran && materialized !== 'view') return null;
      // a view over the landing folders this run brings in reads new rows
      if (materialized === 'view' && Object.hasOwn(context.narrowedViews, parent.name)) return null;
    } else if (parent.resource_type !== 'snapshot' && parent.resource_type !== 'seed') {
      return null;
    }
    const sql = await context.rewrite(reader.unique_id, ownRelation(parent, context));
    return relationDigest(parent, sql, connection, context);
  }
}

function ownRelation(node: ManifestNode, context: ReuseContext): string {
  return context.adapter.relation(node.database, node.schema, node.alias).render();
}

/** Table models (not incremental, no hooks, no custom materialization) and data tests, whose SQL is a function of their inputs. */
export function eligible(node: ManifestNode, manifest: Manifest): boolean {
  if (node.resource_type === 'test')
    return node.config.store_failures !== true && !readsTheClock(node, manifest);
  if (node.resource_type !== 'model' || node.config.materialized !== 'table' || isMicrobatch(node.config))
    return false;
  const hooks = [node.config.pre_hook, node.config.post_hook].flat().filter(Boolean);
  if (hooks.length > 0) return false;
  if (readsTheClock(node, manifest)) return false;
  // a project's own `table` materialization may do more than write the query's rows
  return !Object.values(manifest.macros).some(
    (macro) => macro.package_name === node.package_name && /^materialization_table_/.test(macro.name),
  );
}

/** SQL whose result depends on more than its inputs (the time, chance, the environment). */
const NOT_A_FUNCTION_OF_INPUTS =
  /\b(now|current_timestamp|current_date|current_time|localtimestamp|getdate|random|uuid|gen_random_uuid|run_started_at|invocation_id|env_var)\b/i;

function readsTheClock(node: ManifestNode, manifest: Manifest): boolean {
  if (NOT_A_FUNCTION_OF_INPUTS.test(node.raw_code)) return true;
  return node.depends_on.macros.some((id) =>
    NOT_A_FUNCTION_OF_INPUTS.test(manifest.macros[id]?.macro_sql ?? ''),
  );
}

async function relationDigest(
  node: ManifestNode,
  relationSql: string | null,
  connection: Connection,
  context: ReuseContext,
): Promise<string | null> {
  if (!relationSql) return null;
  const query = digestQuery(context.adapter.type, relationSql);
  if (query === null) return null;
  try {
    const shape = await connection.query(`select * from ${relationSql} as mdw_shape limit 0`);
    const content = await connection.query(query);
    const [count, sum] = content.rows[0] ?? [];
    return sha256(
      JSON.stringify([node.unique_id, shape.columnNames, shape.columnTypes, String(count), String(sum)]),
    );
  } catch {
    return null; // missing or unreadable: build as usual
  }
}

/** Row count and an order-independent sum of row hashes (a sum keeps duplicate rows apart). */
export function digestQuery(adapterType: string, relationSql: string): string | null {
  if (adapterType !== 'duckdb') return null;
  return `select count(*), cast(sum(hash(mdw_digest)) as varchar) from ${relationSql} as mdw_digest`;
}

function readState(path: string): StateFile {
  if (!existsSync(path)) return { version: STATE_VERSION, nodes: {} };
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as StateFile;
    if (parsed.version === STATE_VERSION && parsed.nodes && typeof parsed.nodes === 'object') return parsed;
  } catch {
    // a damaged state file only costs a full build
  }
  return { version: STATE_VERSION, nodes: {} };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
