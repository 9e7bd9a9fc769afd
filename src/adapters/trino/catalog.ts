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
  /** one creation per schema: threads building into the same schema wait for the same promise */
  private readonly pending = new Map<string, Promise<void>>();

  ensure(conn: Connection, database: string, schema: string): Promise<void> {
    const key = `${database}.${schema}`.toLowerCase();
    let created = this.pending.get(key);
    if (!created) {
      created = createSchema(conn, database, schema);
      this.pending.set(key, created);
      created.catch(() => this.pending.delete(key));
    }
    return created;
  }
}

/**
 * `create schema if not exists` is not atomic in Iceberg catalogs (two writers can both see it
 * missing): when the create fails but the schema is there afterwards, another writer made it.
 */
async function createSchema(conn: Connection, database: string, schema: string): Promise<void> {
  const name = `${quoteIdentifier(database)}.${quoteIdentifier(schema)}`;
  try {
    await conn.query(`create schema if not exists ${name}`);
  } catch (error) {
    const found = await conn.query(
      `select 1 from ${quoteIdentifier(database)}.information_schema.schemata where schema_name = ${sqlString(schema.toLowerCase())}`,
    );
    if (found.rows.length === 0) throw error;
  }
}

/** Drops whatever `relation` names (a view or a table), if anything. */
export async function dropRelation(conn: Connection, relation: Relation): Promise<void> {
  const existing = await findRelation(conn, relation.database, relation.schema, relation.identifier);
  if (!existing) return;
  await conn.query(`drop ${existing.type === 'view' ? 'view' : 'table'} if exists ${relation.render()}`);
}
