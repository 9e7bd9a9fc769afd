/**
 * What DuckDB's catalog holds, kept in memory: which tables and views exist, which views are the
 * face of an Iceberg table, and a view's SQL text. A build asks these questions several times
 * per node (does the target exist, is it an Iceberg view, what is a view's definition), and each
 * look-up scans duckdb_tables()/duckdb_views() of every attached database (a few milliseconds,
 * more while another thread commits). One listing per database answers them all.
 *
 * The adapter's connections report every statement they run (`observe`); this process is the
 * only writer of its database file (DuckDB locks it). A statement that creates, drops or
 * comments on a fully qualified table or view updates its entry; anything else that may change
 * the catalog (ALTER, ATTACH, USE, a rollback, a failed statement, several statements at once,
 * an unqualified name) forgets everything, and the next look-up lists the database again.
 */
import { sqlString } from '../sql-helpers.js';
import type { Connection } from '../types.js';

export interface CachedRelation {
  kind: 'table' | 'view';
  /** the view's comment (null: none; a table's is not kept); undefined: not known */
  comment?: string | null;
  /** a view's SQL text as DuckDB keeps it; undefined: not known yet */
  sql?: string;
}

type Listing = Map<string, CachedRelation>;

const connections = new WeakMap<Connection, RelationCache>();

/** The cache that answers for this connection's catalog, if its adapter keeps one. */
export function relationCacheOf(conn: Connection): RelationCache | undefined {
  return connections.get(conn);
}

/** What the connection's cache knows of a relation: null when there is none, undefined without a cache. */
export async function cachedRelation(
  conn: Connection,
  relation: { database: string; schema: string; identifier: string },
): Promise<CachedRelation | null | undefined> {
  return relationCacheOf(conn)?.lookup(conn, relation.database, relation.schema, relation.identifier);
}

export class RelationCache {
  /** lower-cased database name ('' = the current one) → its listing (or the listing being read) */
  private readonly databases = new Map<string, Promise<Listing | null>>();
  /** bumped whenever everything is forgotten: a listing read across it is not kept */
  private generation = 0;

  /** Look-ups on `conn` go through this cache. */
  attach(conn: Connection): void {
    connections.set(conn, this);
  }

  /** The table or view, null when there is none; undefined when the catalog could not be listed. */
  async lookup(
    conn: Connection,
    database: string,
    schema: string,
    identifier: string,
  ): Promise<CachedRelation | null | undefined> {
    const listing = await this.listing(conn, database.toLowerCase());
    if (!listing) return undefined;
    return listing.get(relationKey(schema, identifier)) ?? null;
  }

  /** Called after every statement a connection ran (failed: it raised an error). */
  observe(sql: string, failed: boolean): void {
    const effect = failed ? 'unknown' : catalogEffect(sql);
    if (effect === 'none') return;
    if (effect === 'unknown') {
      this.forgetAll();
      return;
    }
    // the current database's listing may be any of them: list it again
    this.databases.delete('');
    const listing = this.databases.get(effect.database);
    if (!listing) return;
    // a listing still being read may miss this change: replace it after it settles
    this.databases.set(
      effect.database,
      listing.then((entries) => {
        if (!entries) return null;
        const key = relationKey(effect.schema, effect.identifier);
        if (effect.change === 'dropped') entries.delete(key);
        // CREATE OR REPLACE starts a view without a comment
        else if (effect.change === 'created') entries.set(key, { kind: effect.kind, comment: null });
        else {
          const entry = entries.get(key);
          if (entry?.kind === 'view') entry.comment = effect.comment ?? null;
        }
        return entries;
      }),
    );
  }

  forgetAll(): void {
    this.generation++;
    this.databases.clear();
  }

  private listing(conn: Connection, database: string): Promise<Listing | null> {
    let listing = this.databases.get(database);
    if (listing) return listing;
    const generation = this.generation;
    listing = listRelations(conn, database).catch(() => null);
    this.databases.set(database, listing);
    // a change forgotten while the list was read: the next look-up lists again
    void listing.then(() => {
      if (generation !== this.generation) this.databases.delete(database);
    });
    return listing;
  }
}

function relationKey(schema: string, identifier: string): string {
  return `${schema.toLowerCase()}\u0000${identifier.toLowerCase()}`;
}

async function listRelations(conn: Connection, database: string): Promise<Listing> {
  const where =
    database === '' ? 'database_name = current_database()' : `lower(database_name) = ${sqlString(database)}`;
  const result = await conn.query(`
    select schema_name, table_name, 'table', null from duckdb_tables() where ${where}
    union all
    select schema_name, view_name, 'view', comment from duckdb_views() where not internal and ${where}`);
  const listing: Listing = new Map();
  for (const [schema, name, kind, comment] of result.rows)
    listing.set(relationKey(String(schema), String(name)), {
      kind: kind === 'table' ? 'table' : 'view',
      comment: typeof comment === 'string' ? comment : null,
    });
  return listing;
}

export type CatalogEffect =
  | 'none'
  | 'unknown'
  | {
      change: 'created' | 'dropped' | 'commented';
      kind: 'table' | 'view';
      database: string;
      schema: string;
      identifier: string;
      comment?: string;
    };

const IDENTIFIER = '(?:"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*)';
const NAME = String.raw`(${IDENTIFIER}(?:\s*\.\s*${IDENTIFIER})*)`;
/** statements that leave the set of tables and views as it is */
const NO_CATALOG_CHANGE =
  /^(select|with|from|insert|update|delete|merge|set|reset|begin|start|commit|end|describe|show|explain|summarize|copy|pragma|checkpoint|force\s+checkpoint|vacuum|analyze|load|install|values|table)\b/i;
/** objects other than tables and views */
const OTHER_OBJECT =
  /^create\s+(or\s+replace\s+)?(schema|macro|function|sequence|type|index|unique\s+index|secret|persistent\s+secret|temp\s+macro|temporary\s+macro)\b/i;
const CREATE = new RegExp(
  String.raw`^create\s+(?:or\s+replace\s+)?(temp\s+|temporary\s+)?(table|view)\s+(?:if\s+not\s+exists\s+)?${NAME}`,
  'i',
);
const DROP = new RegExp(
  String.raw`^drop\s+(table|view)\s+(?:if\s+exists\s+)?${NAME}\s*(cascade|restrict)?\s*$`,
  'i',
);
const COMMENT = new RegExp(
  String.raw`^comment\s+on\s+(table|view|column)\s+${NAME}\s+is\s+(null|'((?:[^']|'')*)')\s*$`,
  'i',
);

/** What a statement does to the set of tables and views (a conservative reading of the SQL). */
export function catalogEffect(sql: string): CatalogEffect {
  const text = withoutLeadingComments(sql).replace(/;\s*$/, '');
  // several statements at once (or a semicolon in a literal): not read further
  if (text.includes(';')) return 'unknown';
  if (NO_CATALOG_CHANGE.test(text) || OTHER_OBJECT.test(text)) return 'none';
  const created = CREATE.exec(text);
  if (created) {
    if (created[1]) return 'none'; // a temporary table or view
    const name = qualifiedName(created[3]!);
    return name ? { change: 'created', kind: kindOf(created[2]!), ...name } : 'unknown';
  }
  const dropped = DROP.exec(text);
  if (dropped) {
    if (dropped[3]?.toLowerCase() === 'cascade') return 'unknown';
    const name = qualifiedName(dropped[2]!);
    return name ? { change: 'dropped', kind: kindOf(dropped[1]!), ...name } : 'unknown';
  }
  const commented = COMMENT.exec(text);
  if (commented) {
    if (commented[1]!.toLowerCase() !== 'view') return 'none'; // only a view's comment means something here
    const name = qualifiedName(commented[2]!);
    if (!name) return 'unknown';
    const literal = commented[4];
    return {
      change: 'commented',
      kind: 'view',
      ...name,
      ...(literal === undefined ? {} : { comment: literal.replaceAll("''", "'") }),
    };
  }
  return 'unknown';
}

function kindOf(word: string): 'table' | 'view' {
  return word.toLowerCase() === 'view' ? 'view' : 'table';
}

/** database.schema.name, each part unquoted and lower-cased; null unless all three are given. */
function qualifiedName(name: string): { database: string; schema: string; identifier: string } | null {
  const parts = name.match(new RegExp(IDENTIFIER, 'g'));
  if (parts?.length !== 3) return null;
  const [database, schema, identifier] = parts.map((part) =>
    (part.startsWith('"') ? part.slice(1, -1).replaceAll('""', '"') : part).toLowerCase(),
  );
  return { database: database!, schema: schema!, identifier: identifier! };
}

function withoutLeadingComments(sql: string): string {
  let text = sql.trimStart();
  for (;;) {
    if (text.startsWith('--')) {
      const end = text.indexOf('\n');
      text = end < 0 ? '' : text.slice(end + 1).trimStart();
    } else if (text.startsWith('/*')) {
      const end = text.indexOf('*/');
      text = end < 0 ? '' : text.slice(end + 2).trimStart();
    } else return text;
  }
}
