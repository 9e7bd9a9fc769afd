/** Iceberg time travel and maintenance on the local lakehouse (the adapter's `iceberg`). */
import type { IcebergTable, Snapshot } from '../../../lakehouse/iceberg/index.js';
import { readFilesSql } from '../../../lakehouse/iceberg/index.js';
import { ExecutionError } from '../../../util/errors.js';
import { quoteIdentifier } from '../../sql-helpers.js';
import type {
  AsOf,
  Connection,
  IcebergOperations,
  TableFileInfo,
  TablePartitionInfo,
  TableSnapshotInfo,
} from '../../types.js';
import type { DuckDbConnection } from '../connection.js';
import type { BuildContext } from '../materializations/context.js';
import { DuckDbRelation } from '../relation.js';
import type { LocalLakehouse } from './lakehouse.js';

/** The catalog attached for time travel; the query runs in it. */
const AS_OF_CATALOG = 'mdw_as_of';

export class LocalIcebergOperations implements IcebergOperations {
  constructor(
    private readonly lake: LocalLakehouse,
    private readonly ctx: BuildContext,
    private readonly database: string,
  ) {}

  isIcebergTable(schema: string, table: string): boolean {
    return this.lake.exists && this.lake.catalog.tableExists(schema, table);
  }

  private load(schema: string, table: string): IcebergTable {
    if (!this.isIcebergTable(schema, table)) {
      throw new ExecutionError(`${schema}.${table} is not an Iceberg table of this warehouse.`);
    }
    return this.lake.catalog.loadTable(schema, table);
  }

  history(schema: string, table: string): TableSnapshotInfo[] {
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

  files(schema: string, table: string, snapshotId?: string): TableFileInfo[] {
    const loaded = this.load(schema, table);
    return loaded.dataFiles(snapshotOf(loaded, snapshotId)).map((file) => ({
      path: file.localPath,
      partition: { ...file.partition },
      recordCount: Number(file.recordCount),
      fileSizeBytes: Number(file.fileSizeInBytes),
    }));
  }

  partitions(schema: string, table: string, snapshotId?: string): TablePartitionInfo[] {
    const loaded = this.load(schema, table);
    return loaded.partitions(snapshotOf(loaded, snapshotId)).map((info) => ({
      partition: { ...info.partition },
      recordCount: Number(info.recordCount),
      fileCount: info.fileCount,
      totalSizeBytes: Number(info.totalSizeBytes),
    }));
  }

  async rollback(conn: Connection, schema: string, table: string, snapshotId: string): Promise<void> {
    const loaded = this.load(schema, table);
    await loaded.rollback(snapshotOf(loaded, snapshotId)!);
    await this.lake.expose(conn, this.ctx, this.relation(schema, table), loaded);
  }

  async optimize(
    conn: Connection,
    schema: string,
    table: string,
    targetFileSizeBytes: number,
  ): Promise<{ filesBefore: number; filesAfter: number }> {
    const loaded = this.load(schema, table);
    const filesBefore = loaded.dataFiles().length;
    await loaded.compact((conn as DuckDbConnection).duckdb, targetFileSizeBytes);
    await this.lake.expose(conn, this.ctx, this.relation(schema, table), loaded);
    return { filesBefore, filesAfter: loaded.dataFiles().length };
  }

  async expireSnapshots(options: {
    schema?: string;
    table?: string;
    olderThanMs?: number;
    retainLast?: number;
  }): Promise<{ table: string; expired: number; deletedFiles: number }[]> {
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

  async removeOrphans(options: {
    schema?: string;
    table?: string;
    olderThanMs?: number;
  }): Promise<{ table: string; deletedFiles: number }[]> {
    const results = [];
    for (const loaded of this.tables(options.schema, options.table)) {
      const deleted = await loaded.removeOrphans({ olderThanMs: options.olderThanMs });
      results.push({ table: loaded.identifier, deletedFiles: deleted.length });
    }
    return results;
  }

  /**
   * Attach an in-memory catalog holding one view per relation of the warehouse: Iceberg
   * tables at their snapshot as of the request, everything else passed through; then make it
   * the default catalog, so `schema.table` in the user's query resolves to the past.
   */
  async travelTo(conn: Connection, asOf: AsOf): Promise<string> {
    const tables = this.tables();
    const pick = (table: IcebergTable): Snapshot | undefined => {
      if ('timestampMs' in asOf) return table.snapshotAsOf(asOf.timestampMs);
      const wanted = BigInt(asOf.snapshotId);
      return table.snapshots().some((s) => s['snapshot-id'] === wanted)
        ? table.snapshot(wanted)
        : table.currentSnapshot();
    };
    if ('snapshotId' in asOf) {
      const wanted = BigInt(asOf.snapshotId);
      if (!tables.some((t) => t.snapshots().some((s) => s['snapshot-id'] === wanted))) {
        throw new ExecutionError(`No Iceberg table of this warehouse has a snapshot ${asOf.snapshotId}.`);
      }
    }
    if ('timestampMs' in asOf) {
      const first = Math.min(...tables.flatMap((t) => t.snapshots().map((s) => Number(s['timestamp-ms']))));
      if (Number.isFinite(first) && asOf.timestampMs < first) {
        throw new ExecutionError(
          `--as-of ${new Date(asOf.timestampMs).toISOString()} is before the first Iceberg snapshot of this warehouse ` +
            `(${new Date(first).toISOString()}); use a later time, or a snapshot id from \`mdw iceberg history\`.`,
        );
      }
    }
    const iceberg = new Map(tables.map((table) => [`${table.namespace}.${table.name}`.toLowerCase(), table]));
    await conn.query(`attach if not exists ':memory:' as ${AS_OF_CATALOG}`);
    const relations = await conn.query(`
      select schema_name, table_name from duckdb_tables() where database_name = current_database() and not temporary
      union all
      select schema_name, view_name from duckdb_views() where database_name = current_database() and not internal and not temporary`);
    const schemas = new Set(relations.rows.map((row) => String(row[0])));
    for (const schema of schemas)
      await conn.query(`create schema if not exists ${AS_OF_CATALOG}.${quoteIdentifier(schema)}`);
    for (const [schema, name] of relations.rows.map((row) => [String(row[0]), String(row[1])] as const)) {
      const target = `${AS_OF_CATALOG}.${quoteIdentifier(schema)}.${quoteIdentifier(name)}`;
      const table = iceberg.get(`${schema}.${name}`.toLowerCase());
      let body = `select * from ${this.relation(schema, name).render()}`;
      if (table) {
        const snapshot = pick(table);
        if (!snapshot) continue; // the table did not exist yet at that time
        const id = snapshot['snapshot-id'];
        body = readFilesSql(
          table.dataFiles(id).map((file) => file.localPath),
          table.schema(id),
        );
      }
      await conn.query(`create or replace view ${target} as ${body}`);
    }
    await conn.query(`use ${AS_OF_CATALOG}`);
    return AS_OF_CATALOG;
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
