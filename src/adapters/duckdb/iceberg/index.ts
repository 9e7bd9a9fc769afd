/**
 * DuckDB's side of the local Iceberg lakehouse: writing Parquet data files with field ids,
 * mapping types, reading snapshots by field id, compaction's rewrite. The table format itself
 * (metadata, manifests, commits) is src/lakehouse/iceberg and knows no engine.
 */
export { duckDbRewriter } from './compaction.js';
export { type LiveReadOptions, readLiveFilesSql, scanLiveSql } from './delete-scan.js';
export { duckDbTypeSql, icebergType } from './duckdb-types.js';
export { readFilesSql, scanSql } from './scan.js';
export { schemaForSelect, type WriteDataOptions, writeDataFiles } from './write-data.js';
