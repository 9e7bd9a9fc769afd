/**
 * Athena's Hive DDL for tables: `CREATE [EXTERNAL] TABLE … (cols) [COMMENT] [PARTITIONED BY]
 * [ROW FORMAT SERDE … WITH SERDEPROPERTIES | ROW FORMAT DELIMITED …] [STORED AS …] [LOCATION]
 * [TBLPROPERTIES]`. External tables become a Glue CreateTable call, exactly what Athena does
 * (SerDe, formats and table properties such as skip.header.line.count and projection.* land
 * in the Glue table, where Trino's Hive connector reads them); Iceberg tables
 * (TBLPROPERTIES 'table_type'='ICEBERG') become a Trino CREATE TABLE on the Iceberg catalog.
 */
import { Cursor, type QualifiedName } from './cursor.js';
import { keyword, quoteIdent, quoteString, SqlSyntaxError, significant, type Token } from './sql-tokens.js';

export interface HiveColumn {
  name: string;
  /** Hive type text, lower case, e.g. `string`, `decimal(12,2)`, `array<string>` */
  type: string;
  comment?: string;
}

export interface HiveTable {
  name: QualifiedName;
  external: boolean;
  ifNotExists: boolean;
  columns: HiveColumn[];
  comment?: string;
  /** Hive partition columns, or for Iceberg the partition transforms' text (`day(ts)`) */
  partitionedBy: HiveColumn[];
  serde?: string;
  serdeProperties: Record<string, string>;
  storedAs?: string;
  inputFormat?: string;
  outputFormat?: string;
  location?: string;
  tableProperties: Record<string, string>;
}

export function parseHiveCreateTable(tokens: Token[]): HiveTable {
  const c = new Cursor(significant(tokens));
  c.expect('CREATE');
  const external = c.accept('EXTERNAL');
  c.expect('TABLE');
  const ifNotExists = c.accept('IF', 'NOT', 'EXISTS');
  const table: HiveTable = {
    name: c.qualifiedName(),
    external,
    ifNotExists,
    columns: [],
    partitionedBy: [],
    serdeProperties: {},
    tableProperties: {},
  };
  if (c.peek()?.text === '(') table.columns = columnList(c);
  while (!c.atEnd()) {
    if (c.accept('COMMENT')) table.comment = c.string();
    else if (c.accept('PARTITIONED', 'BY')) table.partitionedBy = columnList(c);
    else if (c.accept('ROW', 'FORMAT', 'SERDE')) {
      table.serde = c.string();
      if (c.accept('WITH', 'SERDEPROPERTIES')) table.serdeProperties = c.properties();
    } else if (c.accept('ROW', 'FORMAT', 'DELIMITED')) delimited(c, table);
    else if (c.accept('WITH', 'SERDEPROPERTIES')) table.serdeProperties = c.properties();
    else if (c.accept('STORED', 'AS', 'INPUTFORMAT')) {
      table.inputFormat = c.string();
      c.expect('OUTPUTFORMAT');
      table.outputFormat = c.string();
    } else if (c.accept('STORED', 'AS')) table.storedAs = c.identifier().toUpperCase();
    else if (c.accept('LOCATION')) table.location = c.string();
    else if (c.accept('TBLPROPERTIES')) table.tableProperties = c.properties();
    else throw new SqlSyntaxError(`unexpected '${c.peek()?.text}' in CREATE TABLE`);
  }
  return table;
}

/** `(name type [COMMENT '…'], …)` */
export function columnList(c: Cursor): HiveColumn[] {
  const columns: HiveColumn[] = [];
  c.expectPunct('(');
  do {
    const first = c.until(['COMMENT']);
    if (first.length === 0) throw new SqlSyntaxError('empty column definition');
    const isPlainName = first[0].kind === 'word' || first[0].kind === 'quoted';
    // `name type` (Hive) or a transform such as `day(ts)` / `bucket(16, id)` (Iceberg)
    const column: HiveColumn =
      isPlainName && first.length > 1 && first[1].text !== '('
        ? { name: first[0].value.toLowerCase(), type: typeText(first.slice(1)) }
        : { name: first.map((t) => t.text).join(''), type: '' };
    if (first.length === 1) column.name = first[0].value.toLowerCase();
    if (c.accept('COMMENT')) column.comment = c.string();
    columns.push(column);
  } while (c.acceptPunct(','));
  c.expectPunct(')');
  return columns;
}

const typeText = (tokens: Token[]) =>
  tokens
    .map((t) => (t.kind === 'quoted' ? t.value : t.text))
    .join('')
    .toLowerCase();

function delimited(c: Cursor, table: HiveTable): void {
  table.serde = 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe';
  for (;;) {
    if (c.accept('FIELDS', 'TERMINATED', 'BY')) {
      const sep = c.string();
      table.serdeProperties['field.delim'] = sep;
      table.serdeProperties['serialization.format'] = sep;
      if (c.accept('ESCAPED', 'BY')) table.serdeProperties['escape.delim'] = c.string();
    } else if (c.accept('COLLECTION', 'ITEMS', 'TERMINATED', 'BY'))
      table.serdeProperties['collection.delim'] = c.string();
    else if (c.accept('MAP', 'KEYS', 'TERMINATED', 'BY')) table.serdeProperties['mapkey.delim'] = c.string();
    else if (c.accept('LINES', 'TERMINATED', 'BY')) table.serdeProperties['line.delim'] = c.string();
    else if (c.accept('NULL', 'DEFINED', 'AS'))
      table.serdeProperties['serialization.null.format'] = c.string();
    else return;
  }
}

const FORMATS: Record<string, { input: string; output: string; serde: string }> = {
  TEXTFILE: {
    input: 'org.apache.hadoop.mapred.TextInputFormat',
    output: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
    serde: 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe',
  },
  PARQUET: {
    input: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
    output: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
    serde: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
  },
  ORC: {
    input: 'org.apache.hadoop.hive.ql.io.orc.OrcInputFormat',
    output: 'org.apache.hadoop.hive.ql.io.orc.OrcOutputFormat',
    serde: 'org.apache.hadoop.hive.ql.io.orc.OrcSerde',
  },
};

export const isIcebergDdl = (table: HiveTable) =>
  Object.entries(table.tableProperties).some(
    ([k, v]) => k.toLowerCase() === 'table_type' && v.toUpperCase() === 'ICEBERG',
  );

/** The Glue CreateTable `TableInput` Athena writes for an external Hive table. */
export function glueTableInput(table: HiveTable): Record<string, unknown> {
  if (!table.location) throw new SqlSyntaxError('External tables need a LOCATION.');
  const format = FORMATS[table.storedAs ?? 'TEXTFILE'];
  if (!format && !table.inputFormat)
    throw new SqlSyntaxError(`STORED AS ${table.storedAs} is not supported here`);
  const glueColumn = (col: HiveColumn) => ({
    Name: col.name,
    Type: col.type,
    ...(col.comment !== undefined ? { Comment: col.comment } : {}),
  });
  return {
    Name: table.name.table,
    ...(table.comment !== undefined ? { Description: table.comment } : {}),
    TableType: 'EXTERNAL_TABLE',
    Parameters: { EXTERNAL: 'TRUE', ...table.tableProperties },
    PartitionKeys: table.partitionedBy.map(glueColumn),
    StorageDescriptor: {
      Columns: table.columns.map(glueColumn),
      Location: table.location,
      InputFormat: table.inputFormat ?? format.input,
      OutputFormat: table.outputFormat ?? format.output,
      Compressed: false,
      NumberOfBuckets: -1,
      SerdeInfo: {
        SerializationLibrary: table.serde ?? format?.serde ?? FORMATS.TEXTFILE.serde,
        Parameters: { ...table.serdeProperties },
      },
      StoredAsSubDirectories: false,
    },
  };
}

/** Trino's CREATE TABLE for Athena's Iceberg Hive DDL, on the given (Iceberg) catalog. */
export function icebergCreateTable(table: HiveTable, catalog: string, schema: string): string {
  const columns = [...table.columns];
  const partitioning: string[] = [];
  for (const p of table.partitionedBy) {
    // `PARTITIONED BY (col type)` declares a column too; `(col)` or `(day(ts))` only partitions
    if (p.type !== '') columns.push(p);
    partitioning.push(quoteString(p.name));
  }
  const props: string[] = [];
  if (table.location) props.push(`location = ${quoteString(table.location)}`);
  if (partitioning.length > 0) props.push(`partitioning = ARRAY[${partitioning.join(', ')}]`);
  const format = table.tableProperties.format ?? table.storedAs;
  if (format) props.push(`format = ${quoteString(format.toUpperCase())}`);
  const name = `${quoteIdent(catalog)}.${quoteIdent(table.name.schema ?? schema)}.${quoteIdent(table.name.table)}`;
  const cols = columns.map(
    (col) =>
      `${quoteIdent(col.name)} ${trinoType(col.type)}${col.comment ? ` COMMENT ${quoteString(col.comment)}` : ''}`,
  );
  return (
    `CREATE TABLE ${table.ifNotExists ? 'IF NOT EXISTS ' : ''}${name} (\n  ${cols.join(',\n  ')}\n)` +
    (table.comment ? ` COMMENT ${quoteString(table.comment)}` : '') +
    (props.length > 0 ? ` WITH (${props.join(', ')})` : '')
  );
}

const SIMPLE_TYPES: Record<string, string> = {
  string: 'varchar',
  int: 'integer',
  integer: 'integer',
  tinyint: 'tinyint',
  smallint: 'smallint',
  bigint: 'bigint',
  float: 'real',
  real: 'real',
  double: 'double',
  boolean: 'boolean',
  date: 'date',
  timestamp: 'timestamp(6)',
  binary: 'varbinary',
};

/** Hive type text → Trino type text (`array<struct<a:int>>` → `array(row("a" integer))`). */
export function trinoType(hive: string): string {
  const t = hive.trim();
  if (SIMPLE_TYPES[t]) return SIMPLE_TYPES[t];
  if (/^(decimal|char|varchar)\(/.test(t)) return t;
  const generic = /^(array|map|struct)<(.*)>$/.exec(t);
  if (!generic) throw new SqlSyntaxError(`unknown type '${hive}'`);
  const args = splitTopLevel(generic[2]);
  if (generic[1] === 'array') return `array(${trinoType(args[0])})`;
  if (generic[1] === 'map') return `map(${trinoType(args[0])}, ${trinoType(args[1])})`;
  return `row(${args
    .map((field) => {
      const colon = field.indexOf(':');
      return `${quoteIdent(field.slice(0, colon))} ${trinoType(field.slice(colon + 1))}`;
    })
    .join(', ')})`;
}

function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '<' || text[i] === '(') depth++;
    else if (text[i] === '>' || text[i] === ')') depth--;
    else if (text[i] === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

/** Exposed for the translator: is this CREATE TABLE a CTAS (an AS at the top level)? */
export function isCreateTableAs(tokens: Token[]): boolean {
  let depth = 0;
  for (const t of significant(tokens)) {
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (depth === 0 && keyword(t) === 'AS') return true;
  }
  return false;
}
