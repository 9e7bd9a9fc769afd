/**
 * The Athena adapter (engine v3, which speaks Trino's SQL): models become Iceberg tables and
 * views in the Glue catalog, raw sources external CSV tables on S3. Each runner thread gets its
 * own connection; every node reports the bytes its statements scanned.
 */
import { GetWorkGroupCommand } from '@aws-sdk/client-athena';
import type { LandingReport } from '../../landing/report.js';
import type { ManifestNode, SourceDefinition, TargetConfig } from '../../manifest/types.js';
import type { IncrementalRules } from '../../materialize/incremental.js';
import type { AdapterOptions } from '../engine.js';
import { OpenConnections } from '../open-connections.js';
import { planOf } from '../plan-request.js';
import { TRINO_ICEBERG_CAPABILITIES } from '../trino/capabilities.js';
import { MetadataTableIcebergOperations } from '../trino/iceberg.js';
import type {
  Adapter,
  Capabilities,
  ColumnDescription,
  MaterializeRequest,
  MaterializeResult,
  Relation,
  TestResult,
} from '../types.js';
import { AthenaQueryRunner } from './client.js';
import { AthenaConnection } from './connection.js';
import { explainAwsError } from './errors.js';
import { createExternalSource, hiveFolderValues } from './external-source.js';
import { AthenaFingerprints } from './fingerprints.js';
import { athenaMaintenance } from './iceberg-maintenance.js';
import {
  type BuildContext,
  buildIncremental,
  buildTable,
  buildView,
  listColumns,
  lookup,
  SchemaRegistry,
} from './materialize.js';
import { type AthenaProfile, resolveAthenaProfile } from './profile.js';
import { AthenaRelation } from './relation.js';
import { awsContext, createClients } from './sdk.js';
import { loadSeed } from './seed.js';
import { buildSnapshot } from './snapshot.js';
import { runDataTest } from './tests.js';
import { AthenaViewCopies } from './view-copies.js';
import { type AthenaWarehouse, DryRunWarehouse, LiveWarehouse } from './warehouse.js';

/**
 * dbt-athena's strategies and its default (insert_overwrite), plus delete+insert (as on Trino and
 * DuckDB), which deletes a one-column key's values as literals so Athena skips the files
 * outside them.
 */
const ATHENA_INCREMENTAL: IncrementalRules = {
  engine: 'Athena',
  defaultStrategy: 'insert_overwrite',
  strategies: ['append', 'merge', 'delete+insert', 'insert_overwrite'],
};

export async function createAthenaAdapter(
  target: TargetConfig,
  projectRoot: string,
  options: AdapterOptions = {},
): Promise<Adapter> {
  const profile = resolveAthenaProfile(target);
  const resolved = { ...target, database: profile.catalog };
  const print = options.dryRun;
  if (print) {
    const warehouse = new DryRunWarehouse(print);
    return new AthenaAdapter(resolved, profile, projectRoot, () => warehouse);
  }
  const clients = createClients(profile);
  const context = awsContext(profile);
  // One call up front: a wrong region, a missing workgroup, an unreachable endpoint or missing
  // permissions are one sentence before any model runs.
  try {
    await clients.athena.send(new GetWorkGroupCommand({ WorkGroup: profile.workGroup ?? 'primary' }));
  } catch (error) {
    throw explainAwsError(error, context);
  }
  return new AthenaAdapter(resolved, profile, projectRoot, () => {
    const runner = new AthenaQueryRunner(clients.athena, {
      catalog: profile.catalog,
      schema: profile.schema,
      workGroup: profile.workGroup,
      outputLocation: profile.stagingDir,
      numRetries: profile.numRetries,
      pollIntervalMs: profile.pollIntervalMs,
      queryTimeoutMs: profile.queryTimeoutMs,
      context,
    });
    return new LiveWarehouse(runner, clients.glue, clients.s3, context);
  });
}

class AthenaAdapter implements Adapter<AthenaConnection> {
  readonly type = 'athena';
  // a view read by several nodes is copied once to Parquet: each re-read of a view over raw CSV
  // files is billed for every byte of them
  readonly capabilities: Capabilities = Object.freeze({ ...TRINO_ICEBERG_CAPABILITIES, viewReuse: true });
  readonly viewCopies = new AthenaViewCopies((conn) => this.context(conn));
  readonly incremental = ATHENA_INCREMENTAL;
  /** unchanged inputs are told from Glue versions and S3 listings: a digest query is billed */
  readonly fingerprints = new AthenaFingerprints();
  private readonly schemas = new SchemaRegistry();
  private readonly open = new OpenConnections<AthenaConnection>();
  /** `mdw iceberg …` and `show --as-of`: Trino's metadata-table SQL, Athena's OPTIMIZE and VACUUM */
  readonly iceberg: MetadataTableIcebergOperations<AthenaConnection>;

  constructor(
    readonly target: TargetConfig,
    readonly profile: AthenaProfile,
    private readonly projectRoot: string,
    private readonly warehouse: () => AthenaWarehouse,
  ) {
    const catalog = target.database;
    this.iceberg = new MetadataTableIcebergOperations(
      catalog,
      athenaMaintenance(),
      (schema, table) => new AthenaRelation(catalog, schema, table, 'table'),
      target.schema,
    );
  }

  async connect(): Promise<AthenaConnection> {
    return this.open.track(new AthenaConnection(this.warehouse()));
  }

  quoteIdentifier(name: string): string {
    return `"${name.replaceAll('"', '""')}"`;
  }

  relation(
    database: string,
    schema: string,
    identifier: string,
    type: Relation['type'] = null,
  ): AthenaRelation {
    return new AthenaRelation(database, schema, identifier, type);
  }

  async getRelation(
    conn: AthenaConnection,
    database: string,
    schema: string,
    identifier: string,
  ): Promise<Relation | null> {
    const relation = new AthenaRelation(database, schema, identifier);
    const info = await lookup(this.context(conn), relation);
    if (!info) return null;
    return relation.sibling(identifier, info.kind === 'view' ? 'view' : 'table');
  }

  getColumns(conn: AthenaConnection, relation: Relation): Promise<ColumnDescription[]> {
    return listColumns(conn, this.own(relation));
  }

  /** No landing report: the files are on S3; `mdw upload` checked them on the way. */
  async createExternalSource(
    conn: AthenaConnection,
    source: SourceDefinition,
  ): Promise<LandingReport | null> {
    conn.warehouse.note(`source ${source.source_name}.${source.name}`);
    await createExternalSource(this.context(conn), source);
    return null;
  }

  /** The raw prefix's `partition=<value>` folders (one S3 listing; Athena checks no files itself). */
  async landingFolders(conn: AthenaConnection, source: SourceDefinition): Promise<string[] | null> {
    const location = source.external?.s3_location;
    if (typeof location !== 'string' || !location.trim().startsWith('s3://')) return null;
    return hiveFolderValues(await conn.warehouse.listFolder(location.trim()));
  }

  async materialize(conn: AthenaConnection, request: MaterializeRequest): Promise<MaterializeResult> {
    const { node, sql } = request;
    const relation = this.own(request.relation);
    const plan = planOf(this, request);
    conn.warehouse.note(`${node.resource_type} ${node.name} (${plan.kind})`);
    // no reset here: what the node ran before (its changed partitions, macros that query at
    // compile time, pre-hooks) was scanned for it and counts in its bytes
    const ctx = this.context(conn);
    const result = await (async (): Promise<MaterializeResult> => {
      switch (plan.kind) {
        case 'seed':
          return loadSeed(ctx, node, relation, this.projectRoot);
        case 'view':
          return buildView(ctx, relation, sql);
        case 'table':
          return buildTable(ctx, node, relation, sql, plan);
        case 'incremental':
          return buildIncremental(ctx, node, relation, sql, {
            ...plan,
            changedPartitions: request.changedPartitions ?? null,
          });
        case 'ephemeral':
          return { rowsAffected: null, message: 'EPHEMERAL' };
        case 'snapshot':
          return buildSnapshot(ctx, node, relation, sql, plan.snapshot);
      }
    })();
    return { ...result, bytesScanned: conn.takeScannedBytes() };
  }

  async loadSeed(conn: AthenaConnection, node: ManifestNode, relation: Relation): Promise<MaterializeResult> {
    conn.warehouse.note(`seed ${node.name}`);
    const result = await loadSeed(this.context(conn), node, this.own(relation), this.projectRoot);
    return { ...result, bytesScanned: conn.takeScannedBytes() };
  }

  async runTest(
    conn: AthenaConnection,
    node: ManifestNode,
    sql: string,
    audit: Relation | null,
  ): Promise<TestResult> {
    conn.warehouse.note(`test ${node.name}`);
    const result = await runDataTest(this.context(conn), node, sql, audit ? this.own(audit) : null);
    return { ...result, bytesScanned: conn.takeScannedBytes() };
  }

  async close(): Promise<void> {
    await this.open.closeAll();
  }

  private context(conn: AthenaConnection): BuildContext {
    return { conn, profile: this.profile, schemas: this.schemas };
  }

  private own(relation: Relation): AthenaRelation {
    return relation instanceof AthenaRelation
      ? relation
      : new AthenaRelation(relation.database, relation.schema, relation.identifier, relation.type);
  }
}
