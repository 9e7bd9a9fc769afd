/**
 * The raw layer's external tables, generated from one source of truth: the sources' YAML
 * (`external.s3_location`, `row_format`, `serde_properties`, `table_properties`, `partitions`).
 *
 * Two steps, both pure: manifest sources → engine-neutral definitions (what the CDK catalog
 * stack turns into Glue tables) → Athena `CREATE EXTERNAL TABLE` text (the spec's
 * scripts/database/*.sql and, later, the Athena target). Locations keep the raw prefix as the
 * placeholder `${raw_s3_uri}` so each consumer fills in its own bucket.
 */

import type { SourceDefinition } from '../../manifest/types.js';
import { ConfigError } from '../../util/errors.js';

/**
 * Passed as var `raw_s3_uri` when loading the project; replaced by each consumer. Written in
 * the `${...}` style of Athena's own storage.location.template.
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a literal placeholder, not a template
export const RAW_S3_URI_PLACEHOLDER = '${raw_s3_uri}';

/** Hive text storage: what Glue needs for a CSV table (Athena's `STORED AS TEXTFILE`). */
const TEXT_INPUT_FORMAT = 'org.apache.hadoop.mapred.TextInputFormat';
const TEXT_OUTPUT_FORMAT = 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat';

export interface RawColumn {
  name: string;
  /** always `string`: the raw layer reads text, staging casts */
  type: 'string';
  comment: string;
}

export interface RawTableDefinition {
  /** Glue database (the source's schema, e.g. mdw_raw) */
  database: string;
  name: string;
  comment: string;
  columns: RawColumn[];
  partitionKeys: RawColumn[];
  /** table folder, starting with RAW_S3_URI_PLACEHOLDER */
  location: string;
  inputFormat: string;
  outputFormat: string;
  serde: { library: string; parameters: Record<string, string> };
  /** skip.header.line.count, projection.* (placeholder in storage.location.template) */
  tableProperties: Record<string, string>;
  /** where the definition came from, for error messages and generated headers */
  origin: string;
}

/**
 * Definitions for every source table that declares `external.s3_location`, sorted by
 * database then name. The manifest must have been loaded with var raw_s3_uri set to
 * RAW_S3_URI_PLACEHOLDER.
 */
export function rawTableDefinitions(sources: Record<string, SourceDefinition>): RawTableDefinition[] {
  return Object.values(sources)
    .filter((source) => source.external?.s3_location !== undefined)
    .map(rawTableDefinition)
    .sort((a, b) => a.database.localeCompare(b.database) || a.name.localeCompare(b.name));
}

function rawTableDefinition(source: SourceDefinition): RawTableDefinition {
  const origin = `${source.original_file_path} (source ${source.source_name}.${source.name})`;
  const external = source.external ?? {};
  const location = requireString(external.s3_location, 's3_location', origin);
  if (!location.startsWith(RAW_S3_URI_PLACEHOLDER)) {
    throw new ConfigError(
      `${origin}: external.s3_location must start with var('raw_s3_uri') so each deployment can set its bucket (got '${location}').`,
    );
  }
  const columns = Object.values(source.columns).map((column) =>
    stringColumn(column.name, column.data_type, column.description, origin),
  );
  if (columns.length === 0) throw new ConfigError(`${origin}: an external table needs its columns listed.`);
  const partitionKeys = partitionColumns(external.partitions, origin);
  const tableProperties = stringRecord(external.table_properties, 'table_properties', origin);
  for (const key of partitionKeys) requireProjection(key.name, tableProperties, origin);
  return {
    database: source.schema,
    name: source.identifier,
    comment: source.description.trim(),
    columns,
    partitionKeys,
    location,
    inputFormat: TEXT_INPUT_FORMAT,
    outputFormat: TEXT_OUTPUT_FORMAT,
    serde: {
      library: serdeLibrary(external.row_format, origin),
      parameters: stringRecord(external.serde_properties, 'serde_properties', origin),
    },
    tableProperties,
    origin,
  };
}

function stringColumn(name: string, dataType: unknown, description: string, origin: string): RawColumn {
  if (dataType !== undefined && dataType !== null && String(dataType).toLowerCase() !== 'string') {
    throw new ConfigError(
      `${origin}: column '${name}' has data_type '${dataType}'; raw CSV columns are read as string (cast in staging).`,
    );
  }
  return { name, type: 'string', comment: (description ?? '').trim() };
}

function partitionColumns(value: unknown, origin: string): RawColumn[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ConfigError(`${origin}: external.partitions must be a list.`);
  return value.map((entry) => {
    const partition = (entry ?? {}) as Record<string, unknown>;
    const name = requireString(partition.name, 'partitions[].name', origin);
    return stringColumn(name, partition.data_type, String(partition.description ?? ''), origin);
  });
}

/** Partition projection means no MSCK REPAIR / crawler is ever needed for new days. */
function requireProjection(key: string, properties: Record<string, string>, origin: string): void {
  const missing = ['projection.enabled', `projection.${key}.type`, 'storage.location.template'].filter(
    (name) => properties[name] === undefined,
  );
  if (missing.length > 0) {
    throw new ConfigError(
      `${origin}: partition '${key}' needs partition projection; add table_properties ${missing.join(', ')}.`,
    );
  }
}

/** `serde 'org.apache.hadoop.hive.serde2.OpenCSVSerde'` → the class name. */
function serdeLibrary(value: unknown, origin: string): string {
  const text = requireString(value, 'row_format', origin);
  const match = /^\s*serde\s+'([^']+)'\s*$/i.exec(text);
  if (!match) {
    throw new ConfigError(`${origin}: external.row_format must read serde '<class>' (got '${text}').`);
  }
  return match[1]!;
}

function requireString(value: unknown, key: string, origin: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ConfigError(`${origin}: external.${key} must be a non-empty string.`);
  }
  return value.trim();
}

function stringRecord(value: unknown, key: string, origin: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError(`${origin}: external.${key} must be a mapping.`);
  }
  return Object.fromEntries(Object.entries(value).map(([name, entry]) => [name, String(entry)]));
}

/** Replaces the raw prefix placeholder in a definition's location and table properties. */
export function withRawS3Uri(definition: RawTableDefinition, rawS3Uri: string): RawTableDefinition {
  const prefix = rawS3Uri.replace(/\/+$/, '');
  const fill = (text: string) => text.replaceAll(RAW_S3_URI_PLACEHOLDER, prefix);
  return {
    ...definition,
    location: fill(definition.location),
    tableProperties: Object.fromEntries(
      Object.entries(definition.tableProperties).map(([name, value]) => [name, fill(value)]),
    ),
  };
}

/** Athena (Hive DDL) text for one definition, with the raw prefix filled in. */
export function athenaCreateTable(definition: RawTableDefinition, rawS3Uri: string): string {
  const table = withRawS3Uri(definition, rawS3Uri);
  const lines = [
    `create external table if not exists ${quoteIdentifier(table.database)}.${quoteIdentifier(table.name)} (`,
    table.columns.map((column) => `    ${columnDdl(column)}`).join(',\n'),
    ')',
  ];
  if (table.comment) lines.push(`comment ${quoteString(table.comment)}`);
  if (table.partitionKeys.length > 0) {
    lines.push(`partitioned by (${table.partitionKeys.map(columnDdl).join(', ')})`);
  }
  lines.push(`row format serde ${quoteString(table.serde.library)}`);
  if (Object.keys(table.serde.parameters).length > 0) {
    lines.push(`with serdeproperties (\n${propertyList(table.serde.parameters)}\n)`);
  }
  lines.push('stored as textfile', `location ${quoteString(table.location)}`);
  if (Object.keys(table.tableProperties).length > 0) {
    lines.push(`tblproperties (\n${propertyList(table.tableProperties)}\n)`);
  }
  return `${lines.join('\n')};\n`;
}

function columnDdl(column: RawColumn): string {
  const comment = column.comment ? ` comment ${quoteString(column.comment)}` : '';
  return `${quoteIdentifier(column.name)} ${column.type}${comment}`;
}

function propertyList(properties: Record<string, string>): string {
  return Object.entries(properties)
    .map(([name, value]) => `    ${quoteString(name)} = ${quoteString(value)}`)
    .join(',\n');
}

/** Hive DDL identifiers: backticks (needed for reserved words such as `partition`). */
function quoteIdentifier(name: string): string {
  return '`' + name.replaceAll('`', '``') + '`';
}

/** Hive DDL string literals escape backslash and quote with a backslash. */
function quoteString(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}
