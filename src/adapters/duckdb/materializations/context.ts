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
  /** the local files each file-backed source's view reads, by source id (fingerprints.ts) */
  sourceFiles?: Map<string, readonly string[]>;
}

export function ensureSchemaOf(conn: Connection, ctx: BuildContext, relation: Relation): Promise<void> {
  return ctx.schemas.ensure(conn, relation.database, relation.schema);
}

/** "1 row" / "2 rows" for status messages. */
export function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
