/**
 * Sources with an external location become views over DuckDB's file readers.
 * `external.location` is the raw layer: CSV with every column as VARCHAR (typing is the
 * models' job) and hive folder keys (`key=value/`) as VARCHAR columns too.
 * `meta.external_location` is dbt-duckdb's convention, read as dbt-duckdb reads it: with
 * DuckDB's own type detection, so projects written for dbt-duckdb behave the same.
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { onceEachHeaderReader } from '../../csv/header.js';
import { checkSourceHeaders } from '../../csv/source-header.js';
import type { LandingReport } from '../../landing/report.js';
import type { SourceDefinition } from '../../manifest/types.js';
import { ExecutionError } from '../../util/errors.js';
import { quoteIdentifier, sqlString } from '../sql-helpers.js';
import type { Connection } from '../types.js';
import { pinnedCsvColumns } from './csv-columns.js';
import { checkLanding, copyFolder, type LandingSettings } from './landing-check.js';
import type { BuildContext } from './materializations/context.js';
import { buildView } from './materializations/view.js';
import { DuckDbRelation } from './relation.js';

type Format = 'csv' | 'parquet' | 'json';
const READERS: Record<Format, string> = { csv: 'read_csv', parquet: 'read_parquet', json: 'read_json_auto' };
const GLOB_CHARS = /[*?[{]/;
const URL_LIKE = /^[a-z][a-z0-9+.-]*:\/\//i;
const OPTION_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** a `key=value` folder somewhere in a path */
const HIVE_FOLDER = /[\\/][^\\/]+=[^\\/]*[\\/]/;

export async function createExternalSourceView(
  conn: Connection,
  ctx: BuildContext,
  source: SourceDefinition,
  projectRoot: string,
  defaultDatabase: string,
  landing: LandingSettings | null = null,
): Promise<LandingReport | null> {
  const label = `${source.source_name}.${source.name}`;
  const configured = source.external?.location;
  if (typeof configured !== 'string' || configured.trim() === '') {
    throw new ExecutionError(`Source ${label} has no external location.`);
  }
  const location = configured
    .replaceAll('{name}', source.name)
    .replaceAll('{identifier}', source.identifier)
    .replaceAll('{source_name}', source.source_name)
    .trim();
  const relation = sourceRelation(source, defaultDatabase);
  // dbt-duckdb also accepts a whole reader call, e.g. read_csv('x.csv', delim='|'): use it as is.
  const reader = /^[A-Za-z_][A-Za-z0-9_]*\s*\(.*\)$/s.test(location)
    ? { call: location, report: null, files: null }
    : await readerCall(conn, ctx, source, label, location, projectRoot, landing);
  const query = `select * from ${reader.call}`;
  await buildView(conn, ctx, relation, query);
  if (reader.files) ctx.sourceViews?.set(source.unique_id, { files: reader.files, query });
  return reader.report;
}

/** The view a source with an external location is exposed as. */
export function sourceRelation(source: SourceDefinition, defaultDatabase: string): DuckDbRelation {
  return new DuckDbRelation(source.database || defaultDatabase, source.schema, source.identifier, 'view');
}

async function readerCall(
  conn: Connection,
  ctx: BuildContext,
  source: SourceDefinition,
  label: string,
  location: string,
  projectRoot: string,
  landing: LandingSettings | null,
): Promise<{ call: string; report: LandingReport | null; files: string[] | null }> {
  const isUrl = URL_LIKE.test(location);
  let path = isUrl || isAbsolute(location) ? location : resolve(projectRoot, location);
  const format = formatOf(source, path);
  let files: string[] = [];
  if (!isUrl) {
    path = checkLocalPath(path, format, label, projectRoot);
    files = await matchingFiles(conn, path, label, projectRoot);
    ctx.rawFolders?.add(label, folderOf(path));
    // copies of damaged files are read from the landing scratch folder (landing-check.ts)
    if (landing) ctx.rawFolders?.add(label, copyFolder(landing, label));
  }
  const options = new Map<string, string>();
  const inferTypes = source.external?.infer_types === true;
  if (format === 'csv' && !inferTypes) {
    options.set('header', 'true');
    options.set('all_varchar', 'true');
  }
  if (!inferTypes && [path, ...files].some((file) => HIVE_FOLDER.test(file))) {
    options.set('hive_partitioning', 'true');
    // Keep partition values as written (20240101 must not become a BIGINT).
    options.set('hive_types_autocast', 'false');
  }
  for (const [name, value] of Object.entries(source.external?.options ?? {})) {
    if (!OPTION_NAME.test(name))
      throw new ExecutionError(`Source ${label}: invalid reader option name '${name}'.`);
    if (name.toLowerCase() === 'format') continue;
    options.set(name.toLowerCase(), sqlValue(value));
  }
  const headers = onceEachHeaderReader();
  if (format === 'csv' && files.length > 0) {
    const delimiter = String(source.external?.options?.delim ?? source.external?.options?.sep ?? ',');
    checkSourceHeaders(source, files, delimiter, projectRoot, headers);
  }
  // read without sniffing each time (csv-columns.ts); the landing check counts with these options too
  const pinned = format === 'csv' ? pinnedCsvColumns(files, options, headers) : null;
  if (pinned) {
    options.delete('all_varchar');
    options.set('columns', pinned);
    options.set('auto_detect', 'false');
  }
  // CSV landing files are counted and damaged lines quarantined (see landing-check.ts).
  const checked =
    format === 'csv' && files.length > 0 && landing
      ? await checkLanding(
          conn,
          ctx,
          { label, files, path, options, rawOptions: source.external?.options ?? {}, projectRoot },
          landing,
        )
      : null;
  // a URL's files cannot be told apart (no fingerprint)
  const localFiles = isUrl ? null : files;
  if (checked && checked.pathSql === null)
    return { call: emptyRelation(source, label), report: checked.report, files: localFiles };
  const args = [
    checked?.pathSql ?? sqlString(path),
    ...[...options].map(([name, value]) => `${name} = ${value}`),
  ];
  return {
    call: `${READERS[format]}(${args.join(', ')})`,
    report: checked?.report ?? null,
    files: localFiles,
  };
}

/** Every landing file is empty (0 bytes): no rows, the declared columns as text. */
function emptyRelation(source: SourceDefinition, label: string): string {
  const columns = Object.keys(source.columns);
  if (columns.length === 0) {
    throw new ExecutionError(
      `Source ${label}: every landing file is empty (0 bytes, not even a header line) and the source declares no columns.`,
    );
  }
  return `(select ${columns.map((name) => `cast(null as varchar) as ${quoteIdentifier(name)}`).join(', ')} where false)`;
}

function formatOf(source: SourceDefinition, path: string): Format {
  const declared = String(source.external?.format ?? source.external?.options?.format ?? '').toLowerCase();
  const hint = declared || path.toLowerCase().replace(/\.(gz|zst)$/, '');
  if (hint === 'parquet' || hint.endsWith('.parquet')) return 'parquet';
  if (['json', 'ndjson', 'jsonl'].includes(hint) || /\.(json|ndjson|jsonl)$/.test(hint)) return 'json';
  return 'csv';
}

/** One clear sentence when the file or folder is missing, before DuckDB gets to complain. */
function checkLocalPath(path: string, format: Format, label: string, projectRoot: string): string {
  if (!GLOB_CHARS.test(path)) {
    if (!existsSync(path))
      throw new ExecutionError(`Source ${label}: ${shown(path, projectRoot)} does not exist.`);
    // A folder means every file of the format below it (hive layouts included).
    return statSync(path).isDirectory() ? join(path, '**', `*.${format === 'json' ? 'json' : format}`) : path;
  }
  const folder = folderOf(path);
  if (!existsSync(folder))
    throw new ExecutionError(`Source ${label}: folder ${shown(folder, projectRoot)} does not exist.`);
  return path;
}

/** The folder above the first glob segment (the path itself when it has none). */
function folderOf(path: string): string {
  const segments = path.split(sep);
  const firstGlob = segments.findIndex((segment) => GLOB_CHARS.test(segment));
  return firstGlob === -1 ? path : segments.slice(0, firstGlob).join(sep) || sep;
}

async function matchingFiles(
  conn: Connection,
  path: string,
  label: string,
  projectRoot: string,
): Promise<string[]> {
  const result = await conn.query(`select file from glob(${sqlString(path)})`);
  const files = result.rows.map((row) => String(row[0]));
  if (files.length === 0)
    throw new ExecutionError(`Source ${label}: no files match ${shown(path, projectRoot)}.`);
  return files;
}

function shown(path: string, projectRoot: string): string {
  const rel = relative(projectRoot, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** A reader option value as a DuckDB literal (lists and structs for columns/types maps). */
export function sqlValue(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return `[${value.map(sqlValue).join(', ')}]`;
  if (typeof value === 'object') {
    const fields = Object.entries(value as Record<string, unknown>).map(
      ([name, item]) => `${sqlString(name)}: ${sqlValue(item)}`,
    );
    return `{${fields.join(', ')}}`;
  }
  return sqlString(String(value));
}
