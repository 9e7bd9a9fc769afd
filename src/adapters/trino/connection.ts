/**
 * One runner thread's session with Trino. Trino runs one statement per request, so a
 * connection is the client plus the statements in flight: closing it (Ctrl-C) cancels them.
 */
import { stripTrailingSemicolons } from '../sql-helpers.js';
import type { Connection, QueryResult } from '../types.js';
import type { TrinoClient } from './client.js';

export class TrinoConnection implements Connection {
  private readonly running = new Set<AbortController>();

  constructor(readonly client: TrinoClient) {}

  async query(sql: string): Promise<QueryResult> {
    const abort = new AbortController();
    this.running.add(abort);
    try {
      const result = await this.client.execute(stripTrailingSemicolons(sql), { signal: abort.signal });
      return {
        columnNames: result.columns.map((column) => column.name),
        columnTypes: result.columns.map((column) => column.type),
        rows: result.rows,
        rowsAffected: result.updateCount ?? null,
      };
    } finally {
      this.running.delete(abort);
    }
  }

  /** Runs `work` with some session properties set, then restores the session as it was. */
  async withSession<T>(properties: Record<string, string>, work: () => Promise<T>): Promise<T> {
    const session = this.client.session.properties;
    const before = { ...session };
    Object.assign(session, properties);
    try {
      return await work();
    } finally {
      for (const name of Object.keys(properties)) delete session[name];
      Object.assign(session, before);
    }
  }

  /** Cancels what is still running (DELETE on each query's next URI). */
  async close(): Promise<void> {
    for (const abort of this.running) abort.abort();
    this.running.clear();
  }
}

/** A count read from a result cell (Trino sends bigint counts as bigint). */
export function toCount(value: unknown): number {
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return value;
  if (typeof value === 'string' && value.trim() !== '') return Number(value);
  return 0;
}
