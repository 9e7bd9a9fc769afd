/**
 * Invocation-scoped copies of views' rows (see run/view-reuse.ts), kept in an in-memory
 * database attached to the instance: every connection sees it, DuckDB spills it to the temp
 * directory under memory pressure, and nothing of it reaches the database file — a crash
 * leaves no trace behind.
 */
import { quoteIdentifier } from '../sql-helpers.js';
import type { Connection, Relation, ViewCopies, ViewCopy } from '../types.js';
import { DuckDbRelation } from './relation.js';

const COPIES_DATABASE = 'mdw_view_copies';

export class DuckDbViewCopies implements ViewCopies {
  private attached: Promise<unknown> | undefined;

  async create(conn: Connection, view: Relation): Promise<ViewCopy> {
    this.attached ??= conn.query(`attach if not exists ':memory:' as ${quoteIdentifier(COPIES_DATABASE)}`);
    await this.attached;
    const relation = new DuckDbRelation(
      COPIES_DATABASE,
      'main',
      [view.database, view.schema, view.identifier].join('__'),
      'table',
    );
    const created = await conn.query(
      `create or replace table ${relation.render()} as select * from ${view.render()}`,
    );
    return { relation, rows: created.rowsAffected };
  }

  async drop(conn: Connection, copy: Relation): Promise<void> {
    await conn.query(`drop table if exists ${copy.render()}`);
  }
}
