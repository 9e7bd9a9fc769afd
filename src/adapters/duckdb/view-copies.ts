/**
 * Invocation-scoped copies of views' rows (see run/view-reuse.ts), kept in a scratch database
 * attached to the instance, so every connection sees them. Beside a database file the scratch
 * database is a file too (`<database>.view-copies`): DuckDB compresses what it writes to a
 * file (about 7× for staged sales) but not what it keeps in memory, so a large copy costs
 * disk, not memory or temp space. It is deleted when the adapter closes, and any left behind
 * by a crash is deleted when the next one opens (which holds the database's lock by then).
 * An in-memory database keeps its copies in memory.
 */
import { rmSync } from 'node:fs';
import { quoteIdentifier, sqlString } from '../sql-helpers.js';
import type { Connection, Relation, ViewCopies, ViewCopy } from '../types.js';
import { DuckDbRelation } from './relation.js';

const COPIES_DATABASE = 'mdw_view_copies';

export class DuckDbViewCopies implements ViewCopies {
  /** a copy costs a scan of local files: made at once, its line shows the rows kept */
  readonly eager = true;
  private attached: Promise<unknown> | undefined;

  /** @param file the scratch database file, or null to keep the copies in memory */
  constructor(private readonly file: string | null) {
    this.removeFiles();
  }

  async create(
    conn: Connection,
    view: Relation,
    where = '',
    options: { connectionOnly?: boolean } = {},
  ): Promise<ViewCopy> {
    const name = [view.database, view.schema, view.identifier].join('__');
    // A copy one connection reads briefly (a day's new rows) stays in its memory, as the
    // merge's own copy did: writing it to the file and dropping it cost more than it saved.
    const database = options.connectionOnly ? 'temp' : await this.attach(conn);
    const relation = new DuckDbRelation(database, 'main', name, 'table');
    const kind = options.connectionOnly ? 'temp table' : 'table';
    const created = await conn.query(
      `create or replace ${kind} ${relation.render()} as select * from ${view.render()}${where}`,
    );
    return { relation, rows: created.rowsAffected };
  }

  /** The scratch database of shared copies, attached on first use. */
  private async attach(conn: Connection): Promise<string> {
    this.attached ??= conn.query(
      `attach if not exists ${sqlString(this.file ?? ':memory:')} as ${quoteIdentifier(COPIES_DATABASE)}`,
    );
    await this.attached;
    return COPIES_DATABASE;
  }

  async drop(conn: Connection, copy: Relation): Promise<void> {
    await conn.query(`drop table if exists ${copy.render()}`);
  }

  /** Delete the scratch file (the instance must have closed it). */
  removeFiles(): void {
    if (!this.file) return;
    for (const path of [this.file, `${this.file}.wal`]) rmSync(path, { force: true });
  }
}
