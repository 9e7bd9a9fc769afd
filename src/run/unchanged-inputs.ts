/**
 * Reuse of nodes whose inputs did not change (like dbt Fusion's state-aware "Reused"):
 * in `mdw build` / `mdw run` without --full-refresh, a table model or a snapshot is not
 * rebuilt (a data test not re-checked) when its definition and every relation it reads are
 * the same as at its last successful build (passing check), and, for a model or snapshot, its
 * table still holds exactly what that build wrote. An added day leaves the SCD2 dimensions
 * alone when their snapshots gained no version: rebuilding them would write the same rows. A
 * snapshot over unchanged rows would find no change: running it again writes nothing.
 *
 * Exact, not a heuristic. "The same" is one of two kinds of identity:
 * - a fingerprint (Adapter.fingerprints: the local lakehouse, Athena), read without the rows:
 *   a table's catalog version (an Iceberg commit makes a new one, so an incremental model
 *   that wrote nothing keeps it), a source's definition and file listing, and for a view or
 *   an ephemeral model its definition with its own inputs' fingerprints.
 * - else a content digest (an in-memory DuckDB database): row count and the sum of the rows'
 *   hashes, plus the column names and types, computed on the connection that would build the
 *   node, so it sees this invocation's staged tables and kept views. An input that changed in
 *   this invocation (a rebuilt table, an incremental model) or that cannot be digested cheaply
 *   (a source, an incremental model, an ephemeral model) makes the node build as usual.
 * The identities live in target/mdw_reuse_state.<target>.json; without that file (after
 * `mdw clean`) everything builds. Engines with neither always build.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Adapter, Connection, RelationFingerprints } from '../adapters/types.js';
import type { Manifest, ManifestNode } from '../manifest/types.js';
import { isMicrobatch } from '../materialize/microbatch.js';
import { CHANGED_PARTITIONS_VAR, publishPerModel } from './changed-partitions.js';
import type { NodeResult } from './results.js';

/** One file per target: a build of another target (its own tables) must not forget this one's. */
export function reuseStateFile(targetName: string): string {
  return `mdw_reuse_state.${targetName.replace(/[^A-Za-z0-9_-]/g, '_')}.json`;
}
export const REUSED_MESSAGE = 'REUSED (no new changes on any upstream)';
/** the var in which a model finds its settled inputs ({model name: [table names]}; macro settled_input) */
export const SETTLED_INPUTS_VAR = 'mdw_settled_inputs';

/** Makes `settled` the list macro settled_input() reads for `model` (removed when empty). */
export function publishSettledInputs(vars: Record<string, unknown>, model: string, settled: string[]): void {
  publishPerModel(vars, SETTLED_INPUTS_VAR, model, settled.length === 0 ? null : settled);
}
const STATE_VERSION = 2;

interface NodeState {
  /** digest of the definition and of every input's content at the last good build */
  inputs?: string;
  /** a model or snapshot: its table's identity after that build; a test: its stored failures' */
  output?: string;
  /** a test: how that check went (a warning is replayed, with its count) */
  status?: 'pass' | 'warn';
  failures?: number;
  /** a warning's sentence (the run's summary repeats it) */
  message?: string;
  /** fingerprints only: the tables the node read at that build (settledInputs) */
  read?: Record<string, string>;
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
  /** fingerprints taken in this invocation, by node or source id; a node's goes when it runs */
  private readonly fingerprinted = new Map<string, Promise<string | null>>();
  /** fingerprints of tables as they were before their node ran in this invocation */
  private readonly before = new Map<string, Promise<string | null>>();

  private constructor(
    private readonly path: string | null,
    private readonly definitionSalt: string,
    /** digests are taken and recorded (the engine has a digest query, the command builds) */
    private readonly enabled: boolean,
    /** nodes may be reused (not under --full-refresh) */
    private readonly reuse: boolean,
    /** the engine's fingerprints, when it tells unchanged inputs by them (else content digests) */
    private readonly fingerprints: RelationFingerprints | null,
    /** --store-failures: every test (but those configured not to) stores its failing rows */
    private readonly storeFailures: boolean,
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
    adapter: Adapter;
    record: boolean;
    reuse: boolean;
    storeFailures: boolean;
  }): UnchangedInputs {
    const path = join(options.targetDir, reuseStateFile(String(options.target.name ?? 'default')));
    const fingerprints = options.adapter.fingerprints ?? null;
    const enabled =
      options.record && (fingerprints !== null || digestQuery(options.adapter.type, 'x') !== null);
    const { [CHANGED_PARTITIONS_VAR]: _changed, [SETTLED_INPUTS_VAR]: _settled, ...vars } = options.vars;
    const macros = Object.values(options.manifest.macros)
      .map((macro) => `${macro.unique_id}\n${macro.macro_sql}`)
      .sort();
    const salt = sha256(JSON.stringify([STATE_VERSION, options.target, vars, macros]));
    return new UnchangedInputs(
      enabled ? path : null,
      salt,
      enabled,
      options.reuse,
      fingerprints,
      options.storeFailures,
      readState(path),
    );
  }

  /** A result saying the node was reused, or null when it must run (its input digest is kept). */
  async tryReuse(
    node: ManifestNode,
    connection: Connection,
    context: ReuseContext,
  ): Promise<NodeResult | null> {
    this.pending.delete(node.unique_id);
    if (!this.enabled) return null;
    if (this.fingerprints && this.readBefore(node))
      this.before.set(
        node.unique_id,
        this.fingerprintOf(node.unique_id, this.fingerprints, connection, context, false),
      );
    if (!eligible(node, context.manifest)) return null;
    const started = performance.now();
    const inputs = await this.inputDigest(node, connection, context);
    if (inputs === null) return null;
    this.pending.set(node.unique_id, inputs);
    if (!this.reuse) return null;
    const known = this.state.nodes[node.unique_id];
    if (!known || known.inputs !== inputs) return null;
    const test = node.resource_type === 'test';
    if (!test || this.storesFailures(node)) {
      // the table must still hold what that build wrote (not rolled back, dropped, or another
      // warehouse); a test's table of failing rows, what that check stored
      const output = await this.outputDigest(node, connection, context);
      if (output === null || output !== known.output) return null;
      if (!test) this.outputs.set(node.unique_id, output);
    }
    const result: NodeResult = {
      unique_id: node.unique_id,
      status: test ? (known.status ?? 'pass') : 'success',
      timing: [],
      thread_id: '',
      execution_time: (performance.now() - started) / 1000,
      adapter_response: { _message: REUSED_MESSAGE, code: 'REUSED', rows_affected: 0 },
      message: test && known.status === 'warn' && known.message ? known.message : REUSED_MESSAGE,
      failures: test ? (known.failures ?? 0) : null,
      compiled: false,
      compiled_code: null,
      relation_name: node.relation_name,
    };
    return result;
  }

  /**
   * Whether the node may be reused in this invocation: it is eligible and its last good build
   * was recorded (a view read only by such nodes need not be copied before one needs it).
   */
  mayBeReused(node: ManifestNode, manifest: Manifest): boolean {
    return (
      this.enabled &&
      this.reuse &&
      this.state.nodes[node.unique_id]?.inputs !== undefined &&
      eligible(node, manifest)
    );
  }

  /**
   * A table's fingerprint before its node runs is needed by settledInputs only: the node's
   * own (it recorded what it read) and an incremental model's (its readers' inputs settle
   * when its run lists what it changed). Others are not taken (a plain table's is a scan).
   */
  private readBefore(node: ManifestNode): boolean {
    if (!isTableLike(node)) return false;
    return this.state.nodes[node.unique_id]?.read !== undefined || node.config.materialized === 'incremental';
  }

  /** After a node ran: remember its digests when it succeeded (passed or warned), forget it otherwise. */
  async record(
    node: ManifestNode,
    result: NodeResult,
    connection: Connection,
    context: ReuseContext,
  ): Promise<void> {
    const inputs = this.pending.get(node.unique_id);
    this.pending.delete(node.unique_id);
    // it ran: its table may be a new version
    this.fingerprinted.delete(node.unique_id);
    this.fingerprinted.delete(versionKey(node.unique_id));
    const test = node.resource_type === 'test';
    const good = test ? result.status === 'pass' || result.status === 'warn' : result.status === 'success';
    // with fingerprints a table's identity and reads are kept even when it cannot be reused
    // (an incremental model): settledInputs() tells its next run what did not change
    const keepsReads = this.fingerprints !== null && !test;
    if (!good || (inputs === undefined && !keepsReads)) {
      delete this.state.nodes[node.unique_id];
      return;
    }
    const checked = test
      ? {
          status: result.status as 'pass' | 'warn',
          failures: result.failures ?? 0,
          ...(result.status === 'warn' && result.message ? { message: result.message } : {}),
        }
      : {};
    if (test && !this.storesFailures(node)) {
      this.state.nodes[node.unique_id] = { inputs, ...checked };
      return;
    }
    // a node that cannot be reused keeps only what tells settled inputs (no scan)
    const output = await this.outputDigest(node, connection, context, inputs !== undefined);
    if (output === null) {
      delete this.state.nodes[node.unique_id];
      return;
    }
    if (!test) this.outputs.set(node.unique_id, output);
    const read = keepsReads ? { read: await this.tablesRead(node, connection, context) } : {};
    this.state.nodes[node.unique_id] = {
      ...(inputs === undefined ? {} : { inputs }),
      output,
      ...checked,
      ...read,
    };
  }

  save(): void {
    if (this.path === null) return;
    mkdirSync(join(this.path, '..'), { recursive: true });
    const temporary = `${this.path}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.state)}\n`);
    renameSync(temporary, this.path);
  }

  /**
   * Fingerprints only: the names (aliases) of the tables a model is about to read that hold
   * what it read at its last successful build, and its own when its table holds what that
   * build wrote. A table this invocation already wrote counts when it held what the model read
   * before that write and the write listed what it changed (`changesListed`: its changed
   * partitions). Macros take the list (var mdw_settled_inputs) as proof in place of a check
   * that reads data. Empty when nothing is known (other engines, --full-refresh, no state).
   */
  async settledInputs(
    node: ManifestNode,
    connection: Connection,
    context: ReuseContext,
    changesListed: (name: string) => boolean,
  ): Promise<string[]> {
    const fingerprints = this.fingerprints;
    const known = this.state.nodes[node.unique_id];
    if (!fingerprints || !this.reuse || !known?.read || known.output === undefined) return [];
    const own =
      this.before.get(node.unique_id) ??
      this.fingerprintOf(node.unique_id, fingerprints, connection, context, false);
    if ((await own) !== known.output) return [];
    const settled = [node.alias];
    for (const [parentId, recorded] of Object.entries(known.read)) {
      const parent = context.manifest.nodes[parentId];
      if (!parent || !node.depends_on.nodes.includes(parentId)) continue;
      const now = await this.fingerprintOf(parentId, fingerprints, connection, context, false);
      const earlier = this.before.get(parentId);
      if (now === recorded || (changesListed(parent.name) && earlier && (await earlier) === recorded))
        settled.push(parent.alias);
    }
    return settled;
  }

  /** The fingerprints of the tables (models, snapshots, seeds) a node reads, as it read them. */
  private async tablesRead(
    node: ManifestNode,
    connection: Connection,
    context: ReuseContext,
  ): Promise<Record<string, string>> {
    const read: Record<string, string> = {};
    for (const parentId of node.depends_on.nodes) {
      const parent = context.manifest.nodes[parentId];
      if (!parent || !isTableLike(parent)) continue;
      const fingerprint = await this.fingerprintOf(parentId, this.fingerprints!, connection, context, false);
      if (fingerprint !== null) read[parentId] = fingerprint;
    }
    return read;
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
    if (this.fingerprints) return this.fingerprintOf(parentId, this.fingerprints, connection, context);
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

  /** A model's or snapshot's own table (a test's table of failing rows): its fingerprint, or its content digest. */
  private outputDigest(
    node: ManifestNode,
    connection: Connection,
    context: ReuseContext,
    scan = true,
  ): Promise<string | null> {
    const fingerprints = this.fingerprints;
    if (!fingerprints) return relationDigest(node, ownRelation(node, context), connection, context);
    if (node.resource_type !== 'test')
      return this.fingerprintOf(node.unique_id, fingerprints, connection, context, scan);
    const stored = context.adapter.relation(node.database, node.schema, node.alias);
    return this.remembered(node.unique_id, () => fingerprints.relation(connection, stored));
  }

  /** Whether the test stores its failing rows in this invocation (as tasks.ts decides). */
  private storesFailures(node: ManifestNode): boolean {
    return (
      node.config.store_failures === true || (this.storeFailures && node.config.store_failures !== false)
    );
  }

  /**
   * A relation's fingerprint: a table's (snapshot's, seed's) from the catalog; a source's
   * from its files; a view's or an ephemeral model's from its definition, its catalog text
   * (a view) and its own inputs. Null when any part cannot be told, or, with `scan` false,
   * only reading a table's rows would tell it (settled inputs never pay for a scan).
   */
  private async fingerprintOf(
    id: string,
    fingerprints: RelationFingerprints,
    connection: Connection,
    context: ReuseContext,
    scan = true,
  ): Promise<string | null> {
    const source = context.manifest.sources[id];
    if (source) return this.remembered(id, () => fingerprints.source(connection, source));
    const node = context.manifest.nodes[id];
    if (!node) return null;
    const ran = context.results.get(id);
    if (ran && ran.status !== 'success') return null;
    const materialized = String(node.config.materialized ?? 'view');
    const relation = context.adapter.relation(node.database, node.schema, node.alias);
    if (isTableLike(node))
      return scan
        ? this.remembered(id, () => fingerprints.relation(connection, relation))
        : this.remembered(versionKey(id), () => fingerprints.relation(connection, relation, { scan }));
    if (node.resource_type !== 'model') return null;
    // a view over the landing folders this run brings in reads new rows
    if (materialized === 'view' && Object.hasOwn(context.narrowedViews, node.name)) return null;
    // the same text gives other rows each time (random(), now()): no identity
    if (readsTheClock(node, context.manifest)) return null;
    const parts = [node.raw_code, JSON.stringify(node.config)];
    if (materialized === 'view') {
      const text = await this.remembered(id, () => fingerprints.relation(connection, relation));
      if (text === null) return null;
      parts.push(text);
    }
    for (const parentId of [...node.depends_on.nodes].sort()) {
      const parent = await this.fingerprintOf(parentId, fingerprints, connection, context, scan);
      if (parent === null) return null;
      parts.push(`${parentId}=${parent}`);
    }
    return sha256(parts.join('\n'));
  }

  private remembered(id: string, take: () => Promise<string | null>): Promise<string | null> {
    let fingerprint = this.fingerprinted.get(id);
    if (!fingerprint) {
      fingerprint = take().catch(() => null);
      this.fingerprinted.set(id, fingerprint);
    }
    return fingerprint;
  }
}

/** The cache key of a table's fingerprint taken without a scan (null for a table without versions). */
function versionKey(id: string): string {
  return `${id}\u0000version`;
}

/** A node whose relation is a table: a snapshot, a seed, a model that is not a view or ephemeral. */
function isTableLike(node: ManifestNode): boolean {
  if (node.resource_type === 'snapshot' || node.resource_type === 'seed') return true;
  const materialized = String(node.config.materialized ?? 'view');
  return node.resource_type === 'model' && materialized !== 'view' && materialized !== 'ephemeral';
}

function ownRelation(node: ManifestNode, context: ReuseContext): string {
  return context.adapter.relation(node.database, node.schema, node.alias).render();
}

/**
 * Table models (not incremental, no hooks, no custom materialization), snapshots (same
 * conditions: over unchanged rows a snapshot writes nothing) and data tests, whose SQL is a
 * function of their inputs (a test's failing rows and its pass or warning too).
 */
export function eligible(node: ManifestNode, manifest: Manifest): boolean {
  // a test storing its failures is reused only while its table holds what it stored (tryReuse)
  if (node.resource_type === 'test') return !readsTheClock(node, manifest);
  const kind =
    node.resource_type === 'snapshot'
      ? 'snapshot'
      : node.resource_type === 'model' && node.config.materialized === 'table'
        ? 'table'
        : null;
  if (kind === null || isMicrobatch(node.config)) return false;
  const hooks = [node.config.pre_hook, node.config.post_hook].flat().filter(Boolean);
  if (hooks.length > 0) return false;
  if (readsTheClock(node, manifest)) return false;
  // a project's own materialization may do more than write the query's rows
  const custom = new RegExp(`^materialization_${kind}_`);
  return !Object.values(manifest.macros).some(
    (macro) => macro.package_name === node.package_name && custom.test(macro.name),
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
