/** Looking relations and columns up in a Trino catalog's information_schema. */
import { quoteIdentifier, sqlString } from '../sql-helpers.js';
import type { ColumnDescription, Connection, Relation } from '../types.js';
import { TrinoRelation } from './relation.js';

export async function findRelation(
  conn: Connection,
  database: string,
  schema: string,
  identifier: string,
): Promise<TrinoRelation | null> {
  const result = await conn.query(
    `select table_type from ${quoteIdentifier(database)}.information_schema.tables
     where table_schema = ${sqlString(schema.toLowerCase())} and table_name = ${sqlString(identifier.toLowerCase())}`,
  );
  const kind = result.rows[0]?.[0];
  if (kind === undefined) return null;
  return new TrinoRelation(database, schema, identifier, kind === 'VIEW' ? 'view' : 'table');
}

export async function listColumns(conn: Connection, relation: Relation): Promise<ColumnDescription[]> {
  const result = await conn.query(
    `select column_name, data_type from ${quoteIdentifier(relation.database)}.information_schema.columns
     where table_schema = ${sqlString(relation.schema.toLowerCase())}
       and table_name = ${sqlString(relation.identifier.toLowerCase())}
     order by ordinal_position`,
  );
  return result.rows.map((row) => ({ name: String(row[0]), dataType: String(row[1]) }));
}

/** Creates each schema once per adapter (CREATE SCHEMA IF NOT EXISTS is a metadata round trip). */
export class SchemaRegistry {
  private readonly known = new Set<string>();

  async ensure(conn: Connection, database: string, schema: string): Promise<void> {
    const key = `${database}.${schema}`.toLowerCase();
    if (this.known.has(key)) return;
    await conn.query(`create schema if not exists ${quoteIdentifier(database)}.${quoteIdentifier(schema)}`);
    this.known.add(key);
  }
}

/** Drops whatever `relation` names (a view or a table), if anything. */
export async function dropRelation(conn: Connection, relation: Relation): Promise<void> {
  const existing = await findRelation(conn, relation.database, relation.schema, relation.identifier);
  if (!existing) return;
  await conn.query(`drop ${existing.type === 'view' ? 'view' : 'table'} if exists ${relation.render()}`);
}
