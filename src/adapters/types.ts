/**
 * The adapter seam: one folder per engine (duckdb/, trino/, athena/), each owning its
 * dialect, DDL and materializations. Adapters never import cli/ or run/.
 */

import type { ShrinkGuard } from '../guards/shrink.js';
import type { QuarantineLimits } from '../landing/limits.js';
import type { LandingReport } from '../landing/report.js';
import type { ManifestNode, SourceDefinition, TargetConfig } from '../manifest/types.js';
import type { IncrementalRules } from '../materialize/incremental.js';
import type { MaterializationPlan } from '../materialize/plan.js';

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
  /** Count the rows the engine's file readers return, until stopRawRowCount (engines that can tell). */
  startRawRowCount?(): Promise<void>;
  stopRawRowCount?(): Promise<RawRowsRead>;
}

/** Rows a node's statements read from raw files: in all, and by source (`source_name.name`). */
export interface RawRowsRead {
  total: number;
  bySource: Record<string, number>;
}

/** What the runner asks an adapter to build for one model/seed/snapshot. */
export interface MaterializeRequest {
  node: ManifestNode;
  /** the compiled SELECT (for seeds: empty) */
  sql: string;
  relation: Relation;
  fullRefresh: boolean;
  /** what to build, planned by shared code (src/materialize/plan.ts); planned by the adapter when absent */
  plan?: MaterializationPlan;
  /** refuses replacing a table with an empty or much smaller one (default: no guard) */
  shrinkGuard?: ShrinkGuard;
  /**
   * An incremental run's changed partitions (src/run/changed-partitions.ts): those of the new
   * rows and of the rows they replace. An engine whose merge scans the whole target may limit
   * the target to them. Absent or null: not known.
   */
  changedPartitions?: readonly string[] | null;
  /**
   * The new rows of an incremental run, already kept in a table for this invocation (`sql`
   * reads it): an engine may read that table in place of copying the rows once more. It is
   * the caller's to drop.
   */
  newRows?: Relation;
}

export interface MaterializeResult {
  /** rows written / inserted / merged; null when not known (views) */
  rowsAffected: number | null;
  /** dbt-style short status: "OK", "CREATE TABLE (123 rows)", "INSERT 5", ... */
  message: string;
  /** bytes the engine read to build it, when it reports them (Athena's DataScannedInBytes) */
  bytesScanned?: number;
}

export interface TestResult {
  failures: number;
  /** bytes the engine read to run it, when it reports them */
  bytesScanned?: number;
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

/** One Iceberg table reference of a query read through scan planning. */
export interface PrunedRead {
  /** `schema.table` */
  relation: string;
  /** the filters that planned it, as SQL (`sales_at >= '2018-03-01'`) */
  filters: string[];
  filesRead: number;
  filesTotal: number;
}

/**
 * Iceberg time travel and maintenance, for targets whose tables are Iceberg (`schema`/`table`
 * name the relation as the warehouse shows it). Every method is async and takes a connection,
 * so an engine may answer from its own metadata tables over the network.
 */
export interface IcebergOperations<C extends Connection = Connection> {
  /** the Iceberg tables of the warehouse (of one schema) */
  listTables(conn: C, schema?: string): Promise<{ schema: string; table: string }[]>;
  isIcebergTable(conn: C, schema: string, table: string): Promise<boolean>;
  history(conn: C, schema: string, table: string): Promise<TableSnapshotInfo[]>;
  /** live data files; with `where` (`col >= 'v'`) only those a scan with that filter must read */
  files(
    conn: C,
    schema: string,
    table: string,
    snapshotId?: string,
    where?: string,
  ): Promise<TableFileInfo[]>;
  partitions(conn: C, schema: string, table: string, snapshotId?: string): Promise<TablePartitionInfo[]>;
  rollback(conn: C, schema: string, table: string, snapshotId: string): Promise<void>;
  /** bin-pack small files into files near the target size; one atomic commit */
  optimize(
    conn: C,
    schema: string,
    table: string,
    targetFileSizeBytes: number,
  ): Promise<{ filesBefore: number; filesAfter: number }>;
  expireSnapshots(
    conn: C,
    options: { schema?: string; table?: string; olderThanMs?: number; retainLast?: number },
  ): Promise<{ table: string; expired: number; deletedFiles: number | null }[]>;
  /** `deletedFiles` is null on engines that do not report what they deleted (Trino, Athena) */
  removeOrphans(
    conn: C,
    options: { schema?: string; table?: string; olderThanMs?: number },
  ): Promise<{ table: string; deletedFiles: number | null }[]>;
  /**
   * Time travel: a relation that reads the Iceberg table `relation` as of a snapshot or time
   * (its render() is what SQL names; on some engines a `FOR VERSION AS OF` clause).
   */
  relationAsOf(conn: C, relation: Relation, asOf: AsOf): Promise<Relation>;
  /**
   * Time travel for SQL written by hand: names on `conn` that are not fully qualified
   * (`schema.table`) resolve to the warehouse as of a snapshot or time from now on. An engine
   * that cannot redirect names on the connection returns a rewrite to apply to that SQL instead.
   */
  resolveNamesAsOf(conn: C, asOf: AsOf): Promise<((sql: string) => string) | undefined>;
  /**
   * Scan planning for an engine that does not skip an Iceberg table's files on its own: `sql`
   * rewritten so each table it filters (`col op constant` in a WHERE) reads only the files
   * that may hold matching rows, and what was planned. Engines that plan scans from the
   * manifests themselves leave it out.
   */
  pruneReads?(conn: C, sql: string): Promise<{ sql: string; reads: PrunedRead[] }>;
  /** Adds a table at an existing metadata file of the warehouse (engines that own a catalog) */
  registerTable?(
    conn: C,
    schema: string,
    table: string,
    metadataFile: string,
  ): Promise<{ location: string; snapshots: number }>;
  /** Rebuilds a lost catalog from the metadata files in the warehouse folder */
  recoverCatalog?(
    conn: C,
  ): Promise<{ table: string; location: string; snapshots: number; skipped: string[] }[]>;
  /** Points a table whose current metadata is damaged at its newest earlier metadata file that reads whole */
  rollbackMetadata?(
    conn: C,
    schema: string,
    table: string,
  ): Promise<{ from: string; to: string; skipped: string[] }>;
}

/** A view's rows, copied for the readers of one invocation (see run/view-reuse.ts). */
export interface ViewCopy {
  relation: Relation;
  rows: number | null;
}

/** Invocation-scoped copies of views' rows, for engines where a copy is cheaper than re-evaluating. */
export interface ViewCopies<C extends Connection = Connection> {
  /**
   * true: copy right after the view is built (a cheap copy; its line reports the rows kept),
   * unless every reader may be reused (run/unchanged-inputs.ts); false: only when the first
   * reader that runs its own SQL needs it, so a run whose readers are all reused pays for no
   * copy (an engine that bills reads)
   */
  readonly eager: boolean;
  /**
   * `where`: '' for every row, else a ` where ...` clause the copy keeps the rows of.
   * `connectionOnly`: only `conn` reads the copy, and only while one node builds (an
   * incremental run's new rows); an engine may keep it beside that connection (in memory).
   */
  create(conn: C, view: Relation, where?: string, options?: { connectionOnly?: boolean }): Promise<ViewCopy>;
  drop(conn: C, copy: Relation): Promise<void>;
}

/**
 * Identities of relations that need no read of their rows where the engine keeps versions
 * (an Iceberg table's metadata file, a view's text, a landing's file listing), for reusing
 * unchanged nodes and telling settled inputs (run/unchanged-inputs.ts): on Athena a digest
 * query would be billed for the bytes reuse saves, and locally it would read what reuse skips.
 * Each identity changes whenever the rows may have changed; null when it cannot be told (then
 * the readers build as usual).
 */
export interface RelationFingerprints<C extends Connection = Connection> {
  /**
   * a table's current version (an Iceberg table's metadata file), a view's definition; with
   * `scan: false`, null where only reading the rows would tell (a table without versions)
   */
  relation(conn: C, relation: Relation, options?: { scan?: boolean }): Promise<string | null>;
  /** a source's definition and its files (names, sizes, checksums) */
  source(conn: C, source: SourceDefinition): Promise<string | null>;
}

/**
 * Write-Audit-Publish (run/publish.ts): between begin() and publish()/discard() the adapter's
 * table commits are staged — written, readable by this invocation's connections (its later
 * models and data tests), invisible to every other reader — and publish() makes all of them
 * visible at once. An engine without a multi-table atomic commit leaves this out (its commits
 * stay per table); docs/reliability.md describes what Trino or Athena would implement.
 */
export interface StagedPublishing {
  /** Start staging. Leftovers of builds that died before publishing are discarded first. */
  begin(): Promise<void>;
  /** Tables staged so far, as `schema.table`. Synchronous: Ctrl-C asks it. */
  staged(): string[];
  /**
   * Publish every staged table in one atomic commit and stop staging; returns the tables.
   * Throws (nothing published) when another writer changed one of them since it was staged.
   */
  publish(): Promise<string[]>;
  /** Drop everything staged (the published tables are untouched) and stop staging. */
  discard(): Promise<string[]>;
}

/**
 * What an engine can do, so shared code asks instead of naming engines. An adapter states only
 * what differs from DEFAULT_CAPABILITIES (see withCapabilities).
 */
export interface Capabilities {
  /** BEGIN/COMMIT/ROLLBACK around several statements */
  transactions: boolean;
  /** several statements in one query() call */
  multiStatement: boolean;
  /** a table is replaced without readers ever seeing it missing */
  atomicReplace: boolean;
  /** MERGE INTO */
  merge: boolean;
  /** DELETE/UPDATE of single rows (else whole files or partitions are rewritten) */
  rowLevelDeletes: boolean;
  /** a view's rows can be kept for the rest of an invocation (Adapter.viewCopies) */
  viewReuse: boolean;
  /**
   * at most this many partitions per write statement (null: no limit); the plan then splits
   * partitioned writes into batches (src/materialize/batches.ts)
   */
  maxPartitionsPerWrite: number | null;
}

export const DEFAULT_CAPABILITIES: Readonly<Capabilities> = Object.freeze({
  transactions: false,
  multiStatement: false,
  atomicReplace: false,
  merge: false,
  rowLevelDeletes: false,
  viewReuse: false,
  maxPartitionsPerWrite: null,
});

export function withCapabilities(overrides: Partial<Capabilities>): Capabilities {
  return { ...DEFAULT_CAPABILITIES, ...overrides };
}

/**
 * One engine behind the core. `C` is the engine's own connection class: the runner gets
 * connections from connect() and hands them back, so an engine never downcasts.
 */
export interface Adapter<C extends Connection = Connection> {
  readonly type: string;
  readonly target: TargetConfig;
  readonly capabilities: Capabilities;
  /** the incremental strategies the engine implements and its default (dbt adapters differ) */
  readonly incremental: IncrementalRules;
  /** Open a new connection (one per runner thread). */
  connect(): Promise<C>;
  quoteIdentifier(name: string): string;
  relation(database: string, schema: string, identifier: string, type?: Relation['type']): Relation;
  /** Does the relation exist, and what kind is it? */
  getRelation(conn: C, database: string, schema: string, identifier: string): Promise<Relation | null>;
  getColumns(conn: C, relation: Relation): Promise<ColumnDescription[]>;
  /** Expose a source that has an external location (CSV files/globs, all VARCHAR) as a view. */
  /**
   * Exposes a source with an external location. For landing CSV files it returns what the
   * landing check counted and quarantined (null when there was nothing to check).
   */
  createExternalSource(
    conn: C,
    source: SourceDefinition,
    projectRoot: string,
    limits?: QuarantineLimits,
  ): Promise<LandingReport | null>;
  /**
   * For an engine that reads a source in place and checks no landing files itself (no report):
   * the values of the source's Hive-style `partition=<value>` folders, or null when its files
   * are not all in such folders. Lets a run narrow the source's readers to new folders.
   */
  landingFolders?(conn: C, source: SourceDefinition): Promise<string[] | null>;
  materialize(conn: C, request: MaterializeRequest): Promise<MaterializeResult>;
  /** Load a seed CSV into its table (replacing it). */
  loadSeed(conn: C, node: ManifestNode, relation: Relation): Promise<MaterializeResult>;
  /** Run a compiled test query (a SELECT of failing rows). */
  runTest(conn: C, node: ManifestNode, sql: string, auditRelation: Relation | null): Promise<TestResult>;
  /** Present when the engine can hold a view's rows for the rest of an invocation. */
  readonly viewCopies?: ViewCopies<C>;
  /** Present when unchanged nodes are told by catalog versions and file listings, not content digests. */
  readonly fingerprints?: RelationFingerprints<C>;
  /** Present when the target's tables are Iceberg tables it can inspect and maintain. */
  readonly iceberg?: IcebergOperations<C>;
  /** Present when the engine can stage a build's table commits and publish them together. */
  readonly publishing?: StagedPublishing;
  /** Flush and release everything (database file handles). */
  close(): Promise<void>;
}
