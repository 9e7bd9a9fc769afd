/** One DuckDB connection behind the adapter's Connection interface. */
import type { DuckDBConnection, DuckDBResultReader } from '@duckdb/node-api';
import type { Connection, QueryResult, RawRowsRead } from '../types.js';
import { wrapDuckDbError } from './errors.js';
import { StatementType } from './node-api.js';
import type { RawRowsProfiler } from './raw-rows.js';

/** Statements whose result is DuckDB's single "Count" row (CTAS reports rowsChanged 0 but counts here). */
const COUNTING_STATEMENTS = new Set<number>([
  StatementType.INSERT,
  StatementType.UPDATE,
  StatementType.DELETE,
  StatementType.CREATE,
  StatementType.MERGE_INTO,
]);

export class DuckDbConnection implements Connection {
  private closed = false;

  constructor(
    private readonly raw: DuckDBConnection,
    private readonly onClose: (conn: DuckDbConnection) => void = () => {},
    private readonly profiler: RawRowsProfiler | null = null,
    /** told of every statement run, even one that failed part-way (a batch may have run some) */
    private readonly onStatement: (sql: string, failed: boolean) => void = () => {},
  ) {}

  async query(sql: string): Promise<QueryResult> {
    let reader: DuckDBResultReader;
    let failed = true;
    try {
      reader = this.profiler?.counting ? await this.runCounted(sql) : await this.raw.runAndReadAll(sql);
      failed = false;
    } catch (error) {
      throw wrapDuckDbError(error);
    } finally {
      this.onStatement(sql, failed);
    }
    const columnNames = reader.columnNames();
    const rows = reader.getRowsJS().map((row) => row.map(toPlainValue));
    return {
      columnNames,
      columnTypes: reader.columnTypes().map((type) => type.toString()),
      rows,
      rowsAffected: rowsAffectedOf(reader, columnNames, rows),
    };
  }

  async startRawRowCount(): Promise<void> {
    if (this.profiler && !this.profiler.counting) await this.raw.run(this.profiler.startSql());
  }

  async stopRawRowCount(): Promise<RawRowsRead> {
    if (!this.profiler?.counting) return { total: 0, bySource: {} };
    await this.raw.run(this.profiler.stopSql());
    return this.profiler.stop();
  }

  /** Work on the raw connection (the Iceberg writer's COPY): the raw rows its last statement read count. */
  async profiled<T>(work: () => Promise<T>): Promise<T> {
    this.profiler?.beforeStatement();
    const result = await work();
    this.profiler?.afterStatement();
    return result;
  }

  /** One statement at a time: DuckDB keeps the profile of a batch's last statement only. */
  private async runCounted(sql: string): Promise<DuckDBResultReader> {
    const profiler = this.profiler!;
    const statements = await this.raw.extractStatements(sql);
    if (statements.count === 0) return this.raw.runAndReadAll(sql);
    let reader: DuckDBResultReader | undefined;
    for (let index = 0; index < statements.count; index++) {
      const prepared = await statements.prepare(index);
      try {
        profiler.beforeStatement();
        reader = await prepared.runAndReadAll();
        profiler.afterStatement();
      } finally {
        prepared.destroySync();
      }
    }
    return reader!;
  }

  /** The underlying @duckdb/node-api connection (the Iceberg writer drives COPY through it). */
  get duckdb(): DuckDBConnection {
    return this.raw;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.profiler?.stop();
    this.raw.closeSync();
    this.onClose(this);
  }
}

function rowsAffectedOf(reader: DuckDBResultReader, columnNames: string[], rows: unknown[][]): number | null {
  if (!COUNTING_STATEMENTS.has(reader.statementType)) return null;
  if (columnNames.length === 1 && columnNames[0] === 'Count' && rows.length === 1) {
    return Number(rows[0]![0]);
  }
  return reader.rowsChanged;
}

/** BIGINT/HUGEINT arrive as bigint; numbers in the safe range are friendlier for templates and JSON. */
function toPlainValue(value: unknown): unknown {
  if (
    typeof value === 'bigint' &&
    value <= BigInt(Number.MAX_SAFE_INTEGER) &&
    value >= -BigInt(Number.MAX_SAFE_INTEGER)
  ) {
    return Number(value);
  }
  return value;
}

/** Run `work` inside BEGIN/COMMIT; roll back (and rethrow) if any statement fails. */
export async function inTransaction<T>(conn: Connection, work: () => Promise<T>): Promise<T> {
  await conn.query('begin transaction');
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await conn.query('rollback').catch(() => {});
    throw error;
  }
  try {
    await conn.query('commit');
  } catch (error) {
    // DuckDB aborts a transaction whose commit failed (e.g. a write-write conflict).
    await conn.query('rollback').catch(() => {});
    throw error;
  }
  return result;
}

/** First value of the first row, or null. */
export async function scalar(conn: Connection, sql: string): Promise<unknown> {
  const result = await conn.query(sql);
  return result.rows[0]?.[0] ?? null;
}

export function toCount(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return Number(value);
}
