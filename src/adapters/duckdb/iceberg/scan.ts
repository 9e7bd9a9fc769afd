/**
 * DuckDB SQL that reads a snapshot. Columns are matched by Iceberg field id
 * (`read_parquet(…, schema = MAP {id: {name, type, default_value}})`), not by name, so
 * renamed, added and reordered columns read right (spec "Column Projection").
 */

import { type FolderColumn, identityFolderColumns } from '../../../lakehouse/iceberg/identity-folders.js';
import type { NestedField, Schema } from '../../../lakehouse/iceberg/schema.js';
import type { IcebergTable, LiveDataFile } from '../../../lakehouse/iceberg/table.js';
import { sqlString } from '../../sql-helpers.js';
import { duckDbTypeSql, quoteIdent } from './duckdb-types.js';

/** A SELECT over the table's data at a snapshot (default: current), in the snapshot's schema. */
export function scanSql(table: IcebergTable, snapshotId?: bigint): string {
  return readTableFilesSql(table, table.dataFiles(snapshotId), table.schema(snapshotId));
}

export interface ReadFilesOptions {
  /** add a `filename` column naming each row's data file */
  filename?: boolean;
  /**
   * the files' row count, from the table's metadata. DuckDB's planner otherwise guesses a
   * multi-file read's size (the first file's rows times the file count, or 1,000 per file
   * when read by field id) and then hashes the wrong side of a join: a 6 M-row table read
   * as "2,000 rows" becomes the build side against a 50 k-row day.
   */
  rows?: number;
}

/**
 * A SELECT over some live data files of a table (no row-level deletes). When the files sit in
 * identity-partition folders (`partition=20180101/`), they are read by name with DuckDB's hive
 * partitioning, so a filter on a partition column skips files before opening them; otherwise
 * by field id. Both give the same rows.
 */
export function readTableFilesSql(
  table: IcebergTable,
  files: readonly LiveDataFile[],
  schema: Schema,
  options: { filename?: boolean } = {},
): string {
  const folders = identityFolderColumns(table, files);
  const paths = files.map((f) => f.localPath);
  const read = { ...options, rows: files.reduce((sum, f) => sum + Number(f.recordCount), 0) };
  if (!folders) return readFilesSql(paths, schema, read);
  return readFoldersSql(paths, schema, folders, read);
}

/** The trailing read_parquet options both readers share. */
function readOptionsSql(options: ReadFilesOptions): string {
  const filename = options.filename ? ', filename = true' : '';
  const rows =
    options.rows === undefined ? '' : `, explicit_cardinality = ${Math.max(0, Math.round(options.rows))}`;
  return `${filename}${rows}`;
}

function readFoldersSql(
  files: readonly string[],
  schema: Schema,
  folders: readonly FolderColumn[],
  options: ReadFilesOptions,
): string {
  const columns = schema.fields.map((f) => quoteIdent(f.name));
  if (options.filename) columns.push('filename');
  // the folder value wins over the file's column; keep its Iceberg type (never guessed)
  const types = folders.map((c) => `${sqlString(c.name)}: ${duckDbTypeSql(c.type)}`).join(', ');
  const list = files.map(sqlString).join(', ');
  return (
    `SELECT ${columns.join(', ')} FROM read_parquet([${list}], hive_partitioning = true, ` +
    `hive_types = {${types}}, hive_types_autocast = false${readOptionsSql(options)})`
  );
}

/**
 * A SELECT over some Parquet data files, projected onto `schema` by field id; with
 * `filename`, a `filename` column says which file each row came from.
 */
export function readFilesSql(
  files: readonly string[],
  schema: Schema,
  options: ReadFilesOptions = {},
): string {
  if (files.length === 0) {
    const columns = schema.fields.map(
      (f) => `CAST(NULL AS ${duckDbTypeSql(f.type)}) AS ${quoteIdent(f.name)}`,
    );
    if (options.filename) columns.push('CAST(NULL AS VARCHAR) AS filename');
    return `SELECT ${columns.join(', ')} WHERE false`;
  }
  return `SELECT * FROM ${readParquetByFieldId(files, schema.fields, readOptionsSql(options))}`;
}

/**
 * `read_parquet` over some files, projected onto `fields` by Iceberg field id (renamed and
 * reordered columns read right); `extra` is appended to its options (`, filename = true`).
 */
export function readParquetByFieldId(
  files: readonly string[],
  fields: readonly NestedField[],
  extra = '',
): string {
  const mapping = fields
    .map(
      (f) =>
        `${f.id}: {name: ${sqlString(f.name)}, type: ${sqlString(duckDbTypeSql(f.type))}, default_value: NULL}`,
    )
    .join(', ');
  const list = files.map(sqlString).join(', ');
  return `read_parquet([${list}], schema = MAP {${mapping}}, hive_partitioning = false${extra})`;
}
