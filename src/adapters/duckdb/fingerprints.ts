/**
 * Relation fingerprints on the local lakehouse (run/unchanged-inputs.ts): what tells an
 * unchanged input without reading it. An Iceberg table's is its current metadata file (every
 * commit, this build's staged ones too, writes a new one with a new name); a view's is the
 * digest of the statement that made it (the mark mdw leaves in its comment), else its SQL
 * text; a landing source's is its definition, its view's text and, for every file the view
 * reads, the file's name, size and modification time to the millisecond (rsync's quick
 * check, finer: a copy that keeps both, `cp -a`, counts as the same file). A plain DuckDB
 * table (a model without table_type='iceberg', a test's stored failures) has no version: its
 * fingerprint is a digest of its rows, taken only where reuse needs it (`scan`), never for
 * settled inputs.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { SourceDefinition } from '../../manifest/types.js';
import type { Connection, Relation, RelationFingerprints } from '../types.js';
import { viewDefinitionMark, viewSql } from './catalog.js';
import type { DuckDbConnection } from './connection.js';
import type { LocalLakehouse } from './iceberg/lakehouse.js';
import type { SourceView } from './materializations/context.js';

export class LocalFingerprints implements RelationFingerprints<DuckDbConnection> {
  constructor(
    private readonly lake: LocalLakehouse,
    /** each source's view, recorded when it was made in this invocation */
    private readonly sourceViews: ReadonlyMap<string, SourceView>,
  ) {}

  async relation(
    conn: DuckDbConnection,
    relation: Relation,
    options: { scan?: boolean } = {},
  ): Promise<string | null> {
    const location = this.lake.metadataLocation(relation);
    if (location !== null) return sha256(`iceberg\n${location}`);
    const mark = await viewDefinitionMark(conn, relation);
    if (mark !== null) return sha256(`view\n${mark}`);
    const view = await viewSql(conn, relation);
    if (view !== null) return sha256(`view\n${view}`);
    return options.scan === false ? null : rowsDigest(conn, relation);
  }

  async source(_conn: DuckDbConnection, source: SourceDefinition): Promise<string | null> {
    // made by mdw in this invocation, from this query: no need to ask DuckDB for its text
    const view = this.sourceViews.get(source.unique_id);
    if (!view) return null; // not made, a URL or a reader call: its files cannot be told
    const definition = JSON.stringify([source.relation_name, source.columns, source.external]);
    return sha256([definition, view.query, ...[...view.files].sort().map(fileIdentity)].join('\n'));
  }
}

function fileIdentity(path: string): string {
  const stat = statSync(path, { bigint: true });
  // to the nearest millisecond: copies that keep the time (cp -a, Node's cpSync) do not all
  // keep nanoseconds, and a time set through float seconds may land a nanosecond early
  return [path, stat.size, (stat.mtimeNs + 500_000n) / 1_000_000n].join(' ');
}

/** Column names and types, row count and an order-independent sum of row hashes; null when unreadable. */
async function rowsDigest(conn: Connection, relation: Relation): Promise<string | null> {
  try {
    const shape = await conn.query(`select * from ${relation.render()} as mdw_shape limit 0`);
    const content = await conn.query(
      `select count(*), cast(sum(hash(mdw_digest)) as varchar) from ${relation.render()} as mdw_digest`,
    );
    const [count, sum] = content.rows[0] ?? [];
    return sha256(
      JSON.stringify(['table', shape.columnNames, shape.columnTypes, String(count), String(sum)]),
    );
  } catch {
    return null;
  }
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
