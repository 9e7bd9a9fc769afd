/**
 * Getting a warehouse out of damage without editing the catalog by hand:
 *
 * - `registerTable`: point the catalog at an existing metadata file (inside the warehouse);
 * - `recoverTables`: after catalog.db was lost, register every table folder of the warehouse
 *   at its newest metadata file that reads whole (snapshot history comes with it);
 * - `rollbackMetadata`: a table whose current metadata file, manifest list or manifest is
 *   damaged goes back to the newest earlier metadata file that reads whole.
 *
 * "Reads whole" means the metadata JSON parses, and its current snapshot's manifest list,
 * manifests and data files are all there and decode.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { ExecutionError, errorMessage, isMdwError, type MdwError } from '../../util/errors.js';
import type { IcebergCatalog } from './catalog.js';
import { readManifest, readManifestList } from './manifest.js';
import { currentSnapshot, parseTableMetadata, schemaById, type TableMetadata } from './metadata.js';
import { isInside, pathToUri, uriToPath } from './paths.js';
import { relocateTableFolder } from './relocate.js';

/** One sentence for a damaged file of a table: which file, what is wrong, what to run next. */
export function damagedFileError(identifier: string, file: string, error: unknown): MdwError {
  if (isMdwError(error)) return error; // already one sentence (e.g. an unsupported format version)
  const code = (error as { code?: string }).code;
  const what =
    code === 'ENOENT'
      ? `${file} is missing (a file of its metadata is damaged or was deleted)`
      : `${file} is damaged (${errorMessage(error).split('\n')[0]!.slice(0, 120)})`;
  return new ExecutionError(
    `Iceberg table ${identifier} cannot be read: ${what}. Run ` +
      `\`mdw iceberg rollback-metadata ${identifier}\` to point the table at its newest earlier metadata ` +
      `file that reads whole (the commits after it are undone).`,
  );
}

/** Parses a metadata file and reads its current snapshot's manifests and data file presence. */
export function readWhole(location: string): TableMetadata {
  const path = uriToPath(location);
  const md = parseTableMetadata(readFileSync(path), location);
  const snapshot = currentSnapshot(md);
  if (!snapshot) return md;
  for (const manifest of readManifestList(uriToPath(snapshot['manifest-list']))) {
    const spec = md['partition-specs'].find((s) => s['spec-id'] === manifest.partitionSpecId);
    if (!spec) throw new Error(`unknown partition spec ${manifest.partitionSpecId}`);
    const entries = readManifest(
      manifest,
      uriToPath(manifest.manifestPath),
      spec,
      schemaById(md, md['current-schema-id']),
    );
    for (const entry of entries) {
      if (entry.status === 2) continue; // DELETED
      const file = uriToPath(entry.dataFile.filePath);
      if (!existsSync(file)) throw Object.assign(new Error(`${file} is missing`), { code: 'ENOENT' });
    }
  }
  return md;
}

interface Candidate {
  location: string;
  version: number;
  modifiedMs: number;
}

/** Metadata files of a table folder, newest first (by version number, then file time). */
function metadataFiles(metadataDir: string): Candidate[] {
  let names: string[];
  try {
    names = readdirSync(metadataDir);
  } catch {
    return [];
  }
  return names
    .map((name) => ({ name, match: /^(\d+)-.*\.metadata\.json(\.gz)?$/.exec(name) }))
    .filter((n) => n.match)
    .map(({ name, match }) => {
      const path = join(metadataDir, name);
      return { location: pathToUri(path), version: Number(match![1]), modifiedMs: statSync(path).mtimeMs };
    })
    .sort((a, b) => b.version - a.version || b.modifiedMs - a.modifiedMs);
}

/** Registers an existing metadata file as table `namespace.name`. */
export function registerTable(
  catalog: IcebergCatalog,
  namespace: string,
  name: string,
  metadataFile: string,
): { location: string; snapshots: number } {
  const path = resolve(metadataFile.startsWith('file:') ? uriToPath(metadataFile) : metadataFile);
  if (!existsSync(path)) throw new ExecutionError(`Metadata file ${path} does not exist.`);
  if (!isInside(path, catalog.warehouseDir)) {
    throw new ExecutionError(
      `Metadata file ${path} is outside the warehouse folder ${catalog.warehouseDir}; mdw registers only tables ` +
        `inside it (copy the table's folder into the warehouse first).`,
    );
  }
  if (catalog.tableExists(namespace, name)) {
    throw new ExecutionError(
      `Iceberg table ${namespace}.${name} already exists in catalog ${catalog.name}; ` +
        `use \`mdw iceberg rollback-metadata\` to move an existing table to another metadata file.`,
    );
  }
  let md: TableMetadata;
  try {
    md = readWhole(pathToUri(path));
  } catch (error) {
    throw damagedFileError(`${namespace}.${name}`, path, error);
  }
  const location = pathToUri(path);
  catalog.ensureNamespace(namespace);
  catalog.insertPointer(namespace, name, location, previousOf(md));
  return { location, snapshots: md.snapshots.length };
}

function previousOf(md: TableMetadata): string | null {
  return md['metadata-log'][md['metadata-log'].length - 1]?.['metadata-file'] ?? null;
}

export interface RecoveredTable {
  table: string;
  location: string;
  snapshots: number;
  /** newer metadata files that did not read whole and were passed over */
  skipped: string[];
}

/**
 * Registers every `<namespace>/<table>/metadata/` folder of the warehouse that the catalog
 * does not know yet, at its newest metadata file that reads whole. A warehouse moved while
 * its catalog was lost has its locations rewritten first (relocate.ts).
 */
export function recoverTables(catalog: IcebergCatalog): RecoveredTable[] {
  const root = catalog.warehouseDir;
  const recovered: RecoveredTable[] = [];
  for (const namespace of subfolders(root)) {
    for (const name of subfolders(join(root, namespace))) {
      const metadataDir = join(root, namespace, name, 'metadata');
      if (!existsSync(metadataDir) || catalog.tableExists(namespace, name)) continue;
      relocateIfMoved(metadataDir, join(root, namespace, name));
      const skipped: string[] = [];
      for (const candidate of metadataFiles(metadataDir)) {
        try {
          const md = readWhole(candidate.location);
          catalog.ensureNamespace(namespace);
          catalog.insertPointer(namespace, name, candidate.location, previousOf(md));
          recovered.push({
            table: `${namespace}.${name}`,
            location: candidate.location,
            snapshots: md.snapshots.length,
            skipped,
          });
          break;
        } catch {
          skipped.push(uriToPath(candidate.location));
        }
      }
      if (skipped.length > 0 && !recovered.some((r) => r.table === `${namespace}.${name}`)) {
        recovered.push({ table: `${namespace}.${name}`, location: '', snapshots: 0, skipped });
      }
    }
  }
  return recovered;
}

function subfolders(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/** A table folder whose metadata names another place for it: the warehouse moved with no catalog. */
function relocateIfMoved(metadataDir: string, tableDir: string): void {
  const newest = metadataFiles(metadataDir)[0];
  if (!newest) return;
  let recorded: string;
  try {
    recorded = uriToPath(
      parseTableMetadata(readFileSync(uriToPath(newest.location)), newest.location).location,
    );
  } catch {
    return;
  }
  if (resolve(recorded) === resolve(tableDir) || basename(recorded) !== basename(tableDir)) return;
  relocateTableFolder(metadataDir, dirname(dirname(recorded)), dirname(dirname(tableDir)));
}

/**
 * Points the table at the newest earlier metadata file that reads whole: the catalog's
 * previous pointer first, then the folder's metadata files with a lower version.
 */
export function rollbackMetadata(
  catalog: IcebergCatalog,
  namespace: string,
  name: string,
): { from: string; to: string; skipped: string[] } {
  const identifier = `${namespace}.${name}`;
  const pointer = catalog.pointer(namespace, name);
  if (!pointer)
    throw new ExecutionError(`Iceberg table ${identifier} does not exist in catalog ${catalog.name}.`);
  const current = pointer.current;
  const currentVersion = Number(
    /(\d+)-[^/]*\.metadata\.json(\.gz)?$/.exec(current)?.[1] ?? Number.MAX_SAFE_INTEGER,
  );
  const folder = metadataFiles(dirname(uriToPath(current))).filter(
    (c) => c.version < currentVersion && uriToPath(c.location) !== uriToPath(current),
  );
  const candidates = [
    ...(pointer.previous ? [pointer.previous] : []),
    ...folder
      .map((c) => c.location)
      .filter((l) => !pointer.previous || uriToPath(l) !== uriToPath(pointer.previous)),
  ];
  const skipped: string[] = [];
  for (const location of candidates) {
    let md: TableMetadata;
    try {
      md = readWhole(location);
    } catch {
      skipped.push(uriToPath(location));
      continue;
    }
    if (!catalog.swapMetadataLocation(namespace, name, current, location, previousOf(md))) {
      throw new ExecutionError(
        `Iceberg table ${identifier} changed while mdw was rolling it back; run the command again.`,
      );
    }
    return { from: uriToPath(current), to: uriToPath(location), skipped };
  }
  throw new ExecutionError(
    `Iceberg table ${identifier}: none of its ${candidates.length} earlier metadata files reads whole` +
      `${skipped.length > 0 ? ` (first: ${skipped[0]})` : ''}; restore the damaged files from a backup.`,
  );
}
