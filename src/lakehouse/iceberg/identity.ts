/**
 * Which warehouse folder a catalog belongs to. The catalog keeps an id and the folder it last
 * served (table `mdw_catalog_properties`, next to the JDBC-catalog tables, which other engines
 * ignore); the folder keeps the same id in a marker file. Opening compares the three:
 *
 * - catalog.db reached through a link into another folder, or a marker with another id: the
 *   catalog serves another warehouse, refused (two folders sharing one catalog mix their data);
 * - the folder differs from the one recorded but the marker agrees: the warehouse was moved
 *   or copied, and its table locations are rewritten (relocate.ts);
 * - no catalog.db but a marker: the catalog was lost; `mdw iceberg recover` rebuilds it.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, lstatSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type Database from 'better-sqlite3';
import { ExecutionError } from '../../util/errors.js';

export const MARKER_FILE = '.mdw-warehouse';
export const CATALOG_FILE = 'catalog.db';

export const PROPERTIES_DDL = `CREATE TABLE IF NOT EXISTS mdw_catalog_properties (
  property_key VARCHAR(255) NOT NULL PRIMARY KEY,
  property_value VARCHAR(4000)
)`;

export interface Marker {
  warehouse_id: string;
}

/** The marker of a warehouse folder, or undefined when it has none (or it is unreadable). */
export function readMarker(warehouseDir: string): Marker | undefined {
  const path = join(warehouseDir, MARKER_FILE);
  if (!existsSync(path)) return undefined;
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<Marker>;
    return typeof parsed.warehouse_id === 'string' ? { warehouse_id: parsed.warehouse_id } : undefined;
  } catch {
    return undefined;
  }
}

export function writeMarker(warehouseDir: string, id: string): void {
  const path = join(warehouseDir, MARKER_FILE);
  const temp = `${path}.partial-${process.pid}`;
  writeFileSync(
    temp,
    `${JSON.stringify({ warehouse_id: id, note: 'mdw warehouse marker: the id recorded in catalog.db' }, null, 2)}\n`,
  );
  renameSync(temp, path);
}

export function newWarehouseId(): string {
  return randomUUID();
}

export function getProperty(db: Database.Database, key: string): string | undefined {
  const row = db
    .prepare('SELECT property_value AS value FROM mdw_catalog_properties WHERE property_key = ?')
    .get(key) as { value: string | null } | undefined;
  return row?.value ?? undefined;
}

export function setProperty(db: Database.Database, key: string, value: string): void {
  db.prepare(
    `INSERT INTO mdw_catalog_properties (property_key, property_value) VALUES (?, ?)
     ON CONFLICT (property_key) DO UPDATE SET property_value = excluded.property_value`,
  ).run(key, value);
}

/** Same folder, even when reached through different paths (symbolic links). */
export function sameFolder(a: string, b: string): boolean {
  if (resolve(a) === resolve(b)) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/**
 * Refuses a catalog.db that is a link to another folder's catalog (checked before SQLite
 * opens it, so nothing is written to the other warehouse's catalog).
 */
export function checkCatalogFileIsOwn(warehouseDir: string): void {
  const path = join(warehouseDir, CATALOG_FILE);
  let isLink = false;
  try {
    isLink = lstatSync(path).isSymbolicLink();
  } catch {
    return;
  }
  if (!isLink) return;
  let real: string;
  try {
    real = realpathSync(path);
  } catch {
    return; // a dangling or looping link: SQLite's own error names it (catalog-errors.ts)
  }
  if (sameFolder(dirname(real), warehouseDir)) return;
  throw new ExecutionError(
    `Iceberg catalog ${path} is a link to ${real}, the catalog of the warehouse folder ${dirname(real)}; ` +
      `a catalog serves one warehouse folder, so mdw refuses to mix two — copy the whole warehouse folder ` +
      `instead (cp -a), or point the profile at ${dirname(real)}.`,
  );
}

/** A marker without a catalog: the catalog was lost, and building now would start the tables empty. */
export function missingCatalogError(warehouseDir: string): ExecutionError {
  return new ExecutionError(
    `Iceberg catalog ${join(warehouseDir, CATALOG_FILE)} is missing, but ${warehouseDir} is an mdw warehouse ` +
      `(it has ${MARKER_FILE}) whose tables are still on disk; run \`mdw iceberg recover\` to rebuild the ` +
      `catalog from their metadata files (history kept), or delete ${join(warehouseDir, MARKER_FILE)} to start ` +
      `an empty catalog.`,
  );
}

export function foreignCatalogError(
  warehouseDir: string,
  catalogId: string,
  markerId: string,
): ExecutionError {
  return new ExecutionError(
    `Iceberg catalog ${join(warehouseDir, CATALOG_FILE)} belongs to warehouse ${catalogId}, but the folder's ` +
      `${MARKER_FILE} says ${markerId}: the catalog was made for another warehouse folder and mdw refuses to mix ` +
      `two; restore this folder's own catalog.db, or run \`mdw iceberg recover\` after moving this one aside.`,
  );
}

export function strayCatalogError(warehouseDir: string, recordedRoot: string): ExecutionError {
  return new ExecutionError(
    `Iceberg catalog ${join(warehouseDir, CATALOG_FILE)} belongs to the warehouse folder ${recordedRoot}, and ` +
      `${warehouseDir} has no ${MARKER_FILE}: mdw refuses to serve another folder's catalog; copy or move the ` +
      `whole warehouse folder (cp -a / mv), or run \`mdw iceberg recover\` after moving this catalog.db aside.`,
  );
}
