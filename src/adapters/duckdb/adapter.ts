/** The DuckDB adapter: one embedded instance per adapter, one connection per runner thread. */
import { DuckDBInstance } from '@duckdb/node-api';
import type { ManifestNode, SourceDefinition, TargetConfig } from '../../project/types.js';
import { ConfigError, ExecutionError } from '../../util/errors.js';
import { quoteIdentifier } from '../sql-helpers.js';
import type {
  Adapter,
  ColumnDescription,
  Connection,
  MaterializeRequest,
  MaterializeResult,
  Relation,
  TestResult,
} from '../types.js';
import { findRelation, listColumns, SchemaRegistry } from './catalog.js';
import { DuckDbConnection } from './connection.js';
import { conciseDuckDbMessage } from './errors.js';
import { createExternalSourceView } from './external-source.js';
import type { BuildContext } from './materializations/context.js';
import { buildIncremental } from './materializations/incremental.js';
import { loadSeed } from './materializations/seed.js';
import { buildSnapshot } from './materializations/snapshot.js';
import { buildTable } from './materializations/table.js';
import { buildView } from './materializations/view.js';
import { type DuckDbProfile, resolveDuckDbProfile } from './profile.js';
import { DuckDbRelation } from './relation.js';
import { runDataTest } from './tests.js';

export interface DuckDbAdapterOptions {
  /** where non-fatal notices go (default: stderr) */
  warn?: (message: string) => void;
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
  try {
    instance = await DuckDBInstance.create(profile.path, profile.instanceOptions);
  } catch (error) {
    const reason = conciseDuckDbMessage(error instanceof Error ? error.message : String(error));
    throw new ConfigError(`Could not open DuckDB database ${profile.path}: ${reason}`);
  }
  if (target.database && target.database !== profile.catalog) {
    warn(
      `Profile ${target.profile_name}: database '${target.database}' is ignored; DuckDB names it '${profile.catalog}'.`,
    );
  }
  const resolved: TargetConfig = { ...target, database: profile.catalog, schema: target.schema || 'main' };
  const adapter = new DuckDbAdapter(instance, resolved, profile, projectRoot, warn);
  // Fail early (and clearly) on bad `settings` rather than in the first model.
  const probe = await adapter.connect();
  await probe.close();
  return adapter;
}

class DuckDbAdapter implements Adapter {
  readonly type = 'duckdb';
  private readonly open = new Set<DuckDbConnection>();
  private readonly context: BuildContext;
  private closed = false;

  constructor(
    private readonly instance: DuckDBInstance,
    readonly target: TargetConfig,
    private readonly profile: DuckDbProfile,
    private readonly projectRoot: string,
    warn: (message: string) => void,
  ) {
    this.context = { schemas: new SchemaRegistry(), warn };
  }

  async connect(): Promise<Connection> {
    if (this.closed) throw new ExecutionError('The DuckDB adapter is closed.');
    const conn = new DuckDbConnection(await this.instance.connect(), (closed) => this.open.delete(closed));
    this.open.add(conn);
    for (const statement of this.profile.setStatements) {
      try {
        await conn.query(statement);
      } catch (error) {
        await conn.close();
        throw new ConfigError(
          `Profile ${this.target.profile_name}: invalid DuckDB setting (${statement}): ${(error as Error).message}`,
        );
      }
    }
    return conn;
  }

  quoteIdentifier(name: string): string {
    return quoteIdentifier(name);
  }

  relation(database: string, schema: string, identifier: string, type: Relation['type'] = null): Relation {
    return new DuckDbRelation(database, schema, identifier, type);
  }

  getRelation(
    conn: Connection,
    database: string,
    schema: string,
    identifier: string,
  ): Promise<Relation | null> {
    return findRelation(conn, database, schema, identifier);
  }

  getColumns(conn: Connection, relation: Relation): Promise<ColumnDescription[]> {
    return listColumns(conn, relation);
  }

  createExternalSource(conn: Connection, source: SourceDefinition, projectRoot: string): Promise<void> {
    return createExternalSourceView(conn, this.context, source, projectRoot, this.target.database);
  }

  async materialize(conn: Connection, request: MaterializeRequest): Promise<MaterializeResult> {
    const { node, relation, sql } = request;
    if (node.resource_type === 'snapshot') return buildSnapshot(conn, this.context, request);
    if (node.resource_type === 'seed') return this.loadSeed(conn, node, relation);
    const materialized = String(node.config.materialized ?? 'view').toLowerCase();
    switch (materialized) {
      case 'view':
        return buildView(conn, this.context, relation, sql);
      case 'table':
        return buildTable(conn, this.context, relation, sql);
      case 'incremental':
        return buildIncremental(conn, this.context, request);
      case 'ephemeral':
        // The compiler inlines ephemeral models as CTEs; nothing exists in the database.
        return { rowsAffected: null, message: 'EPHEMERAL' };
      default:
        throw new ExecutionError(
          `Model ${node.name} uses materialization '${materialized}', which the DuckDB adapter does not support ` +
            `(use view, table, incremental or ephemeral).`,
        );
    }
  }

  loadSeed(conn: Connection, node: ManifestNode, relation: Relation): Promise<MaterializeResult> {
    return loadSeed(conn, this.context, node, relation, this.projectRoot);
  }

  runTest(
    conn: Connection,
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
    // Closing the instance checkpoints the WAL into the database file.
    this.instance.closeSync();
  }
}
