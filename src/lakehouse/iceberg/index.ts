/**
 * Apache Iceberg format v2 on the local file system — no JVM, no DuckDB extension. Tables
 * written here are read by other engines (PyIceberg's SqlCatalog, Trino via register_table)
 * and tables they write are read here.
 *
 * Layout (DESIGN "The local lakehouse"):
 *   W/catalog.db                         SQLite, Iceberg JDBC-catalog tables
 *   W/<ns>/<table>/metadata/             00000-<uuid>.metadata.json, snap-….avro, <uuid>-m<n>.avro
 *   W/<ns>/<table>/data/partition=…/     Parquet with field ids (data/ when unpartitioned)
 *
 * The API the adapter calls:
 *
 *   const catalog = openCatalog(warehouseDir, { name: 'mdw' });
 *   catalog.ensureNamespace(ns); catalog.listTables(ns?); catalog.tableExists(ns, name)
 *   catalog.createTable(ns, name, schema, { partitioned }) → IcebergTable
 *   catalog.loadTable(ns, name) → IcebergTable;  catalog.dropTable(ns, name, { purge })
 *
 *   // writing: DuckDB writes Parquet, the table commits it
 *   const schema = await schemaForSelect(conn, sql, table?.schema());   // ids stable across evolution
 *   const files = await writeDataFiles(conn, { selectSql: sql, schema, partitioned, dataDir: table.dataDir() });
 *   await table.append(files)                                  // operation append
 *   await table.overwrite({ deleteFiles, addFiles })           // merge / delete+insert / insert_overwrite
 *   await table.replace({ schema, addFiles })                  // full refresh (schema may change)
 *   await table.rewrite({ deleteFiles, addFiles })             // compaction: operation replace
 *   Each is one atomic commit: new files first, then a compare-and-set of the catalog pointer,
 *   retried on conflict (appends re-apply; the others only while the files they delete are
 *   still live), else ExecutionError with one sentence.
 *
 *   // reading
 *   table.snapshots(), currentSnapshot(), snapshotAsOf(ms), schema(snapshotId?), history()
 *   table.dataFiles(snapshotId?) → live files (localPath, partition, recordCount, sizes…)
 *   table.partitions(snapshotId?);  scanSql(table, snapshotId?) → a DuckDB SELECT by field id
 *   table.deleteIndex(snapshotId?) → the row-level delete files other engines (Trino's
 *   DELETE/UPDATE/MERGE) wrote, matched to data files by the spec's rules (deletes.ts); the
 *   DuckDB adapter applies them on read, and copy-on-write commits drop those they supersede.
 *
 *   // maintenance
 *   table.rollback(snapshotId); table.expireSnapshots({ olderThanMs, retainLast })
 *   table.removeOrphans({ olderThanMs }); table.planCompaction(bytes); table.compact(conn, bytes)
 */
export { type CatalogOptions, IcebergCatalog, openCatalog, type TableIdentifier } from './catalog.js';
export type { DataChange, Operation } from './commit.js';
export { duckDbTypeSql, icebergType } from './duckdb-types.js';
export type { CompactionGroup, ExpireOptions, ExpireResult, OrphanOptions } from './maintenance.js';
export type { DataFile, ManifestEntry, ManifestFile, PartitionValues } from './manifest.js';
export type { PartitionSpec, Snapshot, TableMetadata } from './metadata.js';
export { PARTITION_COLUMN } from './metadata.js';
export { pathToUri, uriToPath } from './paths.js';
export { readFilesSql, scanSql } from './scan.js';
export type { IcebergType, NestedField, Schema } from './schema.js';
export { type HistoryEntry, IcebergTable, type LiveDataFile, type PartitionInfo } from './table.js';
export { type IcebergValue, valueToText } from './values.js';
export { schemaForSelect, type WriteDataOptions, writeDataFiles } from './write-data.js';
