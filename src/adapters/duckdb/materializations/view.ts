/** `view`: create or replace; a table of the same name is swapped for the view atomically. */

import { asSubquery, sqlString } from '../../sql-helpers.js';
import type { Connection, MaterializeResult, Relation } from '../../types.js';
import { findRelation, viewDefinitionComment } from '../catalog.js';
import { inTransaction } from '../connection.js';
import { type BuildContext, ensureSchemaOf } from './context.js';

export async function buildView(
  conn: Connection,
  ctx: BuildContext,
  target: Relation,
  selectSql: string,
): Promise<MaterializeResult> {
  await ensureSchemaOf(conn, ctx, target);
  const ddl = `create or replace view ${target.render()} as ${asSubquery(selectSql)}`;
  // the mark tells this definition to the next build's fingerprints (catalog.ts)
  const mark = `comment on view ${target.render()} is ${sqlString(viewDefinitionComment(ddl))}`;
  const existing = await findRelation(conn, target.database, target.schema, target.identifier);
  if (existing?.type === 'table') {
    await inTransaction(conn, async () => {
      await conn.query(`drop table ${target.render()}`);
      await conn.query(ddl);
    });
  } else {
    await conn.query(ddl);
  }
  // without it (a failure here) the view is told by its text instead
  await conn.query(mark);
  return { rowsAffected: null, message: 'CREATE VIEW' };
}
