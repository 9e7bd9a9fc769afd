/**
 * Apache Iceberg format v2 on the local file system — the table format only: no JVM and no
 * engine (engines write and read the Parquet data, e.g. src/adapters/duckdb/iceberg/). Tables
 * written here are read by other engines (PyIceberg's SqlCatalog, Trino via register_table)
 * and tables they write are read here.
 *
 * Layout (docs/architecture.md, "The local lakehouse"):
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
 *   // writing: an engine writes Parquet data files (with field ids) and describes them as
 *   // DataFile entries (DuckDB: adapters/duckdb/iceberg/write-data.ts); the table commits them
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
 *   table.partitions(snapshotId?)   (an engine reads the files by field id: adapters/duckdb/iceberg/scan.ts)
 *   table.deleteIndex(snapshotId?) → the row-level delete files other engines (Trino's
 *   DELETE/UPDATE/MERGE) wrote, matched to data files by the spec's rules (deletes.ts); the
 *   DuckDB adapter applies them on read (adapters/duckdb/iceberg/delete-scan.ts), and
 *   copy-on-write commits drop those they supersede.
 *
 *   // write-audit-publish: commits move a staged pointer only this catalog reads
 *   const stage = CatalogStage.begin(catalog)   // discards dead builds' stages first
 *   stage.tables(); stage.publish() (one SQLite transaction; PublishConflict: none) | stage.discard()
 *
 *   // maintenance
 *   table.rollback(snapshotId); table.expireSnapshots({ olderThanMs, retainLast })
 *   table.removeOrphans({ olderThanMs }); table.planCompaction(bytes); table.compact(rewriteGroup, bytes)
 */
export { type CatalogOptions, IcebergCatalog, openCatalog, type TableIdentifier } from './catalog.js';
export type { DataChange, Operation } from './commit.js';
export { CATALOG_FILE, MARKER_FILE } from './identity.js';
export type {
  CompactionGroup,
  ExpireOptions,
  ExpireResult,
  OrphanOptions,
  RewriteGroup,
} from './maintenance.js';
export type { DataFile, ManifestEntry, ManifestFile, PartitionValues } from './manifest.js';
export type { PartitionSpec, Snapshot, TableMetadata } from './metadata.js';
export { PARTITION_COLUMN } from './metadata.js';
export { pathToUri, uriToPath } from './paths.js';
export type { IcebergType, NestedField, Schema } from './schema.js';
export { CatalogStage, discardDeadStages, PublishConflict } from './stage.js';
export { type HistoryEntry, IcebergTable, type LiveDataFile, type PartitionInfo } from './table.js';
export { type IcebergValue, valueToText } from './values.js';
