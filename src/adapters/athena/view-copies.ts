/**
 * Invocation-scoped copies of views' rows on Athena (see run/view-reuse.ts). Athena bills the
 * bytes a query reads, and a staging view over raw CSV files reads every byte of them for each
 * reader; its copy is an Iceberg Parquet table, written once, that readers scan by column. A
 * copy sits beside its view as `<view>__mdw_reuse` with its data under s3_data_dir; one a killed
 * build left behind is replaced by the next copy of that view.
 */
import type { Relation, ViewCopies, ViewCopy } from '../types.js';
import type { AthenaConnection } from './connection.js';
import { dataLocation, icebergWith } from './layout.js';
import { type BuildContext, dropRelation, lookup } from './materialize.js';
import { AthenaRelation } from './relation.js';

export const COPY_SUFFIX = '__mdw_reuse';

export class AthenaViewCopies implements ViewCopies<AthenaConnection> {
  /** a copy is billed: made for the first reader that runs, none when every reader is reused */
  readonly eager = false;
  /** each copy's data folder, to delete with it */
  private readonly locations = new Map<string, string>();

  constructor(private readonly context: (conn: AthenaConnection) => BuildContext) {}

  async create(conn: AthenaConnection, view: Relation, where = ''): Promise<ViewCopy> {
    const ctx = this.context(conn);
    // the copy sits beside its view; the source is what the caller renders (a view, or a query's rows)
    const copy = new AthenaRelation(view.database, view.schema, view.identifier, 'view').sibling(
      `${view.identifier}${COPY_SUFFIX}`,
    );
    const leftover = await lookup(ctx, copy);
    if (leftover) await dropRelation(ctx, copy, leftover);
    const location = dataLocation(
      ctx.profile.dataDir,
      ctx.profile.dataNaming,
      copy.schema.toLowerCase(),
      copy.identifier.toLowerCase(),
      () => conn.warehouse.uniqueId(),
    );
    const created = await conn.query(
      `create table ${copy.render()}${icebergWith(location, [], {}, view.identifier)} as select * from ${view.render()}${where}`,
    );
    this.locations.set(copy.render(), location);
    return { relation: copy, rows: created.rowsAffected };
  }

  async drop(conn: AthenaConnection, copy: Relation): Promise<void> {
    const relation = new AthenaRelation(copy.database, copy.schema, copy.identifier, 'table');
    const location = this.locations.get(relation.render());
    this.locations.delete(relation.render());
    const ctx = this.context(conn);
    const info = location ? { kind: 'iceberg' as const, location } : await lookup(ctx, relation);
    if (info) await dropRelation(ctx, relation, info);
  }
}
