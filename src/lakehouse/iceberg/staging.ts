/**
 * Staged pointers for Write-Audit-Publish. While a build stages, its commits move a pointer of
 * its own in `mdw_staged_tables` instead of the published one in `iceberg_tables`; readers
 * (other mdw processes, PyIceberg's SqlCatalog) only ever read `iceberg_tables`. Publishing
 * moves every staged pointer into `iceberg_tables` in one SQLite transaction, each a
 * compare-and-set against the published pointer the stage started from.
 *
 * The table is an additive migration: created on first use, ignored by JDBC-catalog readers.
 */
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import { ExecutionError } from '../../util/errors.js';

const STAGED_DDL = `CREATE TABLE IF NOT EXISTS mdw_staged_tables (
  catalog_name VARCHAR(255) NOT NULL,
  table_namespace VARCHAR(255) NOT NULL,
  table_name VARCHAR(255) NOT NULL,
  build_id VARCHAR(64) NOT NULL,
  build_pid INTEGER NOT NULL,
  build_host VARCHAR(255) NOT NULL,
  staged_at_ms INTEGER NOT NULL,
  metadata_location VARCHAR(1000) NOT NULL,
  base_metadata_location VARCHAR(1000),
  PRIMARY KEY (catalog_name, table_namespace, table_name, build_id)
)`;

/** One staged table: where its staged metadata is, and the published pointer it was staged on. */
export interface StagedPointer {
  namespace: string;
  name: string;
  buildId: string;
  pid: number;
  host: string;
  metadataLocation: string;
  /** null: the build creates this table (it is not published yet) */
  baseLocation: string | null;
}

interface Row {
  namespace: string;
  name: string;
  buildId: string;
  pid: number;
  host: string;
  metadataLocation: string;
  baseLocation: string | null;
}

const SELECT = `SELECT table_namespace AS namespace, table_name AS name, build_id AS buildId,
  build_pid AS pid, build_host AS host, metadata_location AS metadataLocation,
  base_metadata_location AS baseLocation FROM mdw_staged_tables`;

/** Builds staging in this process (a stage under this pid but not here is a dead build's: pid reuse). */
const STAGING_HERE = new Set<string>();

/** A publish that lost a race: another writer moved a published pointer after the stage began. */
export class PublishConflict extends ExecutionError {}

/** The staged pointers of one build (`buildId`) in a catalog database. */
export class StagedPointers {
  readonly pid = process.pid;
  readonly host = hostname();

  constructor(
    private readonly db: Database.Database,
    private readonly catalogName: string,
    readonly buildId: string,
  ) {
    db.exec(STAGED_DDL);
    STAGING_HERE.add(buildId);
  }

  /** This build's staged metadata location of a table, or undefined when it staged none. */
  location(namespace: string, name: string): string | undefined {
    const row = this.db
      .prepare(
        `SELECT metadata_location AS location FROM mdw_staged_tables
         WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND build_id = ?`,
      )
      .get(this.catalogName, namespace, name, this.buildId) as { location: string } | undefined;
    return row?.location;
  }

  /**
   * The staged commit: moves this build's pointer from `expected` to `next`. The first commit
   * to a table stages it, provided `expected` is still the published pointer.
   */
  swap(namespace: string, name: string, expected: string, next: string, published: () => string | undefined) {
    return this.db.transaction((): boolean => {
      const staged = this.location(namespace, name);
      if (staged !== undefined) {
        const moved = this.db
          .prepare(
            `UPDATE mdw_staged_tables SET metadata_location = ?, staged_at_ms = ?
             WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND build_id = ?
               AND metadata_location = ?`,
          )
          .run(next, Date.now(), this.catalogName, namespace, name, this.buildId, expected);
        return moved.changes === 1;
      }
      if (published() !== expected) return false;
      this.insert(namespace, name, next, expected);
      return true;
    })();
  }

  /** A table this build creates: staged, not in iceberg_tables until published. */
  create(namespace: string, name: string, metadataLocation: string): void {
    this.insert(namespace, name, metadataLocation, null);
  }

  /** Tables this build created (not yet published), of one namespace or all. */
  created(namespace?: string): { namespace: string; name: string }[] {
    return this.mine()
      .filter((row) => row.baseLocation === null && (namespace === undefined || row.namespace === namespace))
      .map(({ namespace: ns, name }) => ({ namespace: ns, name }));
  }

  /** Every pointer this build staged. */
  mine(): StagedPointer[] {
    return this.db
      .prepare(`${SELECT} WHERE catalog_name = ? AND build_id = ? ORDER BY 1, 2`)
      .all(this.catalogName, this.buildId) as Row[];
  }

  /** A table dropped during the build is no longer staged. */
  forget(namespace: string, name: string): void {
    this.db
      .prepare(
        `DELETE FROM mdw_staged_tables WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND build_id = ?`,
      )
      .run(this.catalogName, namespace, name, this.buildId);
  }

  /**
   * Publishes every staged pointer in one transaction: each published pointer must still be
   * the one the stage started from (or, for a new table, the name must still be free). One
   * mismatch rolls back the whole publish and throws PublishConflict naming the table.
   */
  publish(typed: boolean): StagedPointer[] {
    const rows = this.mine();
    this.db.transaction(() => {
      for (const row of rows) {
        const id = `${row.namespace}.${row.name}`;
        if (row.baseLocation === null) {
          const taken = this.db
            .prepare(
              'SELECT 1 FROM iceberg_tables WHERE catalog_name = ? AND table_namespace = ? AND table_name = ?',
            )
            .get(this.catalogName, row.namespace, row.name);
          if (taken) {
            throw new PublishConflict(
              `Iceberg table ${id} was created by another writer while this build staged it.`,
            );
          }
          this.db
            .prepare(
              typed
                ? `INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, metadata_location,
                     previous_metadata_location, iceberg_type) VALUES (?, ?, ?, ?, NULL, 'TABLE')`
                : `INSERT INTO iceberg_tables (catalog_name, table_namespace, table_name, metadata_location,
                     previous_metadata_location) VALUES (?, ?, ?, ?, NULL)`,
            )
            .run(this.catalogName, row.namespace, row.name, row.metadataLocation);
          continue;
        }
        const moved = this.db
          .prepare(
            `UPDATE iceberg_tables SET metadata_location = ?, previous_metadata_location = ?
             WHERE catalog_name = ? AND table_namespace = ? AND table_name = ? AND metadata_location = ?`,
          )
          .run(
            row.metadataLocation,
            row.baseLocation,
            this.catalogName,
            row.namespace,
            row.name,
            row.baseLocation,
          );
        if (moved.changes !== 1) {
          throw new PublishConflict(
            `Iceberg table ${id} was changed by another writer while this build staged it.`,
          );
        }
      }
      this.db
        .prepare('DELETE FROM mdw_staged_tables WHERE catalog_name = ? AND build_id = ?')
        .run(this.catalogName, this.buildId);
    })();
    STAGING_HERE.delete(this.buildId);
    return rows;
  }

  /** Removes this build's staged pointers (the caller deletes their files). */
  clear(): void {
    removeRows(this.db, this.catalogName, this.buildId);
    STAGING_HERE.delete(this.buildId);
  }

  private insert(namespace: string, name: string, location: string, base: string | null): void {
    this.db
      .prepare(
        `INSERT INTO mdw_staged_tables (catalog_name, table_namespace, table_name, build_id, build_pid,
           build_host, staged_at_ms, metadata_location, base_metadata_location)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(this.catalogName, namespace, name, this.buildId, this.pid, this.host, Date.now(), location, base);
  }
}

/** Whether the catalog database has the staging table at all (older catalogs, PyIceberg's). */
function hasStagingTable(db: Database.Database): boolean {
  return Boolean(
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'mdw_staged_tables'").get(),
  );
}

/** Staged pointers of other builds, split by whether their process still runs. */
export function otherStages(
  db: Database.Database,
  catalogName: string,
  exceptBuild?: string,
): { live: StagedPointer[]; dead: StagedPointer[] } {
  if (!hasStagingTable(db)) return { live: [], dead: [] };
  const rows = (db.prepare(`${SELECT} WHERE catalog_name = ?`).all(catalogName) as Row[]).filter(
    (row) => row.buildId !== exceptBuild,
  );
  const host = hostname();
  const live: StagedPointer[] = [];
  const dead: StagedPointer[] = [];
  const gone = (row: Row) =>
    row.host === host && (row.pid === process.pid ? !STAGING_HERE.has(row.buildId) : !processRuns(row.pid));
  for (const row of rows) (gone(row) ? dead : live).push(row);
  return { live, dead };
}

export function removeRows(db: Database.Database, catalogName: string, buildId: string): void {
  if (!hasStagingTable(db)) return;
  db.prepare('DELETE FROM mdw_staged_tables WHERE catalog_name = ? AND build_id = ?').run(
    catalogName,
    buildId,
  );
}

/** Signal 0 checks that a process exists; EPERM means it exists under another user. */
function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !exitedSince(pid);
}

/**
 * Whether a process that signal 0 reached has exited after all: a killed writer whose parent
 * never reaps it (an init that reaps orphans late) stays a zombie that signal 0 still reaches,
 * and one reaped in between has no /proc entry any more. Without procfs, signal 0 is all there is.
 */
function exitedSince(pid: number): boolean {
  if (!existsSync('/proc/self/stat')) return false;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return true;
  }
  // the state follows the command name, which is in parentheses and may hold spaces
  return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
}
