/** The DuckDB adapter: one embedded instance per adapter, one connection per runner thread. */
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QuarantineLimits } from '../../landing/limits.js';
import type { LandingReport } from '../../landing/report.js';
import type { ManifestNode, SourceDefinition, TargetConfig } from '../../manifest/types.js';
import { INCREMENTAL_STRATEGIES, type IncrementalRules } from '../../materialize/incremental.js';
import type { MaterializationPlan, TableFormat } from '../../materialize/plan.js';
import { ConfigError, ExecutionError } from '../../util/errors.js';
import { redact } from '../../util/secrets.js';
import { planOf } from '../plan-request.js';
import type {
  Adapter,
  Capabilities,
  ColumnDescription,
  IcebergOperations,
  MaterializeRequest,
  MaterializeResult,
  Relation,
  RelationFingerprints,
  StagedPublishing,
  TestResult,
} from '../types.js';
import { withCapabilities } from '../types.js';
import { findRelation, listColumns, mayDropSchema, SchemaRegistry } from './catalog.js';
import { DuckDbConnection } from './connection.js';
import { conciseDuckDbMessage } from './errors.js';
import { createExternalSourceView } from './external-source.js';
import { LocalFingerprints } from './fingerprints.js';
import { LocalLakehouse } from './iceberg/lakehouse.js';
import { buildIcebergIncremental, buildIcebergSnapshot, buildIcebergTable } from './iceberg/materialize.js';
import { LocalIcebergOperations } from './iceberg/operations.js';
import { LocalPublishing } from './iceberg/publishing.js';
import { isLockError, lockHolder, openWaitingForLock } from './lock-wait.js';
import type { BuildContext, SourceView } from './materializations/context.js';
import { buildIncremental } from './materializations/incremental.js';
import { loadSeed } from './materializations/seed.js';
import { buildSnapshot } from './materializations/snapshot.js';
import { buildTable } from './materializations/table.js';
import { buildView } from './materializations/view.js';
import { DuckDBInstance } from './node-api.js';
import { type DuckDbProfile, resolveDuckDbProfile } from './profile.js';
import { RawFolders, RawRowsProfiler } from './raw-rows.js';
import { DuckDbRelation } from './relation.js';
import { RelationCache } from './relation-cache.js';
import { runDataTest } from './tests.js';
import { DuckDbViewCopies } from './view-copies.js';

export interface DuckDbAdapterOptions {
  /** where non-fatal notices go (default: stderr) */
  warn?: (message: string) => void;
  /** read-only use (mdw show): when a build holds the database, read the published Iceberg tables */
  reader?: boolean;
  /** open a warehouse whose catalog.db was lost (mdw iceberg recover / register) */
  recoverCatalog?: boolean;
}

export async function createDuckDbAdapter(
  target: TargetConfig,
  projectRoot: string,
  options: DuckDbAdapterOptions = {},
): Promise<Adapter> {
  const warn = options.warn ?? ((message: string) => process.stderr.write(`Warning: ${message}\n`));
  const profile = resolveDuckDbProfile(target, projectRoot);
  for (const warning of profile.warnings) warn(warning);
  let instance: DuckDBInstance;
  let detached = false;
  try {
    const open = () => DuckDBInstance.create(profile.path, profile.instanceOptions);
    instance =
      options.reader === true
        ? await open()
        : await openWaitingForLock(profile.path, open, (message) => process.stderr.write(`${message}\n`));
  } catch (error) {
    if (options.reader === true && isLockError(error) && profile.icebergWarehouse) {
      // A build holds the file: read the last published Iceberg snapshots without it.
      warn(
        `The warehouse database ${profile.path} is in use by ${lockHolder(error)}; reading the last published Iceberg tables from catalog.db.`,
      );
      instance = await DuckDBInstance.create(':memory:', profile.instanceOptions);
      detached = true;
    } else {
      const reason = conciseDuckDbMessage(error instanceof Error ? error.message : String(error));
      throw new ConfigError(`Could not open DuckDB database ${profile.path}: ${reason}`);
    }
  }
  if (detached) {
    const setup = await instance.connect();
    await setup.run(`attach ':memory:' as ${DuckDbRelation.quote(profile.catalog)}`);
    setup.closeSync();
  }
  if (target.database && target.database !== profile.catalog) {
    warn(
      `Profile ${target.profile_name}: database '${target.database}' is ignored; DuckDB names it '${profile.catalog}'.`,
    );
  }
  const resolved: TargetConfig = { ...target, database: profile.catalog, schema: target.schema || 'main' };
  // Detached, the database file and its scratch files belong to the build: never touch them.
  const own = detached
    ? {
        ...profile,
        path: ':memory:',
        setStatements: [...profile.setStatements, `use ${DuckDbRelation.quote(profile.catalog)}`],
      }
    : profile;
  const adapter = new DuckDbAdapter(
    instance,
    resolved,
    own,
    projectRoot,
    warn,
    options.recoverCatalog === true,
  );
  // Fail early (and clearly) on bad `settings` rather than in the first model; and let the
  // views over Iceberg tables catch up with commits made since (other writers, rollbacks).
  const probe = await adapter.connect();
  try {
    await adapter.syncIcebergViews(probe);
  } finally {
    await probe.close();
  }
  return adapter;
}

/** dbt-duckdb's strategies; its default is delete+insert, which without a unique_key is an append. */
const DUCKDB_INCREMENTAL: IncrementalRules = {
  engine: 'DuckDB',
  defaultStrategy: 'delete+insert',
  strategies: INCREMENTAL_STRATEGIES,
};

class DuckDbAdapter implements Adapter<DuckDbConnection> {
  readonly type = 'duckdb';
  readonly capabilities: Capabilities = withCapabilities({
    transactions: true,
    multiStatement: true,
    atomicReplace: true,
    merge: true,
    rowLevelDeletes: true,
    viewReuse: true,
  });
  readonly incremental = DUCKDB_INCREMENTAL;
  private readonly open = new Set<DuckDbConnection>();
  /** the catalog's tables and views, kept in step with the statements the connections run */
  private readonly relations = new RelationCache();
  /** where each file-backed source lands, to count the raw rows a node read by source */
  private readonly rawFolders = new RawFolders();
  private readonly context: BuildContext;
  private closed = false;
  /** Iceberg storage; none for an in-memory database (there is no warehouse folder) */
  private readonly lake: LocalLakehouse | null;
  readonly iceberg?: IcebergOperations<DuckDbConnection>;
  readonly publishing?: StagedPublishing;
  readonly viewCopies: DuckDbViewCopies;
  readonly fingerprints?: RelationFingerprints<DuckDbConnection>;

  constructor(
    private readonly instance: DuckDBInstance,
    readonly target: TargetConfig,
    private readonly profile: DuckDbProfile,
    private readonly projectRoot: string,
    warn: (message: string) => void,
    recoverCatalog = false,
  ) {
    const sourceViews = new Map<string, SourceView>();
    this.context = { schemas: new SchemaRegistry(), warn, rawFolders: this.rawFolders, sourceViews };
    this.viewCopies = new DuckDbViewCopies(
      profile.path === ':memory:' ? null : `${profile.path}.view-copies`,
    );
    const warehouse = profile.icebergWarehouse;
    this.lake = warehouse ? new LocalLakehouse(warehouse, warn, recoverCatalog) : null;
    if (this.lake) {
      this.iceberg = new LocalIcebergOperations(this.lake, this.context, target.database);
      this.publishing = new LocalPublishing(this.lake, () => this.resyncIcebergViews());
      this.fingerprints = new LocalFingerprints(this.lake, sourceViews);
    }
  }

  /** Views back on the published snapshots, after a stage was discarded. */
  private async resyncIcebergViews(): Promise<void> {
    const conn = await this.connect();
    try {
      await this.syncIcebergViews(conn);
    } finally {
      await conn.close();
    }
  }

  async syncIcebergViews(conn: DuckDbConnection): Promise<void> {
    await this.lake?.syncViews(conn, this.context, this.target.database);
  }

  async connect(): Promise<DuckDbConnection> {
    if (this.closed) throw new ExecutionError('The DuckDB adapter is closed.');
    const conn = new DuckDbConnection(
      await this.instance.connect(),
      (closed) => this.open.delete(closed),
      new RawRowsProfiler(this.rawFolders),
      (sql, failed) => {
        if (mayDropSchema(sql)) this.context.schemas.forget();
        this.relations.observe(sql, failed);
      },
    );
    this.relations.attach(conn);
    this.open.add(conn);
    for (const statement of this.profile.setStatements) {
      try {
        await conn.query(statement);
      } catch (error) {
        await conn.close();
        throw new ConfigError(
          redact(
            `Profile ${this.target.profile_name}: invalid DuckDB setting (${statement}): ${(error as Error).message}`,
          ),
        );
      }
    }
    return conn;
  }

  quoteIdentifier(name: string): string {
    return DuckDbRelation.quote(name);
  }

  relation(database: string, schema: string, identifier: string, type: Relation['type'] = null): Relation {
    return new DuckDbRelation(database, schema, identifier, type);
  }

  async getRelation(
    conn: DuckDbConnection,
    database: string,
    schema: string,
    identifier: string,
  ): Promise<Relation | null> {
    const found = await findRelation(conn, database, schema, identifier);
    // The view in front of an Iceberg table is, for dbt's purposes, the table.
    if (found?.type === 'view' && this.lake && (await LocalLakehouse.isIcebergView(conn, found))) {
      return new DuckDbRelation(database, schema, identifier, 'table');
    }
    return found;
  }

  getColumns(conn: DuckDbConnection, relation: Relation): Promise<ColumnDescription[]> {
    return listColumns(conn, relation);
  }

  createExternalSource(
    conn: DuckDbConnection,
    source: SourceDefinition,
    projectRoot: string,
    limits: QuarantineLimits = { maxRows: null, maxPercent: null },
  ): Promise<LandingReport | null> {
    const landing = {
      scratchDir:
        this.profile.path === ':memory:'
          ? join(tmpdir(), `mdw-landing-${process.pid}`)
          : `${this.profile.path}.landing`,
      database: this.target.database,
      quarantineSchema: `${this.target.schema}_dqm`,
      limits,
    };
    return createExternalSourceView(conn, this.context, source, projectRoot, this.target.database, landing);
  }

  async materialize(conn: DuckDbConnection, request: MaterializeRequest): Promise<MaterializeResult> {
    const { node, relation, sql } = request;
    const plan = planOf(this, request, this.context.warn);
    if (this.lake && 'format' in plan && plan.format === 'iceberg') {
      return this.materializeOnIceberg(conn, this.lake, request, plan);
    }
    if (this.lake?.exists && plan.kind !== 'seed') this.lake.forget(relation);
    switch (plan.kind) {
      case 'seed':
        return this.loadSeed(conn, node, relation);
      case 'snapshot':
        return buildSnapshot(conn, this.context, request, plan.snapshot);
      case 'view':
        return buildView(conn, this.context, relation, sql);
      case 'table':
        return buildTable(conn, this.context, relation, sql);
      case 'incremental':
        return buildIncremental(conn, this.context, {
          modelName: node.name,
          sql,
          relation,
          fullRefresh: plan.fullRefresh,
          plan: plan.incremental,
          partitionSpec: plan.partitionSpec,
        });
      case 'ephemeral':
        // The compiler inlines ephemeral models as CTEs; nothing exists in the database.
        return { rowsAffected: null, message: 'EPHEMERAL' };
    }
  }

  private materializeOnIceberg(
    conn: DuckDbConnection,
    lake: LocalLakehouse,
    request: MaterializeRequest,
    plan: Extract<MaterializationPlan, { format: TableFormat }>,
  ): Promise<MaterializeResult> {
    switch (plan.kind) {
      case 'snapshot':
        return buildIcebergSnapshot(conn, this.context, lake, request, plan.snapshot);
      case 'incremental':
        return buildIcebergIncremental(conn, this.context, lake, request, plan);
      case 'table':
        return buildIcebergTable(
          conn,
          this.context,
          lake,
          request.relation,
          request.sql,
          request.node.config,
          request.shrinkGuard,
        );
    }
  }

  loadSeed(conn: DuckDbConnection, node: ManifestNode, relation: Relation): Promise<MaterializeResult> {
    return loadSeed(conn, this.context, node, relation, this.projectRoot);
  }

  runTest(
    conn: DuckDbConnection,
    node: ManifestNode,
    sql: string,
    auditRelation: Relation | null,
  ): Promise<TestResult> {
    return runDataTest(conn, this.context.schemas, node, sql, auditRelation);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const conn of [...this.open]) await conn.close();
    this.lake?.close();
    // Closing the instance checkpoints the WAL into the database file.
    this.instance.closeSync();
    // The instance closed every attached database, the view copies' scratch file with them.
    this.viewCopies.removeFiles();
  }
}
