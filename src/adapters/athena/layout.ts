/**
 * Where a table's data goes (dbt-athena's s3_data_naming) and the WITH (...) clause of an
 * Iceberg CTAS from the model's config: partitioning, parquet + zstd unless configured,
 * table_properties as Athena's own table properties.
 */
import type { NodeConfig } from '../../manifest/types.js';
import { partitionFields } from '../../materialize/batches.js';
import type { PartitionEntry } from '../../materialize/incremental.js';
import { ExecutionError } from '../../util/errors.js';
import { sqlString } from '../sql-helpers.js';
import type { DataNaming } from './profile.js';

export function dataLocation(
  dataDir: string,
  naming: DataNaming,
  schema: string,
  table: string,
  uniqueId: () => string,
): string {
  const parts: Record<DataNaming, () => string[]> = {
    unique: () => [uniqueId()],
    table: () => [table],
    table_unique: () => [table, uniqueId()],
    schema_table: () => [schema, table],
    schema_table_unique: () => [schema, table, uniqueId()],
  };
  return `${dataDir}${parts[naming]().join('/')}/`;
}

/** Is `uri` inside `folder` (both s3:// folders)? Only data under s3_data_dir is ever deleted. */
export function isInside(uri: string, folder: string): boolean {
  const slash = (text: string) => (text.endsWith('/') ? text : `${text}/`);
  return uri !== '' && slash(uri).startsWith(slash(folder)) && slash(uri) !== slash(folder);
}

const FORMATS = new Set(['PARQUET', 'ORC', 'AVRO']);
const CODECS = new Set(['NONE', 'SNAPPY', 'LZ4', 'ZSTD', 'GZIP']);

/** Partition fields in Athena's syntax, as the config writes them (`day(ts)`, `bucket(16, id)`). */
export function athenaPartitioning(spec: readonly PartitionEntry[], config: NodeConfig): string[] {
  return partitionFields(spec, config);
}

/** The WITH clause of an Iceberg CTAS at `location`. */
export function icebergWith(
  location: string,
  partitioning: readonly string[],
  config: Readonly<Record<string, unknown>>,
  model: string,
): string {
  const format = String(config.format ?? 'parquet').toUpperCase();
  if (!FORMATS.has(format))
    throw new ExecutionError(
      `Model ${model} has format '${config.format}'; Iceberg tables on Athena are parquet, orc or avro.`,
    );
  const codec = String(config.write_compression ?? 'zstd').toUpperCase();
  if (!CODECS.has(codec))
    throw new ExecutionError(
      `Model ${model} has write_compression '${config.write_compression}'; use one of ${[...CODECS].join(', ').toLowerCase()}.`,
    );
  const properties: string[] = [
    "table_type = 'ICEBERG'",
    'is_external = false',
    `location = ${sqlString(location)}`,
  ];
  if (partitioning.length > 0)
    properties.push(`partitioning = ARRAY[${partitioning.map(sqlString).join(', ')}]`);
  properties.push(`format = ${sqlString(format)}`, `write_compression = ${sqlString(codec)}`);
  const extra = config.table_properties;
  if (extra && typeof extra === 'object' && !Array.isArray(extra)) {
    for (const [name, value] of Object.entries(extra as Record<string, unknown>)) {
      if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name))
        throw new ExecutionError(`Model ${model}: table_properties key '${name}' is not a property name.`);
      properties.push(`${name} = ${typeof value === 'number' ? String(value) : sqlString(String(value))}`);
    }
  }
  return ` WITH (${properties.join(', ')})`;
}

/** Athena's query type names → Hive DDL's (ALTER TABLE takes Hive types). */
export function hiveType(type: string): string {
  const lower = type.toLowerCase();
  if (lower.startsWith('varchar')) return 'string';
  if (lower === 'integer') return 'int';
  return lower.replace(/^timestamp\(\d+\)/, 'timestamp');
}
