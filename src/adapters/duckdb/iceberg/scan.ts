/**
 * DuckDB SQL that reads a snapshot. Columns are matched by Iceberg field id
 * (`read_parquet(…, schema = MAP {id: {name, type, default_value}})`), not by name, so
 * renamed, added and reordered columns read right (spec "Column Projection").
 */

import type { Schema } from '../../../lakehouse/iceberg/schema.js';
import type { IcebergTable } from '../../../lakehouse/iceberg/table.js';
import { sqlString } from '../../sql-helpers.js';
import { duckDbTypeSql, quoteIdent } from './duckdb-types.js';

/** A SELECT over the table's data at a snapshot (default: current), in the snapshot's schema. */
export function scanSql(table: IcebergTable, snapshotId?: bigint): string {
  const files = table.dataFiles(snapshotId).map((f) => f.localPath);
  return readFilesSql(files, table.schema(snapshotId));
}

/**
 * A SELECT over some Parquet data files, projected onto `schema` by field id; with
 * `filename`, a `filename` column says which file each row came from.
 */
export function readFilesSql(
  files: readonly string[],
  schema: Schema,
  options: { filename?: boolean } = {},
): string {
  if (files.length === 0) {
    const columns = schema.fields.map(
      (f) => `CAST(NULL AS ${duckDbTypeSql(f.type)}) AS ${quoteIdent(f.name)}`,
    );
    if (options.filename) columns.push('CAST(NULL AS VARCHAR) AS filename');
    return `SELECT ${columns.join(', ')} WHERE false`;
  }
  const mapping = schema.fields
    .map(
      (f) =>
        `${f.id}: {name: ${sqlString(f.name)}, type: ${sqlString(duckDbTypeSql(f.type))}, default_value: NULL}`,
    )
    .join(', ');
  const list = files.map(sqlString).join(', ');
  const filename = options.filename ? ', filename = true' : '';
  return `SELECT * FROM read_parquet([${list}], schema = MAP {${mapping}}, hive_partitioning = false${filename})`;
}
