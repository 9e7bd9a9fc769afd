/**
 * `mdw iceberg …` and `mdw show --as-of` on engines that speak Trino's SQL (Trino, Athena engine
 * v3): history, files and partitions come from the tables' metadata tables (`"t$snapshots"`,
 * `"t$history"`, `"t$files"`, `"t$partitions"`), time travel is `FOR VERSION AS OF` /
 * `FOR TIMESTAMP AS OF`, and the maintenance statements differ by engine (IcebergMaintenance).
 */
import { ExecutionError } from '../../util/errors.js';
import { quoteIdentifier, sqlString } from '../sql-helpers.js';
import type {
  AsOf,
  Connection,
  IcebergOperations,
  Relation,
  TableFileInfo,
  TablePartitionInfo,
  TableSnapshotInfo,
} from '../types.js';
import { rewriteNamesAsOf } from './as-of-names.js';
import { toCount } from './connection.js';

/** What an engine runs for each maintenance command. */
export interface IcebergMaintenance<C extends Connection> {
  optimize(conn: C, table: Relation, targetFileSizeBytes: number): Promise<void>;
  /** expire snapshots older than `olderThanMs` but the newest `retainLast` (the current one always stays) */
  expireSnapshots(conn: C, table: Relation, request: ExpiryRequest): Promise<void>;
  removeOrphans(conn: C, table: Relation, request: { olderThanMs?: number }): Promise<void>;
  rollback(conn: C, table: Relation, snapshotId: string): Promise<void>;
  /** the engine has `"t$all_entries"` (files of past snapshots with their sizes) */
  readonly allEntries: boolean;
}

export interface ExpiryRequest {
  olderThanMs?: number;
  retainLast?: number;
  /** the table's snapshots, oldest first */
  snapshots: readonly SnapshotRow[];
}

/** Local target's defaults, so a command means the same on every target. */
export const DEFAULT_SNAPSHOT_AGE_MS = 5 * 86_400_000;
export const DEFAULT_ORPHAN_AGE_MS = 3_600_000;

export interface SnapshotRow {
  id: string;
  committedAtMs: number;
}

export class MetadataTableIcebergOperations<C extends Connection> implements IcebergOperations<C> {
  /** snapshots per table (`schema.table`), read once per command */
  private readonly snapshotCache = new Map<string, SnapshotRow[]>();

  /**
   * `projectSchema`: the profile's schema. A catalog on a server is shared, so the warehouse's
   * tables are those in that schema and in `<schema>_<custom>` ones (dbt's schema naming).
   */
  constructor(
    private readonly catalog: string,
    private readonly maintenance: IcebergMaintenance<C>,
    private readonly relationOf: (schema: string, table: string) => Relation,
    private readonly projectSchema: string,
  ) {}

  async listTables(conn: C, schema?: string): Promise<{ schema: string; table: string }[]> {
    const result = await conn.query(
      `select table_schema, table_name from ${quoteIdentifier(this.catalog)}.information_schema.tables
       where table_type = 'BASE TABLE' and table_schema <> 'information_schema'
       ${
         schema === undefined
           ? `and (table_schema = ${sqlString(this.projectSchema.toLowerCase())} or table_schema like ${sqlString(`${likeEscaped(this.projectSchema.toLowerCase())}\\_%`)} escape '\\')`
           : `and table_schema = ${sqlString(schema.toLowerCase())}`
       }
       order by 1, 2`,
    );
    const tables = result.rows.map((row) => ({ schema: String(row[0]), table: String(row[1]) }));
    // A catalog may hold Hive tables too (Athena's Glue catalog): keep the Iceberg ones.
    const iceberg = [];
    for (const t of tables) if (await this.isIcebergTable(conn, t.schema, t.table)) iceberg.push(t);
    return iceberg;
  }

  async isIcebergTable(conn: C, schema: string, table: string): Promise<boolean> {
    try {
      await this.snapshots(conn, schema, table);
      return true;
    } catch {
      return false;
    }
  }

  async history(conn: C, schema: string, table: string): Promise<TableSnapshotInfo[]> {
    const result = await this.metadataQuery(
      conn,
      schema,
      table,
      (name) => `select s.snapshot_id, s.parent_id, s.committed_at, s.operation, s.summary,
         coalesce(h.is_current_ancestor, false), h.made_current_at
       from ${name('snapshots')} s left join ${name('history')} h on h.snapshot_id = s.snapshot_id
       order by s.committed_at, s.snapshot_id`,
    );
    const rows = result.rows.map((row) => ({
      snapshotId: String(row[0]),
      parentId: row[1] === null ? null : String(row[1]),
      committedAt: new Date(timestampMs(row[2])),
      operation: String(row[3] ?? ''),
      summary: summaryOf(row[4]),
      isCurrentAncestor: row[5] === true || row[5] === 'true',
      madeCurrentAt: row[6] === null ? -1 : timestampMs(row[6]),
    }));
    // The current snapshot is the newest of the current ancestors (a rollback makes an older one current).
    const current = rows
      .filter((r) => r.isCurrentAncestor)
      .reduce<(typeof rows)[number] | undefined>(
        (best, r) => (best === undefined || r.madeCurrentAt >= best.madeCurrentAt ? r : best),
        undefined,
      );
    return rows.map(({ madeCurrentAt: _, ...r }) => ({
      ...r,
      isCurrent: r.snapshotId === current?.snapshotId,
    }));
  }

  async files(
    conn: C,
    schema: string,
    table: string,
    snapshotId?: string,
    where?: string,
  ): Promise<TableFileInfo[]> {
    if (snapshotId === undefined && where === undefined) {
      const columns = await this.fileColumns(conn, schema, table);
      const result = await this.metadataQuery(
        conn,
        schema,
        table,
        (name) => `select ${columns} from ${name('files')} where content = 0 order by file_path`,
      );
      return dataFilesOf(result);
    }
    // The files a snapshot (or a filter) reads: those holding its rows, found by scanning `$path`.
    if (snapshotId !== undefined) await this.requireSnapshot(conn, schema, table, snapshotId);
    const from = `${this.relationOf(schema, table).render()}${snapshotId === undefined ? '' : ` for version as of ${snapshotId}`}`;
    const scanned = await conn.query(
      `select "$path", "$partition", count(*) from ${from} ${where === undefined ? '' : `where ${where}`} group by 1, 2 order by 1`,
    );
    const known = await this.knownFiles(conn, schema, table);
    return scanned.rows.map((row) => {
      const path = String(row[0]);
      const file = known.get(path);
      return {
        path,
        partition: file?.partition ?? partitionFromPath(String(row[1] ?? '')),
        recordCount: file?.recordCount ?? toCount(row[2]),
        fileSizeBytes: file?.fileSizeBytes ?? 0,
      };
    });
  }

  async partitions(
    conn: C,
    schema: string,
    table: string,
    snapshotId?: string,
  ): Promise<TablePartitionInfo[]> {
    if (snapshotId === undefined) {
      // `"t$partitions"`: its rows are far narrower than `"t$files"` (no per-column statistics),
      // and Athena bills the metadata rows a query produces
      const partition = await this.partitionColumn(conn, schema, table, 'partitions');
      const result = await this.metadataQuery(
        conn,
        schema,
        table,
        (name) => `select ${partition}, record_count, file_count, total_size from ${name('partitions')}`,
      );
      return result.rows
        .map((row) => ({
          partition: partitionOf(row[0]),
          recordCount: toCount(row[1]),
          fileCount: toCount(row[2]),
          totalSizeBytes: toCount(row[3]),
        }))
        .sort(partitionOrder);
    }
    // Metadata tables have no time travel: a past snapshot's partitions are summed from its files.
    const files = await this.files(conn, schema, table, snapshotId);
    const byPartition = new Map<string, TablePartitionInfo>();
    for (const file of files) {
      const key = JSON.stringify(file.partition);
      const info = byPartition.get(key) ?? {
        partition: file.partition,
        recordCount: 0,
        fileCount: 0,
        totalSizeBytes: 0,
      };
      info.recordCount += file.recordCount;
      info.fileCount += 1;
      info.totalSizeBytes += file.fileSizeBytes;
      byPartition.set(key, info);
    }
    return [...byPartition.values()].sort(partitionOrder);
  }

  async rollback(conn: C, schema: string, table: string, snapshotId: string): Promise<void> {
    await this.requireSnapshot(conn, schema, table, snapshotId);
    await this.maintenance.rollback(conn, this.relationOf(schema, table), snapshotId);
    this.snapshotCache.clear();
  }

  async optimize(
    conn: C,
    schema: string,
    table: string,
    targetFileSizeBytes: number,
  ): Promise<{ filesBefore: number; filesAfter: number }> {
    const filesBefore = await this.dataFileCount(conn, schema, table);
    await this.maintenance.optimize(conn, this.relationOf(schema, table), targetFileSizeBytes);
    this.snapshotCache.clear();
    return { filesBefore, filesAfter: await this.dataFileCount(conn, schema, table) };
  }

  async expireSnapshots(
    conn: C,
    options: { schema?: string; table?: string; olderThanMs?: number; retainLast?: number },
  ): Promise<{ table: string; expired: number; deletedFiles: number | null }[]> {
    const results = [];
    for (const { schema, table } of await this.tablesOf(conn, options)) {
      const before = await this.snapshots(conn, schema, table, true);
      const filesBefore = await this.referencedFiles(conn, schema, table);
      await this.maintenance.expireSnapshots(conn, this.relationOf(schema, table), {
        olderThanMs: options.olderThanMs,
        retainLast: options.retainLast,
        snapshots: before,
      });
      const after = await this.snapshots(conn, schema, table, true);
      const filesAfter = await this.referencedFiles(conn, schema, table);
      results.push({
        table: `${schema}.${table}`,
        expired: before.length - after.length,
        deletedFiles:
          filesBefore === null || filesAfter === null
            ? null
            : [...filesBefore].filter((f) => !filesAfter.has(f)).length,
      });
    }
    return results;
  }

  async removeOrphans(
    conn: C,
    options: { schema?: string; table?: string; olderThanMs?: number },
  ): Promise<{ table: string; deletedFiles: number | null }[]> {
    const results = [];
    for (const { schema, table } of await this.tablesOf(conn, options)) {
      await this.maintenance.removeOrphans(conn, this.relationOf(schema, table), {
        olderThanMs: options.olderThanMs,
      });
      results.push({ table: `${schema}.${table}`, deletedFiles: null });
    }
    return results;
  }

  /** The table read as of a snapshot (when the snapshot is this table's; else as it is now) or a time. */
  async relationAsOf(conn: C, relation: Relation, asOf: AsOf): Promise<Relation> {
    const clause = await this.asOfClause(conn, relation.schema, relation.identifier, asOf);
    if (clause === '') return relation;
    const rendered = `${relation.render()} ${clause}`;
    return { ...relation, render: () => rendered, toString: () => rendered };
  }

  async resolveNamesAsOf(conn: C, asOf: AsOf): Promise<(sql: string) => string> {
    const tables = await this.listTables(conn);
    if ('snapshotId' in asOf) {
      let found = false;
      for (const t of tables)
        if ((await this.snapshots(conn, t.schema, t.table)).some((s) => s.id === asOf.snapshotId))
          found = true;
      if (!found)
        throw new ExecutionError(`No Iceberg table of this warehouse has a snapshot ${asOf.snapshotId}.`);
    }
    const pastOf = new Map<string, string>();
    for (const t of tables) {
      const past = await this.relationAsOf(conn, this.relationOf(t.schema, t.table), asOf);
      pastOf.set(`${t.schema}.${t.table}`.toLowerCase(), past.render());
    }
    return (sql) => rewriteNamesAsOf(sql, pastOf);
  }

  private async asOfClause(conn: C, schema: string, table: string, asOf: AsOf): Promise<string> {
    if ('timestampMs' in asOf) {
      const text = new Date(asOf.timestampMs).toISOString().replace('T', ' ').replace('Z', ' UTC');
      return `for timestamp as of timestamp ${sqlString(text)}`;
    }
    if (!/^-?\d+$/.test(asOf.snapshotId))
      throw new ExecutionError(`'${asOf.snapshotId}' is not a snapshot id (a whole number).`);
    const own = (await this.snapshots(conn, schema, table)).some((s) => s.id === asOf.snapshotId);
    return own ? `for version as of ${asOf.snapshotId}` : '';
  }

  /**
   * The columns of `"t$files"` mdw reads: an unpartitioned table's has no `partition` column
   * (Trino), so its presence is looked up first (no rows read).
   */
  private async fileColumns(conn: C, schema: string, table: string): Promise<string> {
    const partition = await this.partitionColumn(conn, schema, table, 'files');
    return `file_path, ${partition}, record_count, file_size_in_bytes`;
  }

  /** `partition`, or `null as partition` when the metadata table has none (an unpartitioned table). */
  private async partitionColumn(conn: C, schema: string, table: string, kind: string): Promise<string> {
    const probe = await this.metadataQuery(
      conn,
      schema,
      table,
      (name) => `select * from ${name(kind)} limit 0`,
    );
    const partitioned = probe.columnNames.some((column) => column.toLowerCase() === 'partition');
    return partitioned ? 'partition' : 'null as partition';
  }

  /** Runs SQL over the table's metadata tables, with one clear sentence when it has none. */
  private async metadataQuery(
    conn: C,
    schema: string,
    table: string,
    sql: (name: (kind: string) => string) => string,
  ) {
    const name = (kind: string) => this.metadataTable(schema, table, kind);
    if (!(await this.isIcebergTable(conn, schema, table)))
      throw new ExecutionError(`${schema}.${table} is not an Iceberg table of this warehouse.`);
    return conn.query(sql(name));
  }

  private metadataTable(schema: string, table: string, kind: string): string {
    return [this.catalog, schema, `${table}$${kind}`].map(quoteIdentifier).join('.');
  }

  private async snapshots(conn: C, schema: string, table: string, fresh = false): Promise<SnapshotRow[]> {
    const key = `${schema}.${table}`.toLowerCase();
    const cached = this.snapshotCache.get(key);
    if (cached && !fresh) return cached;
    const result = await conn.query(
      `select snapshot_id, committed_at from ${this.metadataTable(schema, table, 'snapshots')} order by committed_at`,
    );
    const rows = result.rows.map((row) => ({ id: String(row[0]), committedAtMs: timestampMs(row[1]) }));
    this.snapshotCache.set(key, rows);
    return rows;
  }

  private async requireSnapshot(conn: C, schema: string, table: string, snapshotId: string): Promise<void> {
    if (!(await this.isIcebergTable(conn, schema, table)))
      throw new ExecutionError(`${schema}.${table} is not an Iceberg table of this warehouse.`);
    if (!(await this.snapshots(conn, schema, table)).some((s) => s.id === snapshotId))
      throw new ExecutionError(`Iceberg table ${schema}.${table} has no snapshot ${snapshotId}.`);
  }

  private async dataFileCount(conn: C, schema: string, table: string): Promise<number> {
    const result = await this.metadataQuery(
      conn,
      schema,
      table,
      (name) => `select count(*) from ${name('files')} where content = 0`,
    );
    return toCount(result.rows[0]?.[0]);
  }

  /** Data files of every snapshot with their partition, records and size (past ones only where the engine lists them). */
  private async knownFiles(conn: C, schema: string, table: string): Promise<Map<string, TableFileInfo>> {
    const sql = this.maintenance.allEntries
      ? `select data_file.file_path, data_file.partition, data_file.record_count, data_file.file_size_in_bytes
         from ${this.metadataTable(schema, table, 'all_entries')} where data_file.content = 0`
      : `select ${await this.fileColumns(conn, schema, table)} from ${this.metadataTable(schema, table, 'files')} where content = 0`;
    const result = await conn.query(sql);
    return new Map(dataFilesOf(result).map((file) => [file.path, file]));
  }

  /** Every file any snapshot references (data and delete files), where the engine lists them. */
  private async referencedFiles(conn: C, schema: string, table: string): Promise<Set<string> | null> {
    if (!this.maintenance.allEntries) return null;
    const result = await conn.query(
      `select distinct data_file.file_path from ${this.metadataTable(schema, table, 'all_entries')}`,
    );
    return new Set(result.rows.map((row) => String(row[0])));
  }

  private async tablesOf(
    conn: C,
    options: { schema?: string; table?: string },
  ): Promise<{ schema: string; table: string }[]> {
    if (options.schema !== undefined && options.table !== undefined) {
      if (!(await this.isIcebergTable(conn, options.schema, options.table)))
        throw new ExecutionError(
          `${options.schema}.${options.table} is not an Iceberg table of this warehouse.`,
        );
      return [{ schema: options.schema, table: options.table }];
    }
    return this.listTables(conn, options.schema);
  }
}

/**
 * The retention to pass an engine whose expiry knows only an age: `retainLast` newest snapshots
 * stay by keeping everything from the oldest of them on (a second of margin for the clock).
 */
export function retentionFor(
  snapshots: readonly SnapshotRow[],
  olderThanMs: number,
  retainLast?: number,
): number {
  if (retainLast === undefined || retainLast < 1 || snapshots.length <= retainLast) return olderThanMs;
  const newest = [...snapshots].sort((a, b) => b.committedAtMs - a.committedAtMs);
  const oldestKept = newest[retainLast - 1]!.committedAtMs;
  return Math.max(olderThanMs, Date.now() - oldestKept + 1000);
}

/** Trino's `timestamp(3) with time zone` text (`2026-11-29 20:03:37.802 UTC`) → epoch ms. */
export function timestampMs(value: unknown): number {
  if (value instanceof Date) return value.getTime();
  const text = String(value).trim();
  const match = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)\s*(UTC|Z|[+-]\d{2}:?\d{2})?$/.exec(
    text,
  );
  if (!match) throw new ExecutionError(`Unexpected timestamp '${text}' in an Iceberg metadata table.`);
  const zone = match[3] === undefined || match[3] === 'UTC' ? 'Z' : match[3];
  const fraction = match[2]!.replace(/(\.\d{3})\d+$/, '$1');
  return Date.parse(`${match[1]}T${fraction}${zone}`);
}

/** A snapshot summary: a map (Trino's client), an object, or Athena's `{k=v, k=v}` text. */
function summaryOf(value: unknown): Record<string, string> {
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), String(v)]));
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
  if (typeof value === 'string') {
    const inner = value.trim().replace(/^\{|\}$/g, '');
    const pairs = inner === '' ? [] : inner.split(/,\s*/);
    return Object.fromEntries(
      pairs.map((pair) => {
        const at = pair.indexOf('=');
        return [pair.slice(0, at), pair.slice(at + 1)];
      }),
    );
  }
  return {};
}

/** Rows of `file_path, partition, record_count, file_size_in_bytes` (from `"t$files"` or `"t$all_entries"`). */
function dataFilesOf(result: { rows: unknown[][] }): TableFileInfo[] {
  return result.rows.map((row) => ({
    path: String(row[0]),
    partition: partitionOf(row[1]),
    recordCount: toCount(row[2]),
    fileSizeBytes: toCount(row[3]),
  }));
}

function partitionOrder(a: TablePartitionInfo, b: TablePartitionInfo): number {
  return JSON.stringify(a.partition).localeCompare(JSON.stringify(b.partition));
}

/** A partition row (an object by field name; Athena's text `{f=v}`); unpartitioned tables have none. */
function partitionOf(value: unknown): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (typeof value === 'object' && !(value instanceof Map)) return { ...(value as Record<string, unknown>) };
  return summaryOf(value);
}

/** `$partition` text (`ts_day=2026-01-01/region=x`) → fields. */
function partitionFromPath(text: string): Record<string, unknown> {
  if (text === '') return {};
  return Object.fromEntries(
    text.split('/').map((pair) => {
      const at = pair.indexOf('=');
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
}

/** A LIKE pattern matching `text` literally (escape character `\`). */
function likeEscaped(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
