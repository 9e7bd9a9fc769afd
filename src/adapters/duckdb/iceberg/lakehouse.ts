/**
 * The local lakehouse behind the DuckDB target: Iceberg tables in `<warehouse>/catalog.db`
 * (beside the DuckDB file, or the profile's `iceberg_warehouse`), each exposed in DuckDB as a
 * view over its current snapshot's Parquet files. The view's comment records the metadata
 * file it was built from, so views follow commits made by other writers (PyIceberg, a
 * rollback, another mdw process) the next time mdw opens the database.
 *
 * During a build with Write-Audit-Publish the catalog stages the build's commits: the views
 * of this database show the staged snapshots (the build's models and tests read them), every
 * other reader the published ones. After a discarded stage the views go back to the published
 * snapshots (syncViews), so the database file never keeps showing data that was not published.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  CatalogStage,
  type IcebergCatalog,
  type IcebergTable,
  MARKER_FILE,
  openCatalog,
} from '../../../lakehouse/iceberg/index.js';
import { sqlString } from '../../sql-helpers.js';
import type { Connection, Relation } from '../../types.js';
import { findRelation } from '../catalog.js';
import { inTransaction } from '../connection.js';
import type { BuildContext } from '../materializations/context.js';
import { ensureSchemaOf } from '../materializations/context.js';
import { DuckDbRelation } from '../relation.js';
import { cachedRelation } from '../relation-cache.js';
import { scanLiveSql } from './delete-scan.js';

const VIEW_MARK = 'iceberg:';

export class LocalLakehouse {
  private opened: IcebergCatalog | undefined;
  /** set between beginStage() and publishStage()/discardStage() */
  private staging = false;
  private stage: CatalogStage | undefined;

  constructor(
    readonly warehouseDir: string,
    private readonly notice: (message: string) => void = () => {},
    private readonly recover = false,
  ) {}

  get catalog(): IcebergCatalog {
    if (!this.opened) {
      this.opened = openCatalog(this.warehouseDir, { name: 'mdw', recover: this.recover });
      if (this.opened.relocatedFrom !== undefined)
        this.notice(
          `The warehouse ${this.warehouseDir} was moved or copied from ${this.opened.relocatedFrom}; its Iceberg table locations now point here.`,
        );
      if (this.staging) this.stage = CatalogStage.begin(this.opened);
    }
    return this.opened;
  }

  /** Stage every commit from now on (the catalog is opened, and the stage begun, on first use). */
  beginStage(): void {
    this.staging = true;
    if (this.opened) this.stage ??= CatalogStage.begin(this.opened);
    else if (this.exists) void this.catalog;
  }

  stagedTables(): string[] {
    return this.stage?.tables() ?? [];
  }

  /** Publish every staged table in one catalog transaction (throws PublishConflict: none published). */
  publishStage(): string[] {
    this.staging = false;
    const tables = this.stage?.publish() ?? [];
    this.stage = undefined;
    return tables;
  }

  /** Drop the stage and its files; the views still show it until syncViews. */
  discardStage(): string[] {
    this.staging = false;
    const tables = this.stage?.discard() ?? [];
    this.stage = undefined;
    return tables;
  }

  /**
   * True once any Iceberg table was ever written here (opening must not create catalog.db);
   * a warehouse marker without catalog.db counts, so that opening says the catalog is lost.
   */
  get exists(): boolean {
    return (
      this.opened !== undefined ||
      existsSync(join(this.warehouseDir, 'catalog.db')) ||
      existsSync(join(this.warehouseDir, MARKER_FILE))
    );
  }

  find(relation: Relation): IcebergTable | null {
    if (!this.exists || !this.catalog.tableExists(relation.schema, relation.identifier)) return null;
    return this.catalog.loadTable(relation.schema, relation.identifier);
  }

  /** The table's current metadata file (this build's staged commit, if any), or null when it is no table here. */
  metadataLocation(relation: Relation): string | null {
    if (!this.exists) return null;
    return this.catalog.currentMetadataLocation(relation.schema, relation.identifier) ?? null;
  }

  /** Point the DuckDB view at the table's current snapshot (replacing a plain table of that name). */
  async expose(conn: Connection, ctx: BuildContext, relation: Relation, table: IcebergTable): Promise<void> {
    await ensureSchemaOf(conn, ctx, relation);
    const existing = await findRelation(conn, relation.database, relation.schema, relation.identifier);
    await inTransaction(conn, async () => {
      if (existing?.type === 'table') await conn.query(`drop table ${relation.render()}`);
      await conn.query(`create or replace view ${relation.render()} as ${scanLiveSql(table)}`);
      await conn.query(
        `comment on view ${relation.render()} is ${sqlString(VIEW_MARK + table.metadataLocation)}`,
      );
    });
  }

  /** Refresh every view whose table moved on since the view was made (other writers' commits). */
  async syncViews(conn: Connection, ctx: BuildContext, database: string): Promise<void> {
    if (!this.exists) return;
    const result = await conn.query(
      `select schema_name, view_name, comment from duckdb_views()
        where not internal and database_name = ${sqlString(database)} and comment like '${VIEW_MARK}%'`,
    );
    const views = result.rows.map((row) => ({
      schema: String(row[0]),
      name: String(row[1]),
      location: String(row[2]).slice(VIEW_MARK.length),
    }));
    const seen = new Map(views.map((view) => [`${view.schema}.${view.name}`, view.location]));
    // one consistent read of every pointer: never half of another build's publish
    const tables = this.catalog.currentPointers();
    // A view over a table the catalog no longer has (dropped elsewhere, or a stage discarded
    // before its new table was published) would read files that are gone.
    const known = new Set(tables.map((t) => `${t.namespace}.${t.name}`));
    for (const view of views) {
      if (known.has(`${view.schema}.${view.name}`)) continue;
      const relation = new DuckDbRelation(database, view.schema, view.name, 'view');
      await conn.query(`drop view if exists ${relation.render()}`);
    }
    for (const { namespace, name, location } of tables) {
      if (seen.get(`${namespace}.${name}`) === location) continue;
      const table = this.catalog.loadTableAt(namespace, name, location);
      await this.expose(conn, ctx, new DuckDbRelation(database, namespace, name, 'view'), table);
    }
  }

  /** Is this DuckDB view the face of an Iceberg table? (It counts as a table for dbt.) */
  static async isIcebergView(conn: Connection, relation: Relation): Promise<boolean> {
    const cached = await cachedRelation(conn, relation);
    if (cached === null || cached?.kind === 'table') return false;
    if (cached?.comment !== undefined) return cached.comment?.startsWith(VIEW_MARK) === true;
    const result = await conn.query(
      `select 1 from duckdb_views() where lower(schema_name) = lower(${sqlString(relation.schema)})
         and lower(view_name) = lower(${sqlString(relation.identifier)}) and comment like '${VIEW_MARK}%'`,
    );
    return result.rows.length > 0;
  }

  /** A model that stops being Iceberg leaves the catalog (else the next sync would bring it back). */
  forget(relation: Relation): void {
    if (this.find(relation)) this.catalog.dropTable(relation.schema, relation.identifier, { purge: true });
  }

  close(): void {
    this.opened?.close();
    this.opened = undefined;
  }
}
