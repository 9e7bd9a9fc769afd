/** Iceberg time travel and maintenance on the local lakehouse (the adapter's `iceberg`). */
import { discardDeadStages, type IcebergTable, type Snapshot } from '../../../lakehouse/iceberg/index.js';
import { parseColumnFilters, planFilesForAll } from '../../../lakehouse/iceberg/prune.js';
import {
  type RecoveredTable,
  recoverTables,
  registerTable,
  rollbackMetadata,
} from '../../../lakehouse/iceberg/recovery.js';
import { ExecutionError } from '../../../util/errors.js';
import { quoteIdentifier } from '../../sql-helpers.js';
import type {
  AsOf,
  IcebergOperations,
  PrunedRead,
  Relation,
  TableFileInfo,
  TablePartitionInfo,
  TableSnapshotInfo,
} from '../../types.js';
import type { DuckDbConnection } from '../connection.js';
import type { BuildContext } from '../materializations/context.js';
import { DuckDbRelation } from '../relation.js';
import { duckDbRewriter } from './compaction.js';
import { scanLiveSql } from './delete-scan.js';
import { pruneReads, viewReadsSnapshot } from './filtered-read.js';
import type { LocalLakehouse } from './lakehouse.js';

/** The in-memory catalog attached for time travel: views over tables' past snapshots. */
const AS_OF_CATALOG = 'mdw_as_of';

/** The catalog file holds the whole truth; the connection is only needed to write data and views. */
export class LocalIcebergOperations implements IcebergOperations<DuckDbConnection> {
  constructor(
    private readonly lake: LocalLakehouse,
    private readonly ctx: BuildContext,
    private readonly database: string,
  ) {}

  async listTables(_conn: DuckDbConnection, schema?: string): Promise<{ schema: string; table: string }[]> {
    return this.tables(schema).map((table) => ({ schema: table.namespace, table: table.name }));
  }

  async isIcebergTable(_conn: DuckDbConnection, schema: string, table: string): Promise<boolean> {
    return this.isIceberg(schema, table);
  }

  private isIceberg(schema: string, table: string): boolean {
    return this.lake.exists && this.lake.catalog.tableExists(schema, table);
  }

  private load(schema: string, table: string): IcebergTable {
    if (!this.isIceberg(schema, table)) {
      throw new ExecutionError(`${schema}.${table} is not an Iceberg table of this warehouse.`);
    }
    return this.lake.catalog.loadTable(schema, table);
  }

  async history(_conn: DuckDbConnection, schema: string, table: string): Promise<TableSnapshotInfo[]> {
    const loaded = this.load(schema, table);
    const current = loaded.currentSnapshot()?.['snapshot-id'];
    return loaded.history().map((entry) => ({
      snapshotId: entry.snapshotId.toString(),
      parentId: entry.parentId === null ? null : entry.parentId.toString(),
      committedAt: new Date(entry.timestampMs),
      operation: entry.operation,
      isCurrentAncestor: entry.isCurrentAncestor,
      isCurrent: entry.snapshotId === current,
      summary: entry.summary,
    }));
  }

  async files(
    _conn: DuckDbConnection,
    schema: string,
    table: string,
    snapshotId?: string,
    where?: string,
  ): Promise<TableFileInfo[]> {
    const loaded = this.load(schema, table);
    const snapshot = snapshotOf(loaded, snapshotId);
    const files =
      where === undefined
        ? loaded.dataFiles(snapshot)
        : planFilesForAll(loaded, parseColumnFilters(where), snapshot);
    return files.map((file) => ({
      path: file.localPath,
      partition: { ...file.partition },
      recordCount: Number(file.recordCount),
      fileSizeBytes: Number(file.fileSizeInBytes),
    }));
  }

  async partitions(
    _conn: DuckDbConnection,
    schema: string,
    table: string,
    snapshotId?: string,
  ): Promise<TablePartitionInfo[]> {
    const loaded = this.load(schema, table);
    return loaded.partitions(snapshotOf(loaded, snapshotId)).map((info) => ({
      partition: { ...info.partition },
      recordCount: Number(info.recordCount),
      fileCount: info.fileCount,
      totalSizeBytes: Number(info.totalSizeBytes),
    }));
  }

  async rollback(conn: DuckDbConnection, schema: string, table: string, snapshotId: string): Promise<void> {
    const loaded = this.load(schema, table);
    await loaded.rollback(snapshotOf(loaded, snapshotId)!);
    await this.lake.expose(conn, this.ctx, this.relation(schema, table), loaded);
  }

  async optimize(
    conn: DuckDbConnection,
    schema: string,
    table: string,
    targetFileSizeBytes: number,
  ): Promise<{ filesBefore: number; filesAfter: number }> {
    const loaded = this.load(schema, table);
    const filesBefore = loaded.dataFiles().length;
    await loaded.compact(duckDbRewriter(conn.duckdb, loaded), targetFileSizeBytes);
    await this.lake.expose(conn, this.ctx, this.relation(schema, table), loaded);
    return { filesBefore, filesAfter: loaded.dataFiles().length };
  }

  async expireSnapshots(
    _conn: DuckDbConnection,
    options: { schema?: string; table?: string; olderThanMs?: number; retainLast?: number },
  ): Promise<{ table: string; expired: number; deletedFiles: number }[]> {
    const results = [];
    for (const loaded of this.tables(options.schema, options.table)) {
      const result = await loaded.expireSnapshots({
        olderThanMs: options.olderThanMs,
        retainLast: options.retainLast,
      });
      results.push({
        table: loaded.identifier,
        expired: result.expiredSnapshotIds.length,
        deletedFiles: result.deletedFiles.length,
      });
    }
    return results;
  }

  async removeOrphans(
    _conn: DuckDbConnection,
    options: { schema?: string; table?: string; olderThanMs?: number },
  ): Promise<{ table: string; deletedFiles: number }[]> {
    // What builds that died before publishing staged goes first (their files, their pointers).
    if (this.lake.exists) discardDeadStages(this.lake.catalog);
    const results = [];
    for (const loaded of this.tables(options.schema, options.table)) {
      const deleted = await loaded.removeOrphans({ olderThanMs: options.olderThanMs });
      results.push({ table: loaded.identifier, deletedFiles: deleted.length });
    }
    return results;
  }

  async registerTable(
    conn: DuckDbConnection,
    schema: string,
    table: string,
    metadataFile: string,
  ): Promise<{ location: string; snapshots: number }> {
    const result = registerTable(this.lake.catalog, schema, table, metadataFile);
    await this.lake.syncViews(conn, this.ctx, this.database);
    return result;
  }

  async recoverCatalog(conn: DuckDbConnection): Promise<RecoveredTable[]> {
    const result = recoverTables(this.lake.catalog);
    await this.lake.syncViews(conn, this.ctx, this.database);
    return result;
  }

  async rollbackMetadata(
    conn: DuckDbConnection,
    schema: string,
    table: string,
  ): Promise<{ from: string; to: string; skipped: string[] }> {
    const result = rollbackMetadata(this.lake.catalog, schema, table);
    await this.lake.syncViews(conn, this.ctx, this.database);
    return result;
  }

  /** A view in the time-travel catalog over the table's files at that snapshot. */
  async relationAsOf(conn: DuckDbConnection, relation: Relation, asOf: AsOf): Promise<Relation> {
    const table = this.load(relation.schema, relation.identifier);
    checkSnapshotExists(this.tables(), asOf);
    const past = new DuckDbRelation(AS_OF_CATALOG, relation.schema, relation.identifier, 'view');
    await this.attachAsOfCatalog(conn, [relation.schema]);
    await this.createPastView(conn, past, table, asOf);
    return past;
  }

  /**
   * Fill the time-travel catalog with one view per relation of the warehouse: Iceberg tables at
   * their snapshot as of the request, everything else passed through; then make it the default
   * catalog, so `schema.table` in hand-written SQL resolves to the past.
   */
  async resolveNamesAsOf(conn: DuckDbConnection, asOf: AsOf): Promise<undefined> {
    const tables = this.tables();
    checkSnapshotExists(tables, asOf);
    const iceberg = new Map(tables.map((table) => [`${table.namespace}.${table.name}`.toLowerCase(), table]));
    const relations = await conn.query(`
      select schema_name, table_name from duckdb_tables() where database_name = current_database() and not temporary
      union all
      select schema_name, view_name from duckdb_views() where database_name = current_database() and not internal and not temporary`);
    const names = relations.rows.map((row) => [String(row[0]), String(row[1])] as const);
    await this.attachAsOfCatalog(conn, [...new Set(names.map(([schema]) => schema))]);
    for (const [schema, name] of names) {
      const past = new DuckDbRelation(AS_OF_CATALOG, schema, name, 'view');
      const table = iceberg.get(`${schema}.${name}`.toLowerCase());
      if (table) await this.createPastView(conn, past, table, asOf);
      else
        await conn.query(
          `create or replace view ${past.render()} as select * from ${this.relation(schema, name).render()}`,
        );
    }
    await conn.query(`use ${AS_OF_CATALOG}`);
    return undefined;
  }

  async pruneReads(conn: DuckDbConnection, sql: string): Promise<{ sql: string; reads: PrunedRead[] }> {
    return pruneReads(
      {
        query: (text) => conn.query(text),
        icebergTable: async (catalog, schema, table) => {
          if (catalog !== '' && catalog.toLowerCase() !== this.database.toLowerCase()) return undefined;
          if (!this.isIceberg(schema, table)) return undefined;
          const loaded = this.lake.catalog.loadTable(schema, table);
          // a view that reads other files (a build publishing right now) is read as it is
          return (await viewReadsSnapshot(conn, loaded)) ? loaded : undefined;
        },
      },
      sql,
    );
  }

  private async attachAsOfCatalog(conn: DuckDbConnection, schemas: string[]): Promise<void> {
    await conn.query(`attach if not exists ':memory:' as ${AS_OF_CATALOG}`);
    for (const schema of schemas)
      await conn.query(`create schema if not exists ${AS_OF_CATALOG}.${quoteIdentifier(schema)}`);
  }

  /** The view over `table` as of the request; none when the table did not exist yet then. */
  private async createPastView(
    conn: DuckDbConnection,
    past: Relation,
    table: IcebergTable,
    asOf: AsOf,
  ): Promise<void> {
    const snapshot = snapshotAsOf(table, asOf);
    if (!snapshot) return;
    const id = snapshot['snapshot-id'];
    await conn.query(`create or replace view ${past.render()} as ${scanLiveSql(table, id)}`);
  }

  private relation(schema: string, table: string): DuckDbRelation {
    return new DuckDbRelation(this.database, schema, table, 'view');
  }

  private tables(schema?: string, table?: string): IcebergTable[] {
    if (!this.lake.exists) return [];
    if (schema && table) return [this.load(schema, table)];
    return this.lake.catalog
      .listTables(schema)
      .map(({ namespace, name }) => this.lake.catalog.loadTable(namespace, name));
  }
}

function snapshotOf(table: IcebergTable, snapshotId?: string): bigint | undefined {
  if (snapshotId === undefined) return undefined;
  let id: bigint;
  try {
    id = BigInt(snapshotId);
  } catch {
    throw new ExecutionError(`'${snapshotId}' is not a snapshot id (a whole number).`);
  }
  if (!table.snapshots().some((s) => s['snapshot-id'] === id)) {
    throw new ExecutionError(`Iceberg table ${table.identifier} has no snapshot ${snapshotId}.`);
  }
  return id;
}

/** A snapshot id must belong to some table of the warehouse (else it is a typo). */
function checkSnapshotExists(tables: IcebergTable[], asOf: AsOf): void {
  if ('timestampMs' in asOf) {
    const first = Math.min(...tables.flatMap((t) => t.snapshots().map((s) => Number(s['timestamp-ms']))));
    if (Number.isFinite(first) && asOf.timestampMs < first) {
      throw new ExecutionError(
        `--as-of ${new Date(asOf.timestampMs).toISOString()} is before the first Iceberg snapshot of this warehouse ` +
          `(${new Date(first).toISOString()}); use a later time, or a snapshot id from \`mdw iceberg history\`.`,
      );
    }
    return;
  }
  const wanted = BigInt(asOf.snapshotId);
  if (!tables.some((t) => t.snapshots().some((s) => s['snapshot-id'] === wanted))) {
    throw new ExecutionError(`No Iceberg table of this warehouse has a snapshot ${asOf.snapshotId}.`);
  }
}

/** The table's snapshot as of a time, or the asked snapshot when it is this table's (else its current one). */
function snapshotAsOf(table: IcebergTable, asOf: AsOf): Snapshot | undefined {
  if ('timestampMs' in asOf) return table.snapshotAsOf(asOf.timestampMs);
  const wanted = BigInt(asOf.snapshotId);
  return table.snapshots().some((s) => s['snapshot-id'] === wanted)
    ? table.snapshot(wanted)
    : table.currentSnapshot();
}
