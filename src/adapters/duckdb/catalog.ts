/** Catalog look-ups (duckdb_tables/views/columns) and on-demand schema creation. */

import { createHash } from 'node:crypto';
import { sqlString } from '../sql-helpers.js';
import type { ColumnDescription, Connection, Relation } from '../types.js';
import { DuckDbRelation, renderSchema } from './relation.js';
import { cachedRelation } from './relation-cache.js';

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
  const cached = await cachedRelation(conn, { database, schema, identifier });
  if (cached !== undefined) return cached && new DuckDbRelation(database, schema, identifier, cached.kind);
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

/**
 * The comment mdw gives a view it creates: a digest of the statement that created it. CREATE OR
 * REPLACE clears a view's comment, so a view replaced by anything else loses the mark. The mark
 * tells a view's definition without asking DuckDB for its text (viewSql), which renders the text
 * of every view in the database.
 */
export function viewDefinitionComment(ddl: string): string {
  return `${VIEW_DEFINITION_MARK}${createHash('sha256').update(ddl).digest('hex')}`;
}
const VIEW_DEFINITION_MARK = 'mdw-view:';

/** The definition mark of a view mdw created (viewDefinitionComment), or null. */
export async function viewDefinitionMark(conn: Connection, relation: Relation): Promise<string | null> {
  const cached = await cachedRelation(conn, relation);
  let comment: unknown = cached?.comment;
  if (cached === null || cached?.kind === 'table') return null;
  if (comment === undefined) {
    const result =
      await conn.query(`select comment from duckdb_views() where not internal and ${databaseFilter(relation.database)}
      and lower(schema_name) = lower(${sqlString(relation.schema)})
      and lower(view_name) = lower(${sqlString(relation.identifier)})`);
    comment = result.rows[0]?.[0];
  }
  return typeof comment === 'string' && comment.startsWith(VIEW_DEFINITION_MARK) ? comment : null;
}

/** A view's SQL text as DuckDB keeps it, or null when the relation is no view. */
export async function viewSql(conn: Connection, relation: Relation): Promise<string | null> {
  const cached = await cachedRelation(conn, relation);
  if (cached === null || cached?.kind === 'table') return null;
  if (cached?.sql !== undefined) return cached.sql;
  const where = `not internal and ${databaseFilter(relation.database)}
      and lower(schema_name) = lower(${sqlString(relation.schema)})
      and lower(view_name) = lower(${sqlString(relation.identifier)})`;
  // Selecting `sql` renders the text of every view in the database (Iceberg views list their
  // files), whatever the filter: ten times the cost of asking whether the view exists.
  if (!cached) {
    const exists = await conn.query(`select 1 from duckdb_views() where ${where}`);
    if (exists.rows.length === 0) return null;
  }
  const result = await conn.query(`select sql from duckdb_views() where ${where}`);
  const sql = result.rows[0]?.[0];
  if (typeof sql !== 'string') return null;
  if (cached) cached.sql = sql;
  return sql;
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
 * concurrent callers share one in-flight creation. The first ask lists the database's schemas
 * (one look-up, not one per schema); a schema known to exist is not looked up again (every
 * model and stored test asks), until a statement that can drop one runs
 * (`forget`: the connection reports DROP SCHEMA and DETACH), so a schema dropped by a hook or
 * an operation is created again.
 */
export class SchemaRegistry {
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly known = new Set<string>();
  /** databases whose schemas were listed since the last `forget` */
  private readonly listed = new Map<string, Promise<void>>();
  /** bumped by `forget`: a creation that settles after it does not mark its schema known */
  private generation = 0;

  ensure(conn: Connection, database: string, schema: string): Promise<void> {
    const key = schemaKey(database, schema);
    if (this.known.has(key)) return Promise.resolve();
    let creation = this.inFlight.get(key);
    if (!creation) {
      const generation = this.generation;
      creation = this.listOnce(conn, database)
        .then(() => (this.known.has(key) ? undefined : createSchema(conn, database, schema)))
        .then(() => {
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
    this.listed.clear();
  }

  /** The database's schemas, listed once (one look-up rather than one per schema asked for). */
  private listOnce(conn: Connection, database: string): Promise<void> {
    const key = database.toLowerCase();
    let listing = this.listed.get(key);
    if (!listing) {
      const generation = this.generation;
      listing = conn.query(`select schema_name from duckdb_schemas() where ${databaseFilter(database)}`).then(
        (result) => {
          if (generation !== this.generation) return;
          for (const [schema] of result.rows) this.known.add(schemaKey(database, String(schema)));
        },
        () => undefined, // each schema is looked up when it is created
      );
      this.listed.set(key, listing);
    }
    return listing;
  }
}

function schemaKey(database: string, schema: string): string {
  return `${database}\u0000${schema}`.toLowerCase();
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
