/**
 * The WITH (...) clause of an Iceberg table on Trino, from the model's config. dbt-trino's
 * `properties` (raw SQL values) and `partition_by` come first; Athena's configs
 * (`partitioned_by`, `format`, `write_compression`, `table_properties`) are honoured too, so a
 * project written for dbt-athena keeps its layout on Trino instead of silently losing it.
 */
import type { NodeConfig } from '../../manifest/types.js';
import { partitionFields } from '../../materialize/batches.js';
import type { PartitionEntry } from '../../materialize/incremental.js';
import { ExecutionError } from '../../util/errors.js';
import { sqlString } from '../sql-helpers.js';

const FORMATS = new Set(['PARQUET', 'ORC', 'AVRO']);
/** Trino's Iceberg compression codecs (write_compression values are matched case-insensitively) */
const CODECS = new Set(['NONE', 'SNAPPY', 'LZ4', 'ZSTD', 'GZIP']);
/** Transforms whose size argument Athena writes first and Trino writes last. */
const SIZED_TRANSFORMS = /^(bucket|truncate)\s*\(\s*(\d+)\s*,\s*([^)]+?)\s*\)$/i;

/** The partition columns/transforms in Trino's syntax, e.g. `day(order_ts)`, `bucket(id, 16)`. */
export function partitioning(spec: readonly PartitionEntry[], config: NodeConfig): string[] {
  return partitionFields(spec, config).map((entry) => {
    const sized = SIZED_TRANSFORMS.exec(entry);
    return sized ? `${sized[1]!.toLowerCase()}(${sized[3]}, ${sized[2]})` : entry;
  });
}

export interface TableLayout {
  /** `WITH (...)` for CREATE TABLE, or '' when nothing is configured */
  withClause: string;
  /** catalog session properties for the write (Trino has no table property for the codec) */
  sessionProperties: Record<string, string>;
}

export function tableLayout(
  spec: readonly PartitionEntry[],
  config: NodeConfig,
  model: string,
  catalog: string,
): TableLayout {
  const sessionProperties: Record<string, string> = {};
  const properties = new Map<string, string>();
  const raw = config.properties;
  if (raw && typeof raw === 'object' && !Array.isArray(raw)) {
    // dbt-trino: values are SQL already, e.g. format: "'PARQUET'"
    for (const [name, value] of Object.entries(raw as Record<string, unknown>))
      properties.set(name.toLowerCase(), String(value));
  }
  const partitions = partitioning(spec, config);
  if (partitions.length > 0 && !properties.has('partitioning'))
    properties.set('partitioning', `ARRAY[${partitions.map(sqlString).join(', ')}]`);

  if (typeof config.format === 'string' && config.format !== '' && !properties.has('format')) {
    const format = config.format.toUpperCase();
    if (!FORMATS.has(format))
      throw new ExecutionError(
        `Model ${model} has format '${config.format}'; Iceberg tables on Trino are parquet, orc or avro.`,
      );
    properties.set('format', sqlString(format));
  }
  if (typeof config.write_compression === 'string' && config.write_compression !== '') {
    const codec = config.write_compression.toUpperCase();
    if (!CODECS.has(codec))
      throw new ExecutionError(
        `Model ${model} has write_compression '${config.write_compression}'; use one of ${[...CODECS].join(', ').toLowerCase()}.`,
      );
    sessionProperties[`${catalog}.compression_codec`] = codec;
  }
  const extra = config.table_properties;
  if (extra && typeof extra === 'object' && !Array.isArray(extra)) {
    const pairs = Object.entries(extra as Record<string, unknown>);
    if (pairs.length > 0 && !properties.has('extra_properties')) {
      const keys = pairs.map(([name]) => sqlString(name)).join(', ');
      const values = pairs.map(([, value]) => sqlString(String(value))).join(', ');
      properties.set('extra_properties', `MAP(ARRAY[${keys}], ARRAY[${values}])`);
    }
  }
  const withClause =
    properties.size === 0
      ? ''
      : ` WITH (${[...properties].map(([name, value]) => `${name} = ${value}`).join(', ')})`;
  return { withClause, sessionProperties };
}
