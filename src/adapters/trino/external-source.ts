/**
 * Raw sources on Trino: Hive-connector external CSV tables over the landing folders (every
 * column varchar, header skipped, quoted fields), exposed in the target catalog by a view.
 * Hive reads whole folders, so a source that names one file gets a folder of its own holding
 * a link to it; `key=value/` folders become partition columns, registered before each build.
 * Trino's local file system reads rows only from `local://` locations. Every landing file is
 * counted and its damaged lines quarantined first (landing-check.ts).
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { onceEachHeaderReader } from '../../csv/header.js';
import { checkSourceHeaders, readHeader } from '../../csv/source-header.js';
import type { LandingReport } from '../../landing/report.js';
import type { SourceDefinition } from '../../manifest/types.js';
import { ExecutionError } from '../../util/errors.js';
import { quoteIdentifier, sqlString } from '../sql-helpers.js';
import type { SchemaRegistry } from './catalog.js';
import type { TrinoConnection } from './connection.js';
import { type LandingTarget, linkOrCopy, scanLanding, verifyLanding } from './landing-check.js';
import { buildView } from './materialize.js';
import { TrinoRelation } from './relation.js';

const GLOB_CHARS = /[*?[{]/;
const HIVE_KEY = /^([^=]+)=/;

export interface ExternalSourceOptions {
  /** the Hive catalog holding the external tables */
  hiveCatalog: string;
  /** the catalog models read from (the view over the Hive table goes there) */
  targetCatalog: string;
  /** where single-file sources get their own folder, and damaged folders their mirror */
  linkRoot: string;
  /** the quarantine table's catalog and schema, and the limits of damage */
  landing: LandingTarget;
}

export async function createExternalSource(
  conn: TrinoConnection,
  schemas: SchemaRegistry,
  source: SourceDefinition,
  projectRoot: string,
  options: ExternalSourceOptions,
): Promise<LandingReport> {
  const label = `${source.source_name}.${source.name}`;
  const configured = source.external?.location;
  if (typeof configured !== 'string' || configured.trim() === '')
    throw new ExecutionError(`Source ${label} has no external location.`);
  const location = configured
    .replaceAll('{name}', source.name)
    .replaceAll('{identifier}', source.identifier)
    .trim();
  const path = isAbsolute(location) ? location : resolve(projectRoot, location);
  const { folder, original } = tableFolder(path, label, source, options.linkRoot);
  const files = csvFiles(folder);
  if (files.length === 0) throw new ExecutionError(`Source ${label}: no CSV files under ${folder}.`);
  const csvOptions = source.external?.options ?? {};
  const delimiter = String(csvOptions.delim ?? csvOptions.sep ?? ',');
  const headers = onceEachHeaderReader();
  checkSourceHeaders(source, files, delimiter, projectRoot, headers);

  const header = files.map((file) => readHeader(file, delimiter, headers)).find((found) => found !== null);
  if (!header) throw new ExecutionError(`Source ${label}: every file under ${folder} is empty.`);
  const partitionKeys = hiveKeys(files[0]!, folder);
  const landing = { label, folder, files, original, csvOptions, projectRoot };
  const read = scanLanding(landing, join(options.linkRoot, source.schema, source.identifier));
  const columns = [...header, ...partitionKeys].map((name) => `${quoteIdentifier(name)} varchar`).join(', ');
  const properties = [
    `external_location = ${sqlString(`local://${read.folder}`)}`,
    "format = 'CSV'",
    'skip_header_line_count = 1',
    `csv_separator = ${sqlString(delimiter)}`,
    `csv_quote = ${sqlString(String(csvOptions.quote ?? '"'))}`,
    `csv_escape = ${sqlString(String(csvOptions.escape ?? '"'))}`,
  ];
  if (partitionKeys.length > 0)
    properties.push(`partitioned_by = ARRAY[${partitionKeys.map(sqlString).join(', ')}]`);

  const hive = new TrinoRelation(options.hiveCatalog, source.schema, source.identifier, 'table');
  await schemas.ensure(conn, hive.database, hive.schema);
  await conn.query(`drop table if exists ${hive.render()}`);
  await conn.query(`create table ${hive.render()} (${columns}) with (${properties.join(', ')})`);
  if (partitionKeys.length > 0) {
    await conn.query(
      `call ${quoteIdentifier(hive.database)}.system.sync_partition_metadata(${sqlString(hive.schema)}, ${sqlString(hive.identifier)}, 'FULL')`,
    );
  }
  const view = new TrinoRelation(
    source.database || options.targetCatalog,
    source.schema,
    source.identifier,
    'view',
  );
  if (view.database !== hive.database) await buildView(conn, schemas, view, `select * from ${hive.render()}`);
  return verifyLanding(conn, schemas, hive, landing, read, options.landing);
}

/**
 * The folder the Hive table reads: the location's folder, or a folder holding one file's link
 * or copy; and the landing file each file under it stands for.
 */
function tableFolder(
  path: string,
  label: string,
  source: SourceDefinition,
  linkRoot: string,
): { folder: string; original: (file: string) => string } {
  const segments = path.split(sep);
  const firstGlob = segments.findIndex((segment) => GLOB_CHARS.test(segment));
  if (firstGlob !== -1) {
    // data/raw/sales/partition=*/*.csv → data/raw/sales
    const base = segments.slice(0, firstGlob).join(sep) || sep;
    const folder = segments[firstGlob - 1] && HIVE_KEY.test(segments[firstGlob - 1]!) ? dirname(base) : base;
    if (!existsSync(folder)) throw new ExecutionError(`Source ${label}: folder ${folder} does not exist.`);
    return { folder, original: (file) => file };
  }
  if (!existsSync(path)) throw new ExecutionError(`Source ${label}: ${path} does not exist.`);
  if (statSync(path).isDirectory()) return { folder: path, original: (file) => file };
  const own = join(linkRoot, source.schema, source.identifier);
  rmSync(own, { recursive: true, force: true });
  mkdirSync(own, { recursive: true });
  // Trino's local file system lists a symbolic link as no file (0 rows, no error): hard-link the
  // file, or copy it when the landing folder is on another file system.
  linkOrCopy(path, join(own, basename(path)));
  return { folder: own, original: () => path };
}

function csvFiles(folder: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = join(folder, entry.name);
    if (entry.isDirectory()) found.push(...csvFiles(full));
    else if (/\.csv$/i.test(entry.name)) found.push(full);
  }
  return found.sort();
}

/** The `key=value` folder names between the table folder and a file, in order. */
function hiveKeys(file: string, folder: string): string[] {
  return file
    .slice(folder.length + 1)
    .split(sep)
    .slice(0, -1)
    .map((segment) => HIVE_KEY.exec(segment)?.[1])
    .filter((key): key is string => key !== undefined);
}
