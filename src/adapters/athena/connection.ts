/**
 * One runner thread's session with Athena: statements in flight can be stopped (closing the
 * connection on Ctrl-C aborts them, which sends StopQueryExecution), and the bytes each
 * statement scanned add up so the runner can report a node's cost.
 */
import { stripTrailingSemicolons } from '../sql-helpers.js';
import type { Connection, QueryResult } from '../types.js';
import type { AthenaWarehouse } from './warehouse.js';

export class AthenaConnection implements Connection {
  private readonly running = new Set<AbortController>();
  /** bytes scanned by this connection's statements since the last takeScannedBytes() */
  private scanned = 0;

  constructor(readonly warehouse: AthenaWarehouse) {}

  async query(sql: string): Promise<QueryResult> {
    const abort = new AbortController();
    this.running.add(abort);
    try {
      const result = await this.warehouse.query(stripTrailingSemicolons(sql), abort.signal);
      this.scanned += result.dataScannedBytes;
      return {
        columnNames: result.columns.map((column) => column.name),
        columnTypes: result.columns.map((column) => column.type),
        rows: result.rows,
        rowsAffected: result.updateCount,
      };
    } finally {
      this.running.delete(abort);
    }
  }

  /** The bytes scanned since the last call (one node's statements). */
  takeScannedBytes(): number {
    const bytes = this.scanned;
    this.scanned = 0;
    return bytes;
  }

  async close(): Promise<void> {
    for (const abort of this.running) abort.abort();
    this.running.clear();
  }
}

// Counts arrive as Trino's do: Athena engine v3 is Trino.
export { toCount } from '../trino/connection.js';
