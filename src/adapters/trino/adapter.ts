/**
 * The Trino adapter: models become Iceberg tables and views in the profile's catalog, raw
 * sources Hive external CSV tables. Each runner thread gets its own client (its own session),
 * and the build plan comes from shared code (src/materialize) like on every engine.
 */
import { join } from 'node:path';
import type { QuarantineLimits } from '../../landing/limits.js';
import type { LandingReport } from '../../landing/report.js';
import type { ManifestNode, SourceDefinition, TargetConfig } from '../../manifest/types.js';
import type { IncrementalRules } from '../../materialize/incremental.js';
import { ExecutionError } from '../../util/errors.js';
import { OpenConnections } from '../open-connections.js';
import { planOf } from '../plan-request.js';
import type {
  Adapter,
  Capabilities,
  ColumnDescription,
  MaterializeRequest,
  MaterializeResult,
  Relation,
  TestResult,
} from '../types.js';
import { TRINO_ICEBERG_CAPABILITIES } from './capabilities.js';
import { findRelation, listColumns, SchemaRegistry } from './catalog.js';
import { TrinoClient } from './client.js';
import { TrinoConnection } from './connection.js';
import { createExternalSource } from './external-source.js';
import { MetadataTableIcebergOperations } from './iceberg.js';
import { trinoMaintenance } from './iceberg-maintenance.js';
import { buildIncremental, buildTable, buildView } from './materialize.js';
import { clientOptions, resolveTrinoProfile, type TrinoProfile } from './profile.js';
import { TrinoRelation } from './relation.js';
import { loadSeed } from './seed.js';
import { buildSnapshot } from './snapshot.js';
import { runDataTest } from './tests.js';

/** dbt-trino's strategies and default (append), plus Athena's insert_overwrite. */
const TRINO_INCREMENTAL: IncrementalRules = {
  engine: 'Trino',
  defaultStrategy: 'append',
  strategies: ['append', 'merge', 'delete+insert', 'insert_overwrite', 'microbatch'],
};

export async function createTrinoAdapter(target: TargetConfig, projectRoot: string): Promise<Adapter> {
  const profile = resolveTrinoProfile(target);
  const adapter = new TrinoAdapter({ ...target, database: profile.catalog }, profile, projectRoot);
  // One round trip up front: a down server, wrong credentials or an unknown catalog are one
  // sentence before any model runs.
  const probe = await adapter.connect();
  try {
    const found = await probe.query(
      `select count(*) from system.metadata.catalogs where catalog_name = '${profile.catalog.replace(/'/g, "''")}'`,
    );
    if (Number(found.rows[0]?.[0]) === 0)
      throw new ExecutionError(
        `Profile ${target.profile_name}, target ${target.name}: Trino at ${profile.server} has no catalog '${profile.catalog}'.`,
      );
  } finally {
    await probe.close();
  }
  return adapter;
}

class TrinoAdapter implements Adapter<TrinoConnection> {
  readonly type = 'trino';
  readonly capabilities: Capabilities = TRINO_ICEBERG_CAPABILITIES;
  readonly incremental = TRINO_INCREMENTAL;
  private readonly schemas = new SchemaRegistry();
  private readonly open = new OpenConnections<TrinoConnection>();
  /** `mdw iceberg …` and `show --as-of` on the profile's (Iceberg) catalog */
  readonly iceberg: MetadataTableIcebergOperations<TrinoConnection>;

  constructor(
    readonly target: TargetConfig,
    private readonly profile: TrinoProfile,
    private readonly projectRoot: string,
  ) {
    const catalog = target.database;
    this.iceberg = new MetadataTableIcebergOperations(
      catalog,
      trinoMaintenance(catalog),
      (schema, table) => new TrinoRelation(catalog, schema, table, 'table'),
      target.schema,
    );
  }

  async connect(): Promise<TrinoConnection> {
    return this.open.track(new TrinoConnection(new TrinoClient(clientOptions(this.profile))));
  }

  quoteIdentifier(name: string): string {
    return TrinoRelation.quote(name);
  }

  relation(
    database: string,
    schema: string,
    identifier: string,
    type: Relation['type'] = null,
  ): TrinoRelation {
    return new TrinoRelation(database, schema, identifier, type);
  }

  getRelation(
    conn: TrinoConnection,
    database: string,
    schema: string,
    identifier: string,
  ): Promise<Relation | null> {
    return findRelation(conn, database, schema, identifier);
  }

  getColumns(conn: TrinoConnection, relation: Relation): Promise<ColumnDescription[]> {
    return listColumns(conn, relation);
  }

  /** Landing CSVs are counted independently and damaged lines quarantined, as on the local target. */
  createExternalSource(
    conn: TrinoConnection,
    source: SourceDefinition,
    projectRoot: string,
    limits: QuarantineLimits = { maxRows: null, maxPercent: null },
  ): Promise<LandingReport | null> {
    return createExternalSource(conn, this.schemas, source, projectRoot, {
      hiveCatalog: this.profile.hiveCatalog,
      targetCatalog: this.target.database,
      linkRoot: join(projectRoot, 'target', 'trino-sources'),
      landing: { catalog: this.target.database, quarantineSchema: `${this.target.schema}_dqm`, limits },
    });
  }

  async materialize(conn: TrinoConnection, request: MaterializeRequest): Promise<MaterializeResult> {
    const { node, sql } = request;
    const relation = this.own(request.relation);
    const plan = planOf(this, request);
    switch (plan.kind) {
      case 'seed':
        return this.loadSeed(conn, node, relation);
      case 'view':
        return buildView(conn, this.schemas, relation, sql);
      case 'table':
        return buildTable(conn, this.schemas, node, relation, sql, plan);
      case 'incremental':
        return buildIncremental(conn, this.schemas, node, relation, sql, plan);
      case 'ephemeral':
        return { rowsAffected: null, message: 'EPHEMERAL' };
      case 'snapshot':
        return buildSnapshot(conn, this.schemas, node, relation, sql, plan.snapshot);
    }
  }

  loadSeed(conn: TrinoConnection, node: ManifestNode, relation: Relation): Promise<MaterializeResult> {
    return loadSeed(conn, this.schemas, node, this.own(relation), this.projectRoot);
  }

  runTest(
    conn: TrinoConnection,
    node: ManifestNode,
    sql: string,
    audit: Relation | null,
  ): Promise<TestResult> {
    return runDataTest(conn, this.schemas, node, sql, audit);
  }

  async close(): Promise<void> {
    await this.open.closeAll();
  }

  private own(relation: Relation): TrinoRelation {
    return relation instanceof TrinoRelation
      ? relation
      : new TrinoRelation(relation.database, relation.schema, relation.identifier, relation.type);
  }
}
