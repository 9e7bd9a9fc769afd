/**
 * The floor's stand-in for an Iceberg table: the same Parquet data files mdw's lakehouse writer
 * produces (src/adapters/duckdb/iceberg/write-data.ts, as src/adapters/duckdb/iceberg/materialize.ts
 * calls it for a table or a first/full-refresh incremental), read back through the same kind of
 * DuckDB view — without the Iceberg metadata (no manifests, manifest list, metadata.json or
 * catalog commit, and no per-file statistics turned into manifest entries).
 *
 * What is kept, because it is part of writing and reading the data: the schema of the select
 * (a LIMIT 0 bind, Iceberg types and field ids 1…n), the casts to the DuckDB types those
 * Iceberg types map back to, COPY … (FORMAT parquet, COMPRESSION zstd, FIELD_IDS, RETURN_STATS)
 * into one file, or into Hive `partition=…` folders with the partition column kept in the files
 * when the select has a column named `partition` (mdw's rule: the column, not config
 * partition_by, decides), and a view over exactly the files written, projected by field id.
 * mdw sets no compression level, row group size or file size here, so neither does the floor.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { duckDbTypeSql, quoteIdent } from '../../src/adapters/duckdb/iceberg/duckdb-types.js';
import { readFilesSql } from '../../src/adapters/duckdb/iceberg/scan.js';
import { fieldIdsLiteral, schemaForSelect } from '../../src/adapters/duckdb/iceberg/write-data.js';
import { sqlString } from '../../src/adapters/sql-helpers.js';
import { PARTITION_COLUMN } from '../../src/lakehouse/iceberg/metadata.js';
import type { Schema } from '../../src/lakehouse/iceberg/schema.js';

export interface ParquetTable {
  /** the view to create, already quoted: "schema"."name" */
  view: string;
  /** the model's compiled select */
  select: string;
  /** a fresh folder for this table's data files */
  dataDir: string;
}

/** Writes the select's rows as Parquet data files in `dataDir` and creates the view over them. */
export async function writeParquetTable(conn: DuckDBConnection, table: ParquetTable): Promise<void> {
  const schema = await schemaForSelect(conn, table.select);
  mkdirSync(table.dataDir, { recursive: true });
  const reader = await conn.runAndReadAll(copySql(schema, table));
  const files = keepWrittenFiles(reader.getRowObjectsJson() as unknown as CopyStatsRow[]);
  await conn.run(`create view ${table.view} as ${readFilesSql(files, schema)}`);
}

interface CopyStatsRow {
  filename: string;
  count: string;
}

function isPartitioned(schema: Schema): boolean {
  return schema.fields.some((field) => field.name === PARTITION_COLUMN);
}

/** mdw's COPY: same options, same casts; only the file names are fixed (the folder is fresh). */
function copySql(schema: Schema, table: ParquetTable): string {
  const partitioned = isPartitioned(schema);
  const options = [
    'FORMAT parquet',
    'COMPRESSION zstd',
    `FIELD_IDS ${fieldIdsLiteral(schema)}`,
    // mdw turns these per-file statistics into manifest entries; DuckDB gathers them while writing.
    'RETURN_STATS true',
  ];
  if (partitioned) {
    options.push(
      `PARTITION_BY (${quoteIdent(PARTITION_COLUMN)})`,
      'WRITE_PARTITION_COLUMNS true',
      `FILENAME_PATTERN 'data-{uuid}'`,
      'OVERWRITE_OR_IGNORE true',
    );
  }
  const target = partitioned ? table.dataDir : join(table.dataDir, 'data.parquet');
  const columns = schema.fields.map(
    (f) => `CAST(${quoteIdent(f.name)} AS ${duckDbTypeSql(f.type)}) AS ${quoteIdent(f.name)}`,
  );
  const select = `SELECT ${columns.join(', ')} FROM (${table.select}) AS q`;
  return `COPY (${select}) TO ${sqlString(target)} (${options.join(', ')})`;
}

/** As mdw: an empty file is deleted, not listed (an empty table reads as a typed empty select). */
function keepWrittenFiles(rows: CopyStatsRow[]): string[] {
  const files: string[] = [];
  for (const row of rows) {
    if (Number(row.count) === 0) rmSync(row.filename, { force: true });
    else files.push(row.filename);
  }
  return files;
}
