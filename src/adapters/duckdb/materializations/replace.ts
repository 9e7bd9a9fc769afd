/**
 * Atomic table replacement shared by `table`, full-refresh `incremental` and seeds: the new
 * data is built beside the target first, then swapped in by one transaction, so readers on
 * other connections see either the old or the new relation, never a missing one.
 */

import { asSubquery, quoteIdentifier } from '../../sql-helpers.js';
import type { Connection, Relation } from '../../types.js';
import { dropRelationIfExists, findRelation } from '../catalog.js';
import { inTransaction, scalar, toCount } from '../connection.js';
import { siblingRelation } from '../relation.js';
import { type BuildContext, ensureSchemaOf } from './context.js';

export function stagingRelation(target: Relation): Relation {
  return siblingRelation(target, `${target.identifier}__mdw_tmp`, 'table');
}

/** Replace `target` with a table holding the rows of `selectSql`; returns its row count. */
export async function replaceWithTable(
  conn: Connection,
  ctx: BuildContext,
  target: Relation,
  selectSql: string,
): Promise<number> {
  await ensureSchemaOf(conn, ctx, target);
  const staging = stagingRelation(target);
  // A crashed earlier run may have left its staging table behind.
  await dropRelationIfExists(conn, staging);
  let rows: number;
  try {
    const created = await conn.query(`create table ${staging.render()} as ${asSubquery(selectSql)}`);
    rows = created.rowsAffected ?? toCount(await scalar(conn, `select count(*) from ${staging.render()}`));
    await swapInto(conn, staging, target);
  } catch (error) {
    await dropRelationIfExists(conn, staging).catch(() => {});
    throw error;
  }
  return rows;
}

/** In one transaction: drop whatever `target` is (table or view) and rename `staging` to it. */
export async function swapInto(conn: Connection, staging: Relation, target: Relation): Promise<void> {
  await inTransaction(conn, async () => {
    const existing = await findRelation(conn, target.database, target.schema, target.identifier);
    if (existing) await conn.query(`drop ${existing.type === 'view' ? 'view' : 'table'} ${target.render()}`);
    await conn.query(`alter table ${staging.render()} rename to ${quoteIdentifier(target.identifier)}`);
  });
}
