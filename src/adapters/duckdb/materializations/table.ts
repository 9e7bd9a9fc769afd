/** `table`: build beside the target, then swap it in (see replace.ts). */
import type { Connection, MaterializeResult, Relation } from '../../types.js';
import { type BuildContext, plural } from './context.js';
import { replaceWithTable } from './replace.js';

export async function buildTable(
  conn: Connection,
  ctx: BuildContext,
  target: Relation,
  selectSql: string,
): Promise<MaterializeResult> {
  const rows = await replaceWithTable(conn, ctx, target, selectSql);
  return tableResult(rows);
}

export function tableResult(rows: number): MaterializeResult {
  return { rowsAffected: rows, message: `CREATE TABLE (${plural(rows, 'row')})` };
}
