/** What every materialization needs from the adapter besides the connection. */
import type { Connection, Relation } from '../../types.js';
import type { SchemaRegistry } from '../catalog.js';
import type { RawFolders } from '../raw-rows.js';

export interface BuildContext {
  schemas: SchemaRegistry;
  /** non-fatal notices (bad config values that fall back to a default) */
  warn: (message: string) => void;
  /** the sources' landing folders, registered as their views are created */
  rawFolders?: RawFolders;
  /** each file-backed source's view made in this invocation, by source id (fingerprints.ts) */
  sourceViews?: Map<string, SourceView>;
}

/** A source's view as mdw made it: the local files it reads and the query it was created with. */
export interface SourceView {
  files: readonly string[];
  query: string;
}

export function ensureSchemaOf(conn: Connection, ctx: BuildContext, relation: Relation): Promise<void> {
  return ctx.schemas.ensure(conn, relation.database, relation.schema);
}

/** "1 row" / "2 rows" for status messages. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
