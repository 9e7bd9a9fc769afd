/**
 * The landing check of a CSV source on Trino, as on the local target: every file is scanned
 * independently of Trino's CSV reader (src/landing/scan.ts); damaged records go to the
 * quarantine table, and the Hive table reads a mirror of the landing folder in which damaged
 * files are copies without them. Then Trino's row count per file plus the quarantined lines
 * must equal the independent count, else the build stops naming the file.
 */
import { copyFileSync, linkSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { QuarantineLimits } from '../../landing/limits.js';
import {
  assertLandingReconciled,
  quarantineColumns,
  quarantineRows,
  scanWithOptions,
  shownPath,
} from '../../landing/reconcile.js';
import { fileReport, type LandingReport } from '../../landing/report.js';
import { writeCopyWithout } from '../../landing/sanitize.js';
import type { FileScan } from '../../landing/scan.js';
import { sqlString } from '../sql-helpers.js';
import { findRelation, type SchemaRegistry } from './catalog.js';
import { type TrinoConnection, toCount } from './connection.js';
import { TrinoRelation } from './relation.js';

export interface LandingTarget {
  /** the catalog and data-quality schema of the quarantine table */
  catalog: string;
  quarantineSchema: string;
  limits: QuarantineLimits;
}

export interface LandingFiles {
  label: string;
  /** the folder the Hive table would read */
  folder: string;
  /** the CSV files under it */
  files: string[];
  /** the landing file a file under the folder stands for (a single-file source reads a link) */
  original: (file: string) => string;
  csvOptions: Record<string, unknown>;
  projectRoot: string;
}

/** Scans every file; damaged ones are quarantined and the folder to read is a mirror without them. */
export function scanLanding(landing: LandingFiles, mirror: string): { folder: string; scans: FileScan[] } {
  const { csvOptions } = landing;
  const scans = landing.files.map((file) => scanWithOptions(file, csvOptions));
  if (scans.every((scan) => scan.damaged.length === 0)) return { folder: landing.folder, scans };
  // The mirror keeps the folder's layout (partition=… folders); clean files are hard links.
  const staging = `${mirror}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  for (const scan of scans) {
    const copy = join(staging, relative(landing.folder, scan.file));
    mkdirSync(dirname(copy), { recursive: true });
    if (scan.damaged.length > 0) writeCopyWithout(scan.file, copy, scan.damaged);
    else linkOrCopy(scan.file, copy);
  }
  // a single-file source's folder is the mirror's own path: it is replaced whole
  rmSync(mirror, { recursive: true, force: true });
  mkdirSync(dirname(mirror), { recursive: true });
  renameSync(staging, mirror);
  return { folder: mirror, scans };
}

/**
 * Counts Trino's rows per file of the Hive table, writes the quarantine table and checks that
 * rows read plus lines quarantined equal each file's data lines.
 */
export async function verifyLanding(
  conn: TrinoConnection,
  schemas: SchemaRegistry,
  hive: TrinoRelation,
  landing: LandingFiles,
  read: { folder: string; scans: FileScan[] },
  target: LandingTarget,
): Promise<LandingReport> {
  const rowsRead = await countRowsPerFile(conn, hive, (path) => {
    const below = relative(read.folder, path);
    return landing.original(join(landing.folder, below));
  });
  const shownFile = (file: string) => shownPath(landing.original(file), landing.projectRoot);
  const quarantine = new TrinoRelation(
    target.catalog,
    target.quarantineSchema,
    `${target.quarantineSchema}_quarantine`,
    'table',
  );
  await writeQuarantine(conn, schemas, quarantine, landing.label, read.scans, shownFile);
  const files = read.scans.map((scan) =>
    fileReport(scan, rowsRead.get(landing.original(scan.file)) ?? 0, shownFile),
  );
  const relationName = `${target.quarantineSchema}.${target.quarantineSchema}_quarantine`;
  assertLandingReconciled(files, {
    reader: "Trino's CSV reader",
    source: landing.label,
    quarantineRelation: relationName,
    limits: target.limits,
  });
  return {
    source: landing.label,
    quarantine_relation: read.scans.some((scan) => scan.damaged.length > 0) ? relationName : null,
    files,
  };
}

/** Rows per landing file, by the Hive connector's hidden `$path` column. */
async function countRowsPerFile(
  conn: TrinoConnection,
  hive: TrinoRelation,
  landingFile: (path: string) => string,
): Promise<Map<string, number>> {
  const result = await conn.query(`select "$path", count(*) from ${hive.render()} group by 1`);
  const counts = new Map<string, number>();
  for (const [path, rows] of result.rows) {
    const file = landingFile(decodeURI(String(path).replace(/^(local|file):\/\//, '')));
    counts.set(file, (counts.get(file) ?? 0) + toCount(rows));
  }
  return counts;
}

const QUARANTINE_COLUMNS = quarantineColumns('timestamp(6) with time zone');
const INSERT_BATCH = 500;

/** Replaces the source's rows of the quarantine table (created when first needed). */
async function writeQuarantine(
  conn: TrinoConnection,
  schemas: SchemaRegistry,
  table: TrinoRelation,
  label: string,
  scans: readonly FileScan[],
  shownFile: (file: string) => string,
): Promise<void> {
  const damaged = scans.some((scan) => scan.damaged.length > 0);
  const exists = await findRelation(conn, table.database, table.schema, table.identifier);
  if (!damaged && !exists) return;
  if (!exists) {
    await schemas.ensure(conn, table.database, table.schema);
    await conn.query(`create table if not exists ${table.render()} (${QUARANTINE_COLUMNS})`);
  } else {
    // only a source that had quarantined lines costs a delete (a new snapshot)
    const held = await conn.query(
      `select count(*) from ${table.render()} where source = ${sqlString(label)}`,
    );
    if (toCount(held.rows[0]?.[0]) > 0)
      await conn.query(`delete from ${table.render()} where source = ${sqlString(label)}`);
  }
  const rows = quarantineRows(
    label,
    scans,
    shownFile,
    sqlString,
    'cast(current_timestamp as timestamp(6) with time zone)',
  );
  for (let i = 0; i < rows.length; i += INSERT_BATCH)
    await conn.query(`insert into ${table.render()} values ${rows.slice(i, i + INSERT_BATCH).join(', ')}`);
}

/** A hard link (Trino's local file system lists a symbolic link as no file), or a copy across file systems. */
export function linkOrCopy(file: string, target: string): void {
  try {
    linkSync(file, target);
  } catch {
    copyFileSync(file, target);
  }
}
