/**
 * Writing data files with DuckDB: `COPY … TO … (FORMAT parquet, FIELD_IDS …, RETURN_STATS)`
 * writes Parquet carrying Iceberg field ids, Hive-style `partition=…` folders, and hands back
 * per-file statistics that become manifest entries (counts, sizes, bounds).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { type DataFile, FileContent, type PartitionValues } from '../../../lakehouse/iceberg/manifest.js';
import { PARTITION_COLUMN } from '../../../lakehouse/iceberg/metadata.js';
import { pathToUri } from '../../../lakehouse/iceberg/paths.js';
import {
  type IcebergType,
  isPrimitive,
  leafColumns,
  maxFieldId,
  type Schema,
} from '../../../lakehouse/iceberg/schema.js';
import {
  encodeValue,
  truncateLower,
  truncateUpper,
  valueFromText,
} from '../../../lakehouse/iceberg/values.js';
import { ExecutionError } from '../../../util/errors.js';
import { faultPoint } from '../../../util/fault-pause.js';
import { sqlString } from '../../sql-helpers.js';
import { duckDbTypeSql, fieldIdsAfter, quoteIdent, structType } from './duckdb-types.js';

/**
 * The Iceberg schema of a query's result. Columns keep the field ids they had in
 * `previousSchema` (matched by name, nested ones too); new columns get ids after
 * `lastColumnId` (default: the previous schema's highest id), so ids never change or repeat.
 */
export async function schemaForSelect(
  conn: DuckDBConnection,
  selectSql: string,
  previousSchema?: Schema,
  lastColumnId: number = maxFieldId(previousSchema),
): Promise<Schema> {
  const reader = await conn.runAndReadAll(`SELECT * FROM (${selectSql}) AS q LIMIT 0`);
  const struct = structType(
    reader.columnNames(),
    reader.columnTypes(),
    fieldIdsAfter(lastColumnId),
    previousSchema,
  );
  return { type: 'struct', 'schema-id': previousSchema?.['schema-id'] ?? 0, fields: struct.fields };
}

export interface WriteDataOptions {
  /** the query whose rows to write; its columns must match `schema` by name */
  selectSql: string;
  schema: Schema;
  /** split files into Hive `partition=…` folders by the `partition` column */
  partitioned: boolean;
  /** local folder, usually `table.dataDir()` */
  dataDir: string;
  /** unpartitioned tables: roll over to a new file past about this many bytes */
  targetFileSizeBytes?: number;
  compression?: 'zstd' | 'snappy';
}

/** Writes the query's rows as Parquet data files and describes them for a manifest. */
export async function writeDataFiles(conn: DuckDBConnection, options: WriteDataOptions): Promise<DataFile[]> {
  const { schema } = options;
  const partitionField = options.partitioned
    ? schema.fields.find((f) => f.name === PARTITION_COLUMN)
    : undefined;
  if (options.partitioned && !partitionField) {
    throw new ExecutionError(`A partitioned Iceberg table needs a column named "${PARTITION_COLUMN}".`);
  }
  const dataDir = resolve(options.dataDir);
  faultPoint('before-files', tableOfDataDir(dataDir));
  mkdirSync(dataDir, { recursive: true });
  const copyOptions = [
    'FORMAT parquet',
    `COMPRESSION ${options.compression ?? 'zstd'}`,
    `FIELD_IDS ${fieldIdsLiteral(schema)}`,
    'RETURN_STATS true',
  ];
  if (partitionField)
    copyOptions.push(`PARTITION_BY (${quoteIdent(PARTITION_COLUMN)})`, 'WRITE_PARTITION_COLUMNS true');
  // DuckDB 1.5 cannot combine FILE_SIZE_BYTES with PARTITION_BY: partitioned writes get one
  // file per partition (compaction groups are sized to the target already).
  const splitBySize = Boolean(options.targetFileSizeBytes) && !partitionField;
  if (splitBySize)
    copyOptions.push(`FILE_SIZE_BYTES ${Math.max(1, Math.floor(options.targetFileSizeBytes!))}`);
  // A folder target (with a uuid per file) whenever DuckDB may write several files.
  const toFolder = Boolean(partitionField) || splitBySize;
  if (toFolder) copyOptions.push(`FILENAME_PATTERN '${randomUUID()}-{uuid}'`, 'OVERWRITE_OR_IGNORE true');
  const target = toFolder ? dataDir : `${dataDir}/${randomUUID()}.parquet`;
  const select = `SELECT ${schema.fields.map(castTo).join(', ')} FROM (${options.selectSql}) AS q`;
  const reader = await conn.runAndReadAll(
    `COPY (${select}) TO ${sqlString(target)} (${copyOptions.join(', ')})`,
  );
  const rows = reader.getRowObjectsJson() as unknown as CopyStatsRow[];
  const files: DataFile[] = [];
  for (const row of rows) {
    if (Number(row.count) === 0) {
      rmSync(row.filename, { force: true });
      continue;
    }
    files.push(dataFileFromStats(row, schema, partitionField ? partitionField.type : undefined));
  }
  faultPoint('during-files', tableOfDataDir(dataDir));
  return files;
}

/** `schema.table` of a table's data folder (`<warehouse>/<schema>/<table>/data`), for fault points. */
export function tableOfDataDir(dataDir: string): string {
  return `${basename(dirname(dirname(dataDir)))}.${basename(dirname(dataDir))}`;
}

export interface CopyStatsRow {
  filename: string;
  count: string;
  file_size_bytes: string;
  footer_size_bytes: string;
  column_statistics: { key: string; value: { key: string; value: string }[] }[] | null;
  partition_keys: { key: string; value: string | null }[] | null;
}

/** Casts each column to the DuckDB type its Iceberg type maps back to (TINYINT → INTEGER…). */
function castTo(field: Schema['fields'][number]): string {
  return `CAST(${quoteIdent(field.name)} AS ${duckDbTypeSql(field.type)}) AS ${quoteIdent(field.name)}`;
}

/** DuckDB's FIELD_IDS option: {col: id} with nested {__duckdb_field_id: id, child: …}. */
export function fieldIdsLiteral(schema: Schema): string {
  const entry = (name: string, id: number, type: IcebergType): string => {
    const key = quoteIdent(name);
    if (isPrimitive(type)) return `${key}: ${id}`;
    const children =
      type.type === 'struct'
        ? type.fields.map((f) => entry(f.name, f.id, f.type))
        : type.type === 'list'
          ? [entry('element', type['element-id'], type.element)]
          : [entry('key', type['key-id'], type.key), entry('value', type['value-id'], type.value)];
    return `${key}: {__duckdb_field_id: ${id}, ${children.join(', ')}}`;
  };
  return `{${schema.fields.map((f) => entry(f.name, f.id, f.type)).join(', ')}}`;
}

/** DuckDB's column path key in column_statistics: "st"."x", "l"."element". */
function statsKey(path: string[]): string {
  return path.map(quoteIdent).join('.');
}

export function dataFileFromStats(
  row: CopyStatsRow,
  schema: Schema,
  partitionType: IcebergType | undefined,
): DataFile {
  const stats = new Map<string, Record<string, string>>();
  for (const col of row.column_statistics ?? []) {
    stats.set(col.key, Object.fromEntries(col.value.map((kv) => [kv.key, kv.value])));
  }
  const file: DataFile = {
    content: FileContent.DATA,
    filePath: pathToUri(row.filename),
    fileFormat: 'PARQUET',
    partition: partitionOf(row, partitionType),
    recordCount: Number(row.count),
    fileSizeInBytes: Number(row.file_size_bytes),
    columnSizes: {},
    valueCounts: {},
    nullValueCounts: {},
    nanValueCounts: {},
    lowerBounds: {},
    upperBounds: {},
    splitOffsets: null,
    sortOrderId: 0,
  };
  for (const leaf of leafColumns(schema)) {
    const s = stats.get(statsKey(leaf.path));
    if (!s) continue;
    if (s.column_size_bytes !== undefined) file.columnSizes![leaf.id] = Number(s.column_size_bytes);
    if (s.num_values !== undefined) file.valueCounts![leaf.id] = Number(s.num_values);
    if (s.null_count !== undefined) file.nullValueCounts![leaf.id] = Number(s.null_count);
    if (leaf.type === 'float' || leaf.type === 'double') {
      if (s.has_nan === 'false') file.nanValueCounts![leaf.id] = 0;
      if (s.has_nan !== 'false') continue; // NaN is never a bound; with NaNs present min/max are unreliable
    }
    // Bounds of values inside lists/maps are left out, as Iceberg's own writers do.
    if (leaf.repeated) continue;
    const lower = s.min !== undefined ? valueFromText(leaf.type, s.min) : undefined;
    const upper = s.max !== undefined ? valueFromText(leaf.type, s.max) : undefined;
    if (lower !== undefined)
      file.lowerBounds![leaf.id] = encodeValue(leaf.type, truncateLower(leaf.type, lower));
    const upperCut = upper !== undefined ? truncateUpper(leaf.type, upper) : undefined;
    if (upperCut !== undefined) file.upperBounds![leaf.id] = encodeValue(leaf.type, upperCut);
  }
  return file;
}

function partitionOf(row: CopyStatsRow, type: IcebergType | undefined): PartitionValues {
  if (type === undefined) return {};
  const raw = row.partition_keys?.find((k) => k.key === PARTITION_COLUMN)?.value ?? null;
  if (raw === null) return { [PARTITION_COLUMN]: null };
  if (!isPrimitive(type))
    throw new ExecutionError(`The "${PARTITION_COLUMN}" column must have a primitive type.`);
  const value = valueFromText(type, raw);
  if (value === undefined) {
    throw new ExecutionError(`Partition value "${raw}" cannot be stored as Iceberg type ${type}.`);
  }
  return { [PARTITION_COLUMN]: value };
}
