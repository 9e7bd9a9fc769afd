/**
 * Writing Iceberg data files under a partition spec with transforms (day, bucket, truncate...):
 * DuckDB computes each partition field's value in SQL next to the row, splits the COPY by those
 * hidden columns (left out of the Parquet files), and every file's partition tuple comes back
 * from RETURN_STATS. Bucket hashing is Iceberg's exact Murmur3 (a scalar function running the
 * engine-free implementation), so buckets match what any other Iceberg writer computes.
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import {
  type DataFile,
  type PartitionValues,
  partitionFieldType,
} from '../../../lakehouse/iceberg/manifest.js';
import type { PartitionField, PartitionSpec } from '../../../lakehouse/iceberg/metadata.js';
import type { Schema } from '../../../lakehouse/iceberg/schema.js';
import { applyTransform, parseTransformText, type Transform } from '../../../lakehouse/iceberg/transforms.js';
import { valueFromText } from '../../../lakehouse/iceberg/values.js';
import { ExecutionError } from '../../../util/errors.js';
import { faultPoint } from '../../../util/fault-pause.js';
import { sqlString } from '../../sql-helpers.js';
import { BIGINT, DuckDBScalarFunction, INTEGER, VARCHAR } from '../node-api.js';
import { duckDbTypeSql, quoteIdent } from './duckdb-types.js';
import { type CopyStatsRow, dataFileFromStats, fieldIdsLiteral, tableOfDataDir } from './write-data.js';

const BUCKET_LONG = 'mdw_iceberg_bucket_long';
const BUCKET_TEXT = 'mdw_iceberg_bucket_text';
const registered = new WeakSet<DuckDBConnection>();

/** Registers the bucket functions on a connection (once): exact Iceberg bucket numbers. */
export function ensureBucketFunctions(conn: DuckDBConnection): void {
  if (registered.has(conn)) return;
  const define = (name: string, input: typeof BIGINT | typeof VARCHAR, type: string) =>
    conn.registerScalarFunction(
      DuckDBScalarFunction.create({
        name,
        returnType: INTEGER,
        parameterTypes: [input, INTEGER],
        mainFunction: (_info, chunk, output) => {
          const values = chunk.getColumnVector(0);
          const counts = chunk.getColumnVector(1);
          for (let row = 0; row < chunk.rowCount; row++) {
            const value = values.getItem(row) as bigint | string | null;
            const buckets = counts.getItem(row) as number | null;
            output.setItem(
              row,
              value === null || buckets === null
                ? null
                : (applyTransform({ kind: 'bucket', buckets }, type, value) as number),
            );
          }
          output.flush();
        },
      }),
    );
  define(BUCKET_LONG, BIGINT, 'long');
  define(BUCKET_TEXT, VARCHAR, 'string');
  registered.add(conn);
}

function sourceField(field: PartitionField, schema: Schema): { name: string; type: string } {
  const source = schema.fields.find((f) => f.id === field['source-id']);
  if (!source || typeof source.type !== 'string') {
    throw new ExecutionError(
      `Partition field ${field.name} reads column id ${field['source-id']}, which is not a top-level column.`,
    );
  }
  return { name: source.name, type: source.type };
}

function transformOf(field: PartitionField): Transform {
  const transform = parseTransformText(field.transform);
  if (!transform)
    throw new ExecutionError(`Unknown partition transform '${field.transform}' on ${field.name}.`);
  return transform;
}

function unsupported(transform: string, type: string): never {
  throw new ExecutionError(
    `Partition transform ${transform} on a ${type} column is not supported on the local target (supported: bucket on int/long/date/timestamp/string, truncate on int/long/string).`,
  );
}

/** DuckDB SQL for one partition field's value, computed from its source column of `alias`. */
export function partitionValueSql(field: PartitionField, schema: Schema, alias = ''): string {
  const source = sourceField(field, schema);
  const column = `${alias ? `${alias}.` : ''}${quoteIdent(source.name)}`;
  const transform = transformOf(field);
  // timestamptz transforms work on UTC wall time
  const time = source.type === 'timestamptz' ? `timezone('UTC', ${column})` : column;
  const epoch = source.type === 'date' ? "DATE '1970-01-01'" : "TIMESTAMP '1970-01-01'";
  switch (transform.kind) {
    case 'identity':
      return column;
    case 'void':
      return `CAST(NULL AS ${duckDbTypeSql(partitionFieldType(field, schema))})`;
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
      // date_diff counts boundaries crossed: the floor the spec asks for, before 1970 too
      return `CAST(date_diff('${transform.kind}', ${epoch}, ${time}) AS INTEGER)`;
    case 'bucket': {
      const n = transform.buckets;
      if (['int', 'long'].includes(source.type)) return `${BUCKET_LONG}(CAST(${column} AS BIGINT), ${n})`;
      if (source.type === 'date') return `${BUCKET_LONG}(CAST(${column} - ${epoch} AS BIGINT), ${n})`;
      if (source.type === 'timestamp' || source.type === 'timestamptz')
        return `${BUCKET_LONG}(epoch_us(${column}), ${n})`;
      if (source.type === 'string') return `${BUCKET_TEXT}(${column}, ${n})`;
      return unsupported(field.transform, source.type);
    }
    case 'truncate': {
      const w = transform.width;
      if (source.type === 'int' || source.type === 'long')
        return `(${column} - (((${column} % ${w}) + ${w}) % ${w}))`;
      if (source.type === 'string') return `substring(${column}, 1, ${w})`;
      return unsupported(field.transform, source.type);
    }
  }
}

/** Is this spec the one mdw always wrote (identity on `partition`, or none)? Those keep the plain writer. */
export function needsTransformWriter(spec: PartitionSpec, schema: Schema): boolean {
  if (spec.fields.length === 0) return false;
  if (spec.fields.length > 1) return true;
  const [field] = spec.fields;
  const source = schema.fields.find((f) => f.id === field!['source-id']);
  return !(field!.transform === 'identity' && source?.name === 'partition' && field!.name === 'partition');
}

/** Hidden column names for the partition values: the field names, unless a data column has one. */
function hiddenNames(spec: PartitionSpec, schema: Schema): string[] {
  const taken = new Set(schema.fields.map((f) => f.name.toLowerCase()));
  return spec.fields.map((f) => (taken.has(f.name.toLowerCase()) ? `${f.name}_part` : f.name));
}

/** Writes the query's rows as Parquet data files, one or more per partition of `spec`. */
export async function writePartitionedFiles(
  conn: DuckDBConnection,
  options: { selectSql: string; schema: Schema; spec: PartitionSpec; dataDir: string },
): Promise<DataFile[]> {
  const { schema, spec } = options;
  ensureBucketFunctions(conn);
  const dataDir = resolve(options.dataDir);
  faultPoint('before-files', tableOfDataDir(dataDir));
  mkdirSync(dataDir, { recursive: true });
  const hidden = hiddenNames(spec, schema);
  const columns = schema.fields.map(
    (f) => `CAST(${quoteIdent(f.name)} AS ${duckDbTypeSql(f.type)}) AS ${quoteIdent(f.name)}`,
  );
  const values = spec.fields.map(
    (f, i) => `${partitionValueSql(f, schema, 'q')} AS ${quoteIdent(hidden[i]!)}`,
  );
  const select = `SELECT ${[...columns, ...values].join(', ')} FROM (${options.selectSql}) AS q`;
  const copyOptions = [
    'FORMAT parquet',
    'COMPRESSION zstd',
    `FIELD_IDS ${fieldIdsLiteral(schema)}`,
    'RETURN_STATS true',
    `PARTITION_BY (${hidden.map(quoteIdent).join(', ')})`,
    `FILENAME_PATTERN '${randomUUID()}-{uuid}'`,
    'OVERWRITE_OR_IGNORE true',
  ];
  const reader = await conn.runAndReadAll(
    `COPY (${select}) TO ${sqlString(dataDir)} (${copyOptions.join(', ')})`,
  );
  const files: DataFile[] = [];
  for (const row of reader.getRowObjectsJson() as unknown as CopyStatsRow[]) {
    if (Number(row.count) === 0) {
      rmSync(row.filename, { force: true });
      continue;
    }
    const file = dataFileFromStats(row, schema, undefined);
    file.partition = partitionOf(row, spec, schema, hidden);
    files.push(file);
  }
  faultPoint('during-files', tableOfDataDir(dataDir));
  return files;
}

function partitionOf(
  row: CopyStatsRow,
  spec: PartitionSpec,
  schema: Schema,
  hidden: string[],
): PartitionValues {
  const out: PartitionValues = {};
  spec.fields.forEach((field, i) => {
    const raw = row.partition_keys?.find((k) => k.key === hidden[i])?.value ?? null;
    out[field.name] = raw === null ? null : parsePartitionText(field, schema, raw);
  });
  return out;
}

function parsePartitionText(field: PartitionField, schema: Schema, raw: string): PartitionValues[string] {
  const type = partitionFieldType(field, schema);
  const value = valueFromText(type, raw);
  if (value === undefined)
    throw new ExecutionError(
      `Partition value "${raw}" of ${field.name} cannot be stored as Iceberg type ${type}.`,
    );
  return value;
}

/** The distinct partition tuples of a relation's rows, as `partitionKey` strings of typed values. */
export async function partitionTuples(
  conn: DuckDBConnection,
  relationSql: string,
  spec: PartitionSpec,
  schema: Schema,
): Promise<PartitionValues[]> {
  ensureBucketFunctions(conn);
  const select = spec.fields
    .map((f, i) => `CAST(${partitionValueSql(f, schema, 'q')} AS VARCHAR) AS p${i}`)
    .join(', ');
  const reader = await conn.runAndReadAll(`SELECT DISTINCT ${select} FROM ${relationSql} AS q`);
  return reader.getRows().map((row) => {
    const out: PartitionValues = {};
    spec.fields.forEach((field, i) => {
      const raw = row[i];
      out[field.name] =
        raw === null || raw === undefined ? null : parsePartitionText(field, schema, String(raw));
    });
    return out;
  });
}
