/** Compaction's data side on DuckDB: read a group's files by field id, write them as bigger files. */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { IcebergTable, RewriteGroup } from '../../../lakehouse/iceberg/index.js';
import { readFilesSql } from './scan.js';
import { writeDataFiles } from './write-data.js';

export function duckDbRewriter(conn: DuckDBConnection, table: IcebergTable): RewriteGroup {
  const schema = table.schema();
  return (group, targetFileSizeBytes) =>
    writeDataFiles(conn, {
      selectSql: readFilesSql(
        group.files.map((f) => f.localPath),
        schema,
      ),
      schema,
      partitioned: table.partitioned,
      dataDir: table.dataDir(),
      targetFileSizeBytes,
    });
}
