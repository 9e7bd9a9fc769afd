/**
 * Identity partitions as folders: when every data file of a read sits in `<column>=<value>/`
 * folders that spell its identity partition values, an engine can prune files by a filter on
 * those columns from the paths alone, before opening any file (DuckDB's hive partitioning).
 * This decides whether a set of files has that layout, trusting the manifests, not the paths:
 * a folder that disagrees with its file's partition tuple turns the layout off.
 */
import { specById } from './metadata.js';
import type { PrimitiveType } from './schema.js';
import type { IcebergTable, LiveDataFile } from './table.js';
import type { IcebergValue } from './values.js';

export interface FolderColumn {
  name: string;
  type: PrimitiveType;
}

/** Types whose identity value is written in a folder name as plain text both sides agree on. */
const FOLDER_TYPES: ReadonlySet<PrimitiveType> = new Set(['string', 'int', 'long']);
/** Column types every Parquet writer stores so that a read by name gives the Iceberg type back. */
const BY_NAME_TYPES: ReadonlySet<string> = new Set([
  'boolean',
  'int',
  'long',
  'float',
  'double',
  'date',
  'timestamp',
  'timestamptz',
  'string',
]);
/** Folder values that need no escaping (anything else may be URL-encoded by some writer). */
const PLAIN_VALUE = /^[A-Za-z0-9_.-]+$/;

/**
 * The identity partition columns every file's path spells out, in spec order; null when the
 * files do not all have that layout (other transforms, several schemas or specs, a value that
 * needs escaping or is null, a folder that disagrees with the manifest, a stray `=` in a path).
 * Only single-schema tables qualify: their files carry the current column names, so a reader may
 * match columns by name instead of by field id.
 */
export function identityFolderColumns(
  table: IcebergTable,
  files: readonly LiveDataFile[],
): FolderColumn[] | null {
  const md = table.metadata;
  if (files.length === 0 || md.schemas.length !== 1) return null;
  const specIds = new Set(files.map((f) => f.specId));
  if (specIds.size !== 1) return null;
  const spec = specById(md, files[0]!.specId);
  if (spec.fields.length === 0 || spec.fields.some((pf) => pf.transform !== 'identity')) return null;
  const fields = md.schemas[0]!.fields;
  const readableByName = fields.every(
    (f) => typeof f.type === 'string' && (BY_NAME_TYPES.has(f.type) || f.type.startsWith('decimal(')),
  );
  if (!readableByName) return null;
  const columns: (FolderColumn & { partitionName: string })[] = [];
  for (const pf of spec.fields) {
    const source = fields.find((f) => f.id === pf['source-id']);
    if (!source || typeof source.type !== 'string' || !FOLDER_TYPES.has(source.type)) return null;
    columns.push({ name: source.name, type: source.type, partitionName: pf.name });
  }
  for (const file of files) {
    const folders = file.localPath.split('/').filter((segment) => segment.includes('='));
    if (folders.length !== columns.length) return null;
    for (const [i, column] of columns.entries()) {
      const expected = folderValue(file.partition[column.partitionName]);
      if (expected === null || folders[i] !== `${column.name}=${expected}`) return null;
    }
  }
  return columns.map(({ name, type }) => ({ name, type }));
}

function folderValue(value: IcebergValue | null | undefined): string | null {
  if (value === null || value === undefined || Buffer.isBuffer(value) || typeof value === 'boolean')
    return null;
  const text = String(value);
  return PLAIN_VALUE.test(text) ? text : null;
}
