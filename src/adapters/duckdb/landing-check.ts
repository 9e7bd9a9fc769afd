/**
 * The landing check of a CSV source on DuckDB: every file is scanned independently
 * (src/landing/scan.ts); damaged records go to the quarantine table and DuckDB reads a copy
 * of the file without them; then DuckDB's row count per file plus the quarantined lines
 * must equal the independent count, else the build stops naming the file. Files proven whole
 * by an earlier build and unchanged since are taken as read (src/landing/verified.ts): a daily
 * build checks the new day's folder, not the history.
 */
import { rmSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import type { QuarantineLimits } from '../../landing/limits.js';
import {
  assertLandingReconciled,
  quarantineColumns,
  quarantineRows,
  scanWithOptions,
  shownPath,
} from '../../landing/reconcile.js';
import { fileReport, type LandingFileReport, type LandingReport } from '../../landing/report.js';
import { writeCopyWithout } from '../../landing/sanitize.js';
import type { FileScan } from '../../landing/scan.js';
import { VerifiedFiles } from '../../landing/verified.js';
import { quoteIdentifier, sqlString } from '../sql-helpers.js';
import type { Connection } from '../types.js';
import { findRelation } from './catalog.js';
import type { BuildContext } from './materializations/context.js';

export interface LandingSettings {
  /** folder for the copies of damaged files (one subfolder per source) */
  scratchDir: string;
  database: string;
  /** the data-quality schema holding the quarantine table */
  quarantineSchema: string;
  limits: QuarantineLimits;
}

export interface LandingRequest {
  label: string;
  files: string[];
  /** the reader's first argument as written (a file or glob) */
  path: string;
  /** the reader's other arguments, `name = value` */
  options: Map<string, string>;
  rawOptions: Record<string, unknown>;
  projectRoot: string;
}

export interface LandingOutcome {
  /** the first argument the reader must use (the original path, or a list with copies); null when every file is empty */
  pathSql: string | null;
  report: LandingReport;
}

/** Copies of damaged files keep the path below the first glob folder (hive `key=value/` folders). */
function copyPath(settings: LandingSettings, label: string, path: string, file: string): string {
  const segments = path.split(sep);
  const firstGlob = segments.findIndex((segment) => /[*?[{]/.test(segment));
  const base = firstGlob === -1 ? segments.slice(0, -1).join(sep) : segments.slice(0, firstGlob).join(sep);
  const below = relative(base, file);
  const safe = !below.startsWith('..') && !isAbsolute(below) ? below : file.replace(/[\\/:]/g, '_');
  return join(copyFolder(settings, label), safe);
}

/** The folder holding a source's copies of damaged files. */
export function copyFolder(settings: Pick<LandingSettings, 'scratchDir'>, label: string): string {
  return join(settings.scratchDir, label.replace(/[^A-Za-z0-9_.-]/g, '_'));
}

export async function checkLanding(
  conn: Connection,
  ctx: BuildContext,
  request: LandingRequest,
  settings: LandingSettings,
): Promise<LandingOutcome> {
  const { label, files, rawOptions } = request;
  const safeLabel = label.replace(/[^A-Za-z0-9_.-]/g, '_');
  // Files proven whole by an earlier build and unchanged since are not scanned or counted again.
  const verified = VerifiedFiles.load(
    join(settings.scratchDir, `${safeLabel}.verified.json`),
    JSON.stringify([rawOptions, [...request.options]]),
  );
  const known = new Map<string, number>();
  for (const file of files) {
    const lines = verified.dataLines(file);
    if (lines !== null) known.set(file, lines);
  }
  const scans = files.filter((file) => !known.has(file)).map((file) => scanWithOptions(file, rawOptions));
  rmSync(copyFolder(settings, label), { recursive: true, force: true });
  const readFrom = new Map<string, string>();
  for (const scan of scans) {
    if (scan.damaged.length === 0) continue;
    const copy = copyPath(settings, label, request.path, scan.file);
    writeCopyWithout(scan.file, copy, scan.damaged);
    readFrom.set(copy, scan.file);
  }
  // A 0-byte file has no header and no rows: DuckDB cannot read it, so it is left out.
  const readableScans = scans.filter((scan) => scan.bytes > 0);
  for (const scan of scans) {
    if (scan.bytes === 0)
      ctx.warn(
        `${shownPath(scan.file, request.projectRoot)} is empty (0 bytes): it adds no rows to source ${label}.`,
      );
  }
  const readSql = (scan: FileScan) =>
    sqlString(scan.damaged.length === 0 ? scan.file : copyPath(settings, label, request.path, scan.file));
  const readableByFile = new Map(readableScans.map((scan) => [scan.file, scan]));
  const readable = files.filter((file) => known.has(file) || readableByFile.has(file));
  const pathSql =
    readable.length === 0
      ? null
      : readFrom.size === 0 && readable.length === files.length
        ? sqlString(request.path)
        : `[${files
            .flatMap((file) => {
              if (known.has(file)) return [sqlString(file)];
              const scan = readableByFile.get(file);
              return scan ? [readSql(scan)] : [];
            })
            .join(', ')}]`;
  const rowsRead =
    readableScans.length === 0
      ? new Map<string, number>()
      : await countRowsPerFile(conn, `[${readableScans.map(readSql).join(', ')}]`, request.options, readFrom);
  const shownFile = (file: string) => shownPath(file, request.projectRoot);
  const relation = `${settings.quarantineSchema}.${settings.quarantineSchema}_quarantine`;
  const scanByFile = new Map(scans.map((scan) => [scan.file, scan]));
  const reports: LandingFileReport[] = files.map((file) => {
    const lines = known.get(file);
    if (lines !== undefined)
      return {
        file: shownFile(file),
        data_lines: lines,
        rows_read: lines,
        quarantined: 0,
        reasons: {},
        scanned: false,
      };
    const scan = scanByFile.get(file)!;
    return fileReport(scan, rowsRead.get(scan.file) ?? 0, shownFile);
  });
  await writeQuarantine(conn, ctx, settings, label, scans, shownFile);
  const report: LandingReport = {
    source: label,
    quarantine_relation: scans.some((scan) => scan.damaged.length > 0) ? relation : null,
    files: reports,
  };
  assertLandingReconciled(reports, {
    reader: 'the CSV reader',
    source: label,
    quarantineRelation: relation,
    limits: settings.limits,
  });
  verified.save([
    ...[...known].map(([file, dataLines]) => ({ file, dataLines })),
    ...readableScans
      .filter((scan) => scan.damaged.length === 0)
      .map((scan) => ({ file: scan.file, dataLines: scan.dataRecords })),
  ]);
  return { pathSql, report };
}

async function countRowsPerFile(
  conn: Connection,
  pathSql: string,
  options: Map<string, string>,
  readFrom: Map<string, string>,
): Promise<Map<string, number>> {
  const args = [pathSql, ...[...options].map(([name, value]) => `${name} = ${value}`), 'filename = true'];
  const result = await conn.query(
    `select filename, count(*)::bigint from read_csv(${args.join(', ')}) group by filename`,
  );
  const counts = new Map<string, number>();
  for (const [name, rows] of result.rows) {
    const file = readFrom.get(String(name)) ?? String(name);
    counts.set(file, (counts.get(file) ?? 0) + Number(rows));
  }
  return counts;
}

const QUARANTINE_COLUMNS = quarantineColumns('timestamp with time zone');
const INSERT_BATCH = 500;

/** Replaces the source's rows of the quarantine table (created when first needed). */
async function writeQuarantine(
  conn: Connection,
  ctx: BuildContext,
  settings: LandingSettings,
  label: string,
  scans: FileScan[],
  shownFile: (file: string) => string,
): Promise<void> {
  const damaged = scans.some((scan) => scan.damaged.length > 0);
  const table = `${quoteIdentifier(settings.database)}.${quoteIdentifier(settings.quarantineSchema)}.${quoteIdentifier(`${settings.quarantineSchema}_quarantine`)}`;
  if (!damaged) {
    const exists = await findRelation(
      conn,
      settings.database,
      settings.quarantineSchema,
      `${settings.quarantineSchema}_quarantine`,
    );
    if (exists?.type === 'table') await conn.query(`delete from ${table} where source = ${sqlString(label)}`);
    return;
  }
  await ctx.schemas.ensure(conn, settings.database, settings.quarantineSchema);
  await conn.query(`create table if not exists ${table} (${QUARANTINE_COLUMNS})`);
  await conn.query(`delete from ${table} where source = ${sqlString(label)}`);
  const rows = quarantineRows(label, scans, shownFile, sqlString, 'current_timestamp');
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    await conn.query(`insert into ${table} values ${rows.slice(i, i + INSERT_BATCH).join(', ')}`);
  }
}
