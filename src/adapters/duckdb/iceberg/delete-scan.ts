/**
 * DuckDB SQL that reads Iceberg data files with their row-level deletes applied: an anti-join
 * on (data file, row position) for position deletes and on the equality columns (null equals
 * null, as the spec says) for equality deletes. Which delete file applies to which data file
 * is decided by the engine-neutral DeleteIndex; this only renders it.
 */
import type { DeleteIndex, LiveDeleteFile } from '../../../lakehouse/iceberg/deletes.js';
import type { IcebergTable, LiveDataFile, NestedField, Schema } from '../../../lakehouse/iceberg/index.js';
import { sqlString } from '../../sql-helpers.js';
import { quoteIdent } from './duckdb-types.js';
import { readParquetByFieldId, readTableFilesSql } from './scan.js';

export interface LiveReadOptions {
  /** add a `filename` column naming each row's data file (local path) */
  filename?: boolean;
  /** the snapshot the files belong to (default: current); picks its delete files */
  snapshotId?: bigint;
  /** delete files already loaded for that snapshot */
  deletes?: DeleteIndex;
}

/** A SELECT over the table's data at a snapshot (default: current), deletes applied. */
export function scanLiveSql(table: IcebergTable, snapshotId?: bigint): string {
  return readLiveFilesSql(table, table.dataFiles(snapshotId), table.schema(snapshotId), { snapshotId });
}

/** A SELECT over some live data files of a table, projected onto `schema`, deletes applied. */
export function readLiveFilesSql(
  table: IcebergTable,
  files: readonly LiveDataFile[],
  schema: Schema,
  options: LiveReadOptions = {},
): string {
  const deletes = options.deletes ?? table.deleteIndex(options.snapshotId);
  const plans = deletes.isEmpty
    ? []
    : files.map((file) => ({ file, applicable: deletes.applicableTo(file) }));
  const affected = plans.filter((p) => p.applicable.position.length + p.applicable.equality.length > 0);
  const paths = files.map((f) => f.localPath);
  if (affected.length === 0) return readTableFilesSql(table, files, schema, { filename: options.filename });

  const base = `${readParquetByFieldId(paths, schema.fields, ', filename = true, file_row_number = true')} d`;
  const conditions: string[] = [];
  const positional = positionDeletesSql(affected);
  if (positional) {
    conditions.push(
      `NOT EXISTS (SELECT 1 FROM (${positional}) p WHERE p.data_path = d.filename AND p.pos = d.file_row_number)`,
    );
  }
  for (const { deleteFile, dataPaths } of equalityTargets(affected)) {
    conditions.push(equalityConditionSql(deleteFile, dataPaths, schema));
  }
  const columns = schema.fields.map((f) => `d.${quoteIdent(f.name)}`);
  if (options.filename) columns.push('d.filename');
  return `SELECT ${columns.join(', ')} FROM ${base} WHERE ${conditions.join(' AND ')}`;
}

type Plan = { file: LiveDataFile; applicable: ReturnType<DeleteIndex['applicableTo']> };

/**
 * (data_path, pos) of every deleted row: the position delete files read once, joined to the
 * (delete file, data file) pairs the sequence-number rules allow.
 */
function positionDeletesSql(plans: readonly Plan[]): string | undefined {
  const pairs: string[] = [];
  const deleteFiles = new Set<string>();
  for (const { file, applicable } of plans) {
    for (const d of applicable.position) {
      deleteFiles.add(d.localPath);
      pairs.push(`(${sqlString(d.localPath)}, ${sqlString(file.filePath)}, ${sqlString(file.localPath)})`);
    }
  }
  if (pairs.length === 0) return undefined;
  const list = [...deleteFiles].map(sqlString).join(', ');
  return (
    `SELECT m.data_path, r.pos FROM read_parquet([${list}], filename = true, hive_partitioning = false) r ` +
    `JOIN (VALUES ${pairs.join(', ')}) m(delete_path, data_uri, data_path) ` +
    'ON r.filename = m.delete_path AND r.file_path = m.data_uri'
  );
}

/** Each equality delete file with the data files (local paths) it applies to. */
function equalityTargets(plans: readonly Plan[]): { deleteFile: LiveDeleteFile; dataPaths: string[] }[] {
  const targets = new Map<LiveDeleteFile, string[]>();
  for (const { file, applicable } of plans) {
    for (const d of applicable.equality) {
      const list = targets.get(d) ?? [];
      list.push(file.localPath);
      targets.set(d, list);
    }
  }
  return [...targets].map(([deleteFile, dataPaths]) => ({ deleteFile, dataPaths }));
}

/** Rows of the listed data files whose equality columns match a row of the delete file are gone. */
function equalityConditionSql(
  deleteFile: LiveDeleteFile,
  dataPaths: readonly string[],
  schema: Schema,
): string {
  const fields = (deleteFile.equalityIds ?? []).map((id) => {
    const field = schema.fields.find((f) => f.id === id);
    if (!field) {
      // a column dropped since: no row of this schema can match on it
      return undefined;
    }
    return field;
  });
  if (fields.some((f) => f === undefined)) return 'true';
  const read = readParquetByFieldId([deleteFile.localPath], fields as NestedField[]);
  const match = fields
    .map((f) => `e.${quoteIdent(f!.name)} IS NOT DISTINCT FROM d.${quoteIdent(f!.name)}`)
    .join(' AND ');
  return `NOT (d.filename IN (${dataPaths.map(sqlString).join(', ')}) AND EXISTS (SELECT 1 FROM ${read} e WHERE ${match}))`;
}
