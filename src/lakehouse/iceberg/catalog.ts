/**
 * The catalog: a SQLite database laid out exactly like Iceberg's JDBC catalog
 * (`iceberg_tables`, `iceberg_namespace_properties`), so PyIceberg's
 * `SqlCatalog(name, uri='sqlite:////abs/W/catalog.db', warehouse='file:///abs/W')` and any
 * JDBC-catalog engine open the same tables. It holds one pointer per table — the current
 * metadata file — and a commit is a compare-and-set of that pointer. While a build stages
 * (Write-Audit-Publish, stage.ts) its commits move pointers of its own in `mdw_staged_tables`,
 * which only that build reads, until it publishes them all in one transaction.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { compareText } from '../../util/compare-text.js';
import { ExecutionError } from '../../util/errors.js';
import { catalogError } from '../catalog-errors.js';
import { checkTableName } from '../table-names.js';
import { writeFileDurably } from './avro.js';
import {
  CATALOG_FILE,
  checkCatalogFileIsOwn,
  foreignCatalogError,
  getProperty,
  type Marker,
  missingCatalogError,
  newWarehouseId,
  PROPERTIES_DDL,
  readMarker,
  sameFolder,
  setProperty,
  strayCatalogError,
  writeMarker,
} from './identity.js';
import { ownFiles } from './maintenance.js';
import {
  newTableMetadata,
  nextMetadataFileName,
  parseTableMetadata,
  serializeTableMetadata,
} from './metadata.js';
import { joinUri, tableLocation, uriToPath } from './paths.js';
import { damagedFileError } from './recovery.js';
import { relocateWarehouse } from './relocate.js';
import type { Schema } from './schema.js';
import { otherStages, StagedPointers } from './staging.js';
import { IcebergTable } from './table.js';
import type { PartitionRequest } from './transforms.js';

export interface CatalogOptions {
  /** catalog_name in the catalog tables; PyIceberg must be opened with the same name. Default `mdw`. */
  name?: string;
  /** Commit attempts after the first when another writer got there first. Default 5. */
  commitRetries?: number;
  /** How long SQLite waits for another process's lock before failing. Default 30 s. */
  busyTimeoutMs?: number;
  /**
   * `mdw iceberg recover` and `register`: open (creating if needed) the catalog of a
   * warehouse whose catalog.db was lost, instead of refusing.
   */
  recover?: boolean;
  /** Test seam: runs after a commit's files are written, just before the pointer swap. */
  beforeSwap?: (table: IcebergTable, attempt: number) => void | Promise<void>;
}

export interface TableIdentifier {
  namespace: string;
  name: string;
}

const TABLES_DDL = `CREATE TABLE IF NOT EXISTS iceberg_tables (
  catalog_name VARCHAR(255) NOT NULL,
  table_namespace VARCHAR(255) NOT NULL,
  table_name VARCHAR(255) NOT NULL,
  metadata_location VARCHAR(1000),
  previous_metadata_location VARCHAR(1000),
  iceberg_type VARCHAR(5),
  PRIMARY KEY (catalog_name, table_namespace, table_name)
)`;

const NAMESPACES_DDL = `CREATE TABLE IF NOT EXISTS iceberg_namespace_properties (
  catalog_name VARCHAR(255) NOT NULL,
  namespace VARCHAR(255) NOT NULL,
  property_key VARCHAR(255) NOT NULL,
  property_value VARCHAR(1000),
  PRIMARY KEY (catalog_name, namespace, property_key)
)`;

/** Opens (creating if needed) the catalog of a warehouse folder: `<warehouseDir>/catalog.db`. */
export function openCatalog(warehouseDir: string, options: CatalogOptions = {}): IcebergCatalog {
  return new IcebergCatalog(warehouseDir, options);
}

export class IcebergCatalog {
  readonly name: string;
  readonly warehouseDir: string;
  readonly commitRetries: number;
  readonly beforeSwap: CatalogOptions['beforeSwap'];
  private readonly db: Database.Database;
  /** The folder the warehouse was moved or copied from, when this open rewrote its locations. */
  readonly relocatedFrom: string | undefined;
  /** This warehouse's id (also in its marker file, identity.ts). */
  readonly warehouseId: string;
  /** Whether iceberg_tables has the `iceberg_type` column (JDBC catalog schema v1). */
  readonly typed: boolean;
  /** Set while a build stages its commits (Write-Audit-Publish, see stage.ts). */
  private staging: StagedPointers | undefined;

  constructor(warehouseDir: string, options: CatalogOptions = {}) {
    this.warehouseDir = resolve(warehouseDir);
    this.name = options.name ?? 'mdw';
    this.commitRetries = options.commitRetries ?? 5;
    this.beforeSwap = options.beforeSwap;
    const path = join(this.warehouseDir, CATALOG_FILE);
    checkCatalogFileIsOwn(this.warehouseDir);
    const marker = readMarker(this.warehouseDir);
    if (!existsSync(path) && marker && !options.recover) throw missingCatalogError(this.warehouseDir);
    try {
      mkdirSync(this.warehouseDir, { recursive: true });
      this.db = new Database(path, { timeout: options.busyTimeoutMs ?? 30_000 });
      this.db.exec(TABLES_DDL);
      this.db.exec(NAMESPACES_DDL);
      this.db.exec(PROPERTIES_DDL);
      const columns = this.db.prepare('PRAGMA table_info(iceberg_tables)').all() as { name: string }[];
      this.typed = columns.some((c) => c.name === 'iceberg_type');
    } catch (error) {
      throw catalogError(path, error);
    }
    try {
      const { id, relocatedFrom } = this.identify(marker);
      this.warehouseId = id;
      this.relocatedFrom = relocatedFrom;
    } catch (error) {
      this.db.close();
      throw error;
    }
  }

  /** Checks the catalog belongs to this folder; records it (new catalogs); follows a move or copy. */
  private identify(marker: Marker | undefined): { id: string; relocatedFrom?: string } {
    const dir = this.warehouseDir;
    const id = getProperty(this.db, 'warehouse_id');
    const root = getProperty(this.db, 'warehouse_root');
    if (id === undefined) {
      // a new catalog, or one from before warehouses had ids (or rebuilt by recover)
      // under the write lock, so that two processes opening a new warehouse agree on one id
      const adopted = this.db
        .transaction(() => {
          const now = getProperty(this.db, 'warehouse_id');
          if (now !== undefined) return now;
          const chosen = readMarker(dir)?.warehouse_id ?? newWarehouseId();
          setProperty(this.db, 'warehouse_id', chosen);
          setProperty(this.db, 'warehouse_root', dir);
          writeMarker(dir, chosen);
          return chosen;
        })
        .immediate();
      return { id: adopted };
    }
    if (!marker) {
      if (root !== undefined && !sameFolder(root, dir)) throw strayCatalogError(dir, root);
      writeMarker(dir, id); // the marker alone was lost: this is the catalog's own folder
      return { id };
    }
    if (marker.warehouse_id !== id) throw foreignCatalogError(dir, id, marker.warehouse_id);
    if (root === undefined || sameFolder(root, dir)) return { id };
    // Moved or copied with its marker: rewrite the locations, holding the catalog's write lock.
    const moved = this.db
      .transaction(() => {
        const recorded = getProperty(this.db, 'warehouse_root');
        if (recorded === undefined || sameFolder(recorded, dir)) return undefined;
        relocateWarehouse(this.db, recorded, dir);
        setProperty(this.db, 'warehouse_root', dir);
        return recorded;
      })
      .immediate();
    return { id, relocatedFrom: moved };
  }

  close(): void {
    this.db.close();
  }

  /** @internal the SQLite database (stage.ts) */
  get sqlite(): Database.Database {
    return this.db;
  }

  /**
   * @internal From now on this catalog's commits and new tables are staged under `buildId`:
   * this catalog reads them back, every other reader keeps the published pointers (stage.ts).
   */
  startStaging(buildId: string): StagedPointers {
    this.staging = new StagedPointers(this.db, this.name, buildId);
    return this.staging;
  }

  /** @internal back to committing straight to the published pointers */
  stopStaging(): void {
    this.staging = undefined;
  }

  /** Staged metadata locations of a table in builds still running (remove-orphans keeps their files). */
  liveStagedLocations(namespace: string, name: string): string[] {
    const own = this.staging?.location(namespace, name);
    const others = otherStages(this.db, this.name, this.staging?.buildId).live.filter(
      (p) => p.namespace === namespace && p.name === name,
    );
    return [...(own ? [own] : []), ...others.map((p) => p.metadataLocation)];
  }

  // --- namespaces ----------------------------------------------------------------------------

  namespaceExists(namespace: string): boolean {
    const inTables = this.db
      .prepare('SELECT 1 FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? LIMIT 1')
      .get(this.name, namespace);
    const inProps = this.db
      .prepare('SELECT 1 FROM iceberg_namespace_properties WHERE catalog_name = ? AND namespace = ? LIMIT 1')
      .get(this.name, namespace);
    return Boolean(inTables || inProps);
  }

  /** Creates the namespace when missing (with the `exists=true` property PyIceberg also writes). */
  ensureNamespace(namespace: string): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO iceberg_namespace_properties (catalog_name, namespace, property_key, property_value)
         VALUES (?, ?, 'exists', 'true')`,
      )
      .run(this.name, namespace);
  }

  listNamespaces(): string[] {
    const rows = this.db
      .prepare(
        `SELECT table_namespace AS ns FROM iceberg_tables WHERE catalog_name = ?
         UNION SELECT namespace AS ns FROM iceberg_namespace_properties WHERE catalog_name = ? ORDER BY 1`,
      )
      .all(this.name, this.name) as { ns: string }[];
    return rows.map((r) => r.ns);
  }

  // --- tables --------------------------------------------------------------------------------

  listTables(namespace?: string): TableIdentifier[] {
    const typeFilter = this.typed ? " AND (iceberg_type = 'TABLE' OR iceberg_type IS NULL)" : '';
    const rows = this.db
      .prepare(
        `SELECT table_namespace AS namespace, table_name AS name FROM iceberg_tables
         WHERE catalog_name = ? AND (? IS NULL OR table_namespace = ?)${typeFilter} ORDER BY 1, 2`,
      )
      .all(this.name, namespace ?? null, namespace ?? null) as TableIdentifier[];
    const created = this.staging?.created(namespace) ?? [];
    if (created.length === 0) return rows;
    return [...rows, ...created].sort(
      (a, b) => compareText(a.namespace, b.namespace) || compareText(a.name, b.name),
    );
  }

  tableExists(namespace: string, name: string): boolean {
    return this.currentMetadataLocation(namespace, name) !== undefined;
  }

  /**
   * Creates an empty table at `W/<namespace>/<name>` (no snapshot yet). Identity-partitioned
   * on the `partition` column when `partitioned` and the schema has that column.
   */
  createTable(
    namespace: string,
    name: string,
    schema: Schema,
    options: {
      partitioned?: boolean;
      partitionBy?: readonly PartitionRequest[];
      properties?: Record<string, string>;
      location?: string;
    } = {},
  ): IcebergTable {
    checkTableName(this.warehouseDir, namespace, name);
    if (this.tableExists(namespace, name)) {
      throw new ExecutionError(`Iceberg table ${namespace}.${name} already exists in catalog ${this.name}.`);
    }
    this.ensureNamespace(namespace);
    const location = options.location ?? tableLocation(this.warehouseDir, namespace, name);
    const metadata = newTableMetadata({
      location,
      schema,
      partitioned: options.partitioned ?? false,
      partitionBy: options.partitionBy,
      properties: options.properties,
    });
    const metadataDir = join(uriToPath(location), 'metadata');
    mkdirSync(metadataDir, { recursive: true });
    const fileName = nextMetadataFileName(null, metadata);
    writeFileDurably(join(metadataDir, fileName), serializeTableMetadata(metadata));
    const metadataLocation = joinUri(location, 'metadata', fileName);
    try {
      if (this.staging) {
        this.staging.create(namespace, name, metadataLocation);
      } else if (this.typed) {
        this.db
          .prepare(
            `INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, metadata_location,
               previous_metadata_location, iceberg_type) VALUES (?, ?, ?, ?, NULL, 'TABLE')`,
          )
          .run(this.name, namespace, name, metadataLocation);
      } else {
        this.db
          .prepare(
            `INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, metadata_location,
               previous_metadata_location) VALUES (?, ?, ?, ?, NULL)`,
          )
          .run(this.name, namespace, name, metadataLocation);
      }
    } catch (error) {
      rmSync(join(metadataDir, fileName), { force: true });
      if (String(error).includes('UNIQUE')) {
        throw new ExecutionError(
          `Iceberg table ${namespace}.${name} already exists in catalog ${this.name}.`,
        );
      }
      throw error;
    }
    return new IcebergTable(this, namespace, name, metadataLocation, metadata);
  }

  /**
   * Every table with its current metadata location, read in one SQLite read transaction:
   * a reader exposing several tables never mixes two sides of a multi-table publish.
   */
  currentPointers(): (TableIdentifier & { location: string })[] {
    return this.db.transaction(() =>
      this.listTables().flatMap((table) => {
        const location = this.currentMetadataLocation(table.namespace, table.name);
        return location === undefined ? [] : [{ ...table, location }];
      }),
    )();
  }

  /** The table as of one of its metadata files (a pointer read earlier, see currentPointers). */
  loadTableAt(namespace: string, name: string, location: string): IcebergTable {
    return new IcebergTable(this, namespace, name, location, this.readMetadata(location));
  }

  loadTable(namespace: string, name: string): IcebergTable {
    const location = this.currentMetadataLocation(namespace, name);
    if (location === undefined) {
      throw new ExecutionError(`Iceberg table ${namespace}.${name} does not exist in catalog ${this.name}.`);
    }
    return new IcebergTable(
      this,
      namespace,
      name,
      location,
      this.readMetadata(location, `${namespace}.${name}`),
    );
  }

  /**
   * Removes the table from the catalog. With `purge`, also deletes every file its metadata
   * references and, when the table lives inside this warehouse, its whole folder.
   */
  dropTable(namespace: string, name: string, options: { purge?: boolean } = {}): void {
    const table = options.purge ? this.loadTable(namespace, name) : undefined;
    const files = table ? table.allReferencedFiles() : [];
    const stagedOnly = this.staging?.created(namespace).some((t) => t.name === name) === true;
    this.staging?.forget(namespace, name);
    const dropped = this.db
      .prepare('DELETE FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?')
      .run(this.name, namespace, name);
    if (dropped.changes === 0 && !stagedOnly) {
      throw new ExecutionError(`Iceberg table ${namespace}.${name} does not exist in catalog ${this.name}.`);
    }
    if (!table) return;
    const own = ownFiles(table);
    for (const file of files) if (own(file)) rmSync(file, { force: true });
    const dir = table.locationPath();
    if (dir.startsWith(this.warehouseDir + '/') && existsSync(dir))
      rmSync(dir, { recursive: true, force: true });
  }

  // --- the pointer ---------------------------------------------------------------------------

  /**
   * The table's current metadata file location, or undefined when the table does not exist.
   * While staging, this build's staged pointer comes first.
   */
  currentMetadataLocation(namespace: string, name: string): string | undefined {
    return this.staging?.location(namespace, name) ?? this.publishedMetadataLocation(namespace, name);
  }

  /** The metadata location every reader sees (iceberg_tables), staged or not. */
  publishedMetadataLocation(namespace: string, name: string): string | undefined {
    const row = this.db
      .prepare(
        `SELECT metadata_location AS location FROM iceberg_tables
         WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?`,
      )
      .get(this.name, namespace, name) as { location: string | null } | undefined;
    return row?.location ?? undefined;
  }

  /**
   * The atomic commit: moves the pointer from `expected` to `next`; false when someone else
   * moved it first. `previous` defaults to `expected` (a rollback of the pointer names another).
   */
  swapMetadataLocation(
    namespace: string,
    name: string,
    expected: string,
    next: string,
    previous: string | null = expected,
  ): boolean {
    if (this.staging) {
      return this.staging.swap(namespace, name, expected, next, () =>
        this.publishedMetadataLocation(namespace, name),
      );
    }
    const result = this.db
      .prepare(
        `UPDATE iceberg_tables SET metadata_location = ?, previous_metadata_location = ?
         WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND metadata_location = ?`,
      )
      .run(next, previous, this.name, namespace, name, expected);
    return result.changes === 1;
  }

  /** Both pointers of a table (current and previous metadata file), or undefined. */
  pointer(namespace: string, name: string): { current: string; previous: string | null } | undefined {
    const row = this.db
      .prepare(
        `SELECT metadata_location AS current, previous_metadata_location AS previous FROM iceberg_tables
         WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?`,
      )
      .get(this.name, namespace, name) as { current: string | null; previous: string | null } | undefined;
    return row?.current ? { current: row.current, previous: row.previous } : undefined;
  }

  /** Adds a table pointing at an existing metadata file (register, recover). */
  insertPointer(namespace: string, name: string, location: string, previous: string | null): void {
    const typed = this.typed ? ", iceberg_type) VALUES (?, ?, ?, ?, ?, 'TABLE')" : ') VALUES (?, ?, ?, ?, ?)';
    this.db
      .prepare(
        `INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, metadata_location,
           previous_metadata_location${typed}`,
      )
      .run(this.name, namespace, name, location, previous);
  }

  /** A table's metadata file; a damaged one is named, with what to run next (recovery.ts). */
  readMetadata(location: string, identifier?: string) {
    try {
      return parseTableMetadata(readFileSync(uriToPath(location)), location);
    } catch (error) {
      if (identifier === undefined) throw error;
      throw damagedFileError(identifier, uriToPath(location), error);
    }
  }
}
