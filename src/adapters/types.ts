/**
 * The adapter seam: one folder per engine (duckdb/, trino/, athena/), each owning its
 * dialect, DDL and materializations. Adapters never import cli/ or run/.
 */
import type { ShrinkGuard } from '../guards/shrink.js';
import type { QuarantineLimits } from '../landing/limits.js';
import type { LandingReport } from '../landing/report.js';
import type { ManifestNode, SourceDefinition, TargetConfig } from '../project/types.js';

export interface Relation {
  database: string;
  schema: string;
  identifier: string;
  type?: 'table' | 'view' | 'external' | null;
  /** the quoted, fully qualified name used in SQL, e.g. "mdw"."mdw_stg"."x" */
  render(): string;
  toString(): string;
}

export interface QueryResult {
  columnNames: string[];
  columnTypes: string[];
  rows: unknown[][];
  /** rows changed by DML, when the engine reports it */
  rowsAffected: number | null;
}

export interface Connection {
  /** Run SQL (one or several statements); returns the last statement's result. */
  query(sql: string): Promise<QueryResult>;
  close(): Promise<void>;
}

/** What the runner asks an adapter to build for one model/seed/snapshot. */
export interface MaterializeRequest {
  node: ManifestNode;
  /** the compiled SELECT (for seeds: empty) */
  sql: string;
  relation: Relation;
  fullRefresh: boolean;
  /** refuses replacing a table with an empty or much smaller one (default: no guard) */
  shrinkGuard?: ShrinkGuard;
}

export interface MaterializeResult {
  /** rows written / inserted / merged; null when not known (views) */
  rowsAffected: number | null;
  /** dbt-style short status: "OK", "CREATE TABLE (123 rows)", "INSERT 5", ... */
  message: string;
}

export interface TestResult {
  failures: number;
  /** name of the audit table holding the failing rows when store_failures is on */
  storedIn?: string | null;
}

export interface ColumnDescription {
  name: string;
  dataType: string;
}

/** One snapshot of a table's history, engine-neutral. */
export interface TableSnapshotInfo {
  snapshotId: string;
  parentId: string | null;
  committedAt: Date;
  operation: string;
  isCurrentAncestor: boolean;
  isCurrent: boolean;
  summary: Record<string, string>;
}

export interface TableFileInfo {
  path: string;
  partition: Record<string, unknown>;
  recordCount: number;
  fileSizeBytes: number;
}

export interface TablePartitionInfo {
  partition: Record<string, unknown>;
  recordCount: number;
  fileCount: number;
  totalSizeBytes: number;
}

/** Where to travel: a snapshot id of some table, or a point in time (ms since the epoch). */
export type AsOf = { snapshotId: string } | { timestampMs: number };

/**
 * Iceberg time travel and maintenance, for targets whose tables are Iceberg
 * (`schema`/`table` name the relation as the warehouse shows it).
 */
export interface IcebergOperations {
  isIcebergTable(schema: string, table: string): boolean;
  history(schema: string, table: string): TableSnapshotInfo[];
  files(schema: string, table: string, snapshotId?: string): TableFileInfo[];
  partitions(schema: string, table: string, snapshotId?: string): TablePartitionInfo[];
  rollback(conn: Connection, schema: string, table: string, snapshotId: string): Promise<void>;
  /** bin-pack small files into files near the target size; one atomic commit */
  optimize(
    conn: Connection,
    schema: string,
    table: string,
    targetFileSizeBytes: number,
  ): Promise<{ filesBefore: number; filesAfter: number }>;
  expireSnapshots(options: {
    schema?: string;
    table?: string;
    olderThanMs?: number;
    retainLast?: number;
  }): Promise<{ table: string; expired: number; deletedFiles: number }[]>;
  removeOrphans(options: {
    schema?: string;
    table?: string;
    olderThanMs?: number;
  }): Promise<{ table: string; deletedFiles: number }[]>;
  /**
   * Make `conn` see every Iceberg table as of a snapshot or time (other relations unchanged);
   * returns the database name under which the past is visible.
   */
  travelTo(conn: Connection, asOf: AsOf): Promise<string>;
}

/** A view's rows, copied for the readers of one invocation (see run/view-reuse.ts). */
export interface ViewCopy {
  relation: Relation;
  rows: number | null;
}

/** Invocation-scoped copies of views' rows, for engines where a copy is cheaper than re-evaluating. */
export interface ViewCopies {
  create(conn: Connection, view: Relation): Promise<ViewCopy>;
  drop(conn: Connection, copy: Relation): Promise<void>;
}

export interface Adapter {
  readonly type: string;
  readonly target: TargetConfig;
  /** Open a new connection (one per runner thread). */
  connect(): Promise<Connection>;
  quoteIdentifier(name: string): string;
  relation(database: string, schema: string, identifier: string, type?: Relation['type']): Relation;
  /** Does the relation exist, and what kind is it? */
  getRelation(
    conn: Connection,
    database: string,
    schema: string,
    identifier: string,
  ): Promise<Relation | null>;
  getColumns(conn: Connection, relation: Relation): Promise<ColumnDescription[]>;
  /** Expose a source that has an external location (CSV files/globs, all VARCHAR) as a view. */
  /**
   * Exposes a source with an external location. For landing CSV files it returns what the
   * landing check counted and quarantined (null when there was nothing to check).
   */
  createExternalSource(
    conn: Connection,
    source: SourceDefinition,
    projectRoot: string,
    limits?: QuarantineLimits,
  ): Promise<LandingReport | null>;
  materialize(conn: Connection, request: MaterializeRequest): Promise<MaterializeResult>;
  /** Load a seed CSV into its table (replacing it). */
  loadSeed(conn: Connection, node: ManifestNode, relation: Relation): Promise<MaterializeResult>;
  /** Run a compiled test query (a SELECT of failing rows). */
  runTest(
    conn: Connection,
    node: ManifestNode,
    sql: string,
    auditRelation: Relation | null,
  ): Promise<TestResult>;
  /** Present when the engine can hold a view's rows for the rest of an invocation. */
  readonly viewCopies?: ViewCopies;
  /** Present when the target's tables are Iceberg tables it can inspect and maintain. */
  readonly iceberg?: IcebergOperations;
  /** Flush and release everything (database file handles). */
  close(): Promise<void>;
}
