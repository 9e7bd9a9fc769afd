/** Runs a schema-change plan (src/materialize/schema-change.ts) as DuckDB DDL. */
import type { SchemaChangePlan } from '../../../materialize/schema-change.js';
import type { Connection, Relation } from '../../types.js';
import { DuckDbRelation } from '../relation.js';

/** Alter `target` as planned (inside the caller's transaction); returns the columns to write. */
export async function applySchemaChange(
  conn: Connection,
  target: Relation,
  plan: SchemaChangePlan,
): Promise<string[]> {
  const quote = DuckDbRelation.quote;
  for (const column of plan.addColumns) {
    await conn.query(`alter table ${target.render()} add column ${quote(column.name)} ${column.dataType}`);
  }
  for (const column of plan.dropColumns) {
    await conn.query(`alter table ${target.render()} drop column ${quote(column.name)}`);
  }
  for (const column of plan.alterColumns) {
    await conn.query(`alter table ${target.render()} alter column ${quote(column.name)} type ${column.to}`);
  }
  return plan.columns;
}
