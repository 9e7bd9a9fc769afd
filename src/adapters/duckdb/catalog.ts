/** Catalog look-ups (duckdb_tables/views/columns) and on-demand schema creation. */

import { sqlString } from '../sql-helpers.js';
import type { ColumnDescription, Connection, Relation } from '../types.js';
import { DuckDbRelation, renderSchema } from './relation.js';

/** Case-insensitive match, as DuckDB resolves identifiers; '' database means the default catalog. */
function databaseFilter(database: string): string {
  return database === ''
    ? 'database_name = current_database()'
    : `lower(database_name) = lower(${sqlString(database)})`;
}

export async function findRelation(
  conn: Connection,
  database: string,
  schema: string,
  identifier: string,
): Promise<Relation | null> {
  const where = `${databaseFilter(database)}
      and lower(schema_name) = lower(${sqlString(schema)})`;
  const result = await conn.query(`
    select 'table' as kind from duckdb_tables()
    where ${where} and lower(table_name) = lower(${sqlString(identifier)})
    union all
    select 'view' as kind from duckdb_views()
    where not internal and ${where} and lower(view_name) = lower(${sqlString(identifier)})`);
  const kind = result.rows[0]?.[0];
  if (kind !== 'table' && kind !== 'view') return null;
  return new DuckDbRelation(database, schema, identifier, kind);
}

/** A view's SQL text as DuckDB keeps it, or null when the relation is no view. */
export async function viewSql(conn: Connection, relation: Relation): Promise<string | null> {
  const where = `not internal and ${databaseFilter(relation.database)}
      and lower(schema_name) = lower(${sqlString(relation.schema)})
      and lower(view_name) = lower(${sqlString(relation.identifier)})`;
  // Selecting `sql` renders the text of every view in the database (Iceberg views list their
  // files), whatever the filter: ten times the cost of asking whether the view exists.
  const exists = await conn.query(`select 1 from duckdb_views() where ${where}`);
  if (exists.rows.length === 0) return null;
  const result = await conn.query(`select sql from duckdb_views() where ${where}`);
  const sql = result.rows[0]?.[0];
  return typeof sql === 'string' ? sql : null;
}

/**
 * Columns of a table (DESCRIBE finds the one entry, where duckdb_columns() lists every column of
 * every attached database first: a quarter of the time). Not for views: DESCRIBE binds a view's
 * query, which for an Iceberg view reads its files' footers.
 */
export async function tableColumns(conn: Connection, table: Relation): Promise<ColumnDescription[]> {
  const result = await conn.query(`describe ${table.render()}`);
  return result.rows.map((row) => ({ name: String(row[0]), dataType: String(row[1]) }));
}

export async function listColumns(conn: Connection, relation: Relation): Promise<ColumnDescription[]> {
  const result = await conn.query(`
    select column_name, data_type from duckdb_columns()
    where ${databaseFilter(relation.database)}
      and lower(schema_name) = lower(${sqlString(relation.schema)})
      and lower(table_name) = lower(${sqlString(relation.identifier)})
    order by column_index`);
  return result.rows.map((row) => ({ name: String(row[0]), dataType: String(row[1]) }));
}

export async function dropRelationIfExists(conn: Connection, relation: Relation): Promise<void> {
  const existing = await findRelation(conn, relation.database, relation.schema, relation.identifier);
  if (existing) await conn.query(`drop ${existing.type === 'view' ? 'view' : 'table'} ${relation.render()}`);
}

/**
 * Creates schemas on demand. Runner threads build models of the same schema at the same time;
 * creating it from several connections at once raises a DuckDB write-write conflict, so
 * concurrent callers share one in-flight creation. A schema known to exist is not looked up
 * again (every model and stored test asks), until a statement that can drop one runs
 * (`forget`: the connection reports DROP SCHEMA and DETACH), so a schema dropped by a hook or
 * an operation is created again.
 */
export class SchemaRegistry {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly known = new Set<string>();
  /** bumped by `forget`: a creation that settles after it does not mark its schema known */
  private generation = 0;

  ensure(conn: Connection, database: string, schema: string): Promise<void> {
    const key = `${database}\u0000${schema}`.toLowerCase();
    if (this.known.has(key)) return Promise.resolve();
    let creation = this.inFlight.get(key);
    if (!creation) {
      const generation = this.generation;
      creation = createSchema(conn, database, schema).then(() => {
        if (generation === this.generation) this.known.add(key);
      });
      this.inFlight.set(key, creation);
      const settle = () => this.inFlight.delete(key);
      creation.then(settle, settle);
    }
    return creation;
  }

  forget(): void {
    this.generation++;
    this.known.clear();
  }
}

/** Statements after which a schema known to exist may be gone. */
export function mayDropSchema(sql: string): boolean {
  return /\b(drop\s+schema|detach)\b/i.test(sql);
}

async function schemaExists(conn: Connection, database: string, schema: string): Promise<boolean> {
  const result = await conn.query(`
    select 1 from duckdb_schemas()
    where ${databaseFilter(database)} and lower(schema_name) = lower(${sqlString(schema)})`);
  return result.rows.length > 0;
}

async function createSchema(conn: Connection, database: string, schema: string): Promise<void> {
  if (await schemaExists(conn, database, schema)) return;
  try {
    await conn.query(`create schema if not exists ${renderSchema(database, schema)}`);
  } catch (error) {
    // Another process/connection may have created it in the meantime.
    if (!(await schemaExists(conn, database, schema))) throw error;
  }
}
