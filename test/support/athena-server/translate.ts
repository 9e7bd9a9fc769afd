/**
 * Athena SQL → what runs underneath. Athena accepts two dialects: Hive DDL (backtick names,
 * CREATE EXTERNAL TABLE with SerDes, MSCK REPAIR, …) and Trino SQL (queries, DML, CTAS with
 * Athena's own WITH properties, OPTIMIZE and VACUUM for Iceberg). Each statement becomes a plan
 * of steps: Trino statements on catalog `awsdatacatalog` (or its Iceberg twin for Iceberg
 * writes), Glue CreateTable calls for external tables, or a VACUUM. Statements not recognised
 * here are Trino SQL already and pass through unchanged.
 */
import type { QualifiedName } from './cursor.js';
import { Cursor } from './cursor.js';
import {
  columnList,
  glueTableInput,
  icebergCreateTable,
  isCreateTableAs,
  isIcebergDdl,
  parseHiveCreateTable,
  trinoType,
} from './hive-ddl.js';
import {
  backticksToQuotes,
  keyword,
  quoteIdent,
  quoteString,
  SqlSyntaxError,
  significant,
  type Token,
  tokenize,
} from './sql-tokens.js';

export const HIVE_CATALOG = 'awsdatacatalog';
export const ICEBERG_CATALOG = 'awsdatacatalog_iceberg';

export type Step =
  | { kind: 'trino'; sql: string }
  | { kind: 'glue-create-table'; database: string; input: Record<string, unknown>; ifNotExists: boolean }
  | { kind: 'vacuum'; schema: string; table: string };

export interface Plan {
  statementType: 'DDL' | 'DML' | 'UTILITY';
  substatementType: string;
  /** Athena's first result row is the column names for queries (not for SHOW/DESCRIBE/DDL) */
  header: boolean;
  steps: Step[];
}

export interface TranslateContext {
  /** QueryExecutionContext.Database, default `default` */
  schema: string;
  /** where a Hive CTAS without external_location writes: `<output location>tables/<id>/` */
  defaultCtasLocation: string;
  /** the Glue table's kind, undefined when the table does not exist */
  tableKind(schema: string, table: string): Promise<'ICEBERG' | 'HIVE' | 'VIEW' | undefined>;
  /** the Glue table's partition column names */
  partitionKeys(schema: string, table: string): Promise<string[]>;
}

export async function translate(sql: string, ctx: TranslateContext): Promise<Plan> {
  const tokens = tokenize(sql, 'trino');
  const sig = significant(tokens);
  const words = sig.slice(0, 4).map(keyword);
  const [w0, w1, w2] = words;
  const trino = (
    statementType: Plan['statementType'],
    substatementType: string,
    text: string,
    header = false,
  ): Plan => ({
    statementType,
    substatementType,
    header,
    steps: [{ kind: 'trino', sql: text }],
  });

  if (w0 === 'SELECT' || w0 === 'WITH' || w0 === 'VALUES' || w0 === 'TABLE' || sig[0]?.text === '(')
    return trino('DML', 'SELECT', sql, true);
  if (w0 === 'INSERT') return trino('DML', 'INSERT', sql);
  if (w0 === 'MERGE') return trino('DML', 'MERGE_INTO', sql);
  if (w0 === 'DELETE' || w0 === 'UPDATE') return trino('DML', w0, sql);
  if (w0 === 'EXPLAIN') return trino('UTILITY', 'EXPLAIN', sql);

  if (w0 === 'CREATE' && (w1 === 'EXTERNAL' || w1 === 'TABLE')) {
    if (w1 === 'TABLE' && isCreateTableAs(tokens)) return createTableAs(tokens, ctx);
    const table = parseHiveCreateTable(tokenize(sql, 'hive'));
    const schema = table.name.schema ?? ctx.schema;
    if (isIcebergDdl(table))
      return trino('DDL', 'CREATE_TABLE', icebergCreateTable(table, ICEBERG_CATALOG, schema));
    if (!table.external)
      throw new AthenaSqlError('Only external table creation is supported. (Service: AmazonAthena)');
    return {
      statementType: 'DDL',
      substatementType: 'CREATE_TABLE',
      header: false,
      steps: [
        {
          kind: 'glue-create-table',
          database: schema,
          input: glueTableInput(table),
          ifNotExists: table.ifNotExists,
        },
      ],
    };
  }
  if ((w0 === 'CREATE' || w0 === 'DROP') && (w1 === 'DATABASE' || w1 === 'SCHEMA')) return schemaDdl(sig, w0);
  if (w0 === 'CREATE' || (w0 === 'DROP' && w1 === 'VIEW'))
    return trino('DDL', `${w0}_${w1}`, backticksToQuotes(tokens));
  if (w0 === 'DROP' && w1 === 'TABLE') return dropTable(sig, ctx);
  if (w0 === 'ALTER' && w1 === 'TABLE') return alterTable(sig, ctx);
  if (w0 === 'MSCK' && w1 === 'REPAIR' && w2 === 'TABLE') {
    const c = new Cursor(sig.slice(3));
    const name = c.qualifiedName();
    const schema = name.schema ?? ctx.schema;
    return trino(
      'DDL',
      'MSCK_REPAIR_TABLE',
      `CALL ${HIVE_CATALOG}.system.sync_partition_metadata(${quoteString(schema)}, ${quoteString(name.table)}, 'ADD')`,
    );
  }
  if (w0 === 'OPTIMIZE') return optimize(sig, tokens, ctx);
  if (w0 === 'VACUUM') {
    const c = new Cursor(sig.slice(1));
    const name = c.qualifiedName();
    await requireIceberg(ctx, name, 'VACUUM');
    return {
      statementType: 'DML',
      substatementType: 'VACUUM',
      header: false,
      steps: [{ kind: 'vacuum', schema: name.schema ?? ctx.schema, table: name.table }],
    };
  }
  if (w0 === 'SHOW') return show(sig, tokens, ctx);
  if (w0 === 'DESCRIBE' || w0 === 'DESC') return trino('UTILITY', 'DESCRIBE', backticksToQuotes(tokens));
  return trino('DML', 'UNKNOWN', sql);
}

/** An Athena error raised by the translation itself (the query fails with this reason). */
export class AthenaSqlError extends Error {}

const fullName = (catalog: string, schema: string, table: string) =>
  `${quoteIdent(catalog)}.${quoteIdent(schema)}.${quoteIdent(table)}`;

async function catalogOf(ctx: TranslateContext, name: QualifiedName): Promise<string> {
  const kind = await ctx.tableKind(name.schema ?? ctx.schema, name.table);
  return kind === 'ICEBERG' ? ICEBERG_CATALOG : HIVE_CATALOG;
}

async function requireIceberg(ctx: TranslateContext, name: QualifiedName, what: string): Promise<void> {
  const kind = await ctx.tableKind(name.schema ?? ctx.schema, name.table);
  if (kind === undefined)
    throw new AthenaSqlError(
      `TABLE_NOT_FOUND: Table '${HIVE_CATALOG}.${name.schema ?? ctx.schema}.${name.table}' does not exist`,
    );
  if (kind !== 'ICEBERG')
    throw new AthenaSqlError(`NOT_SUPPORTED: ${what} is only supported for Iceberg tables`);
}

/** CREATE TABLE … WITH (Athena's properties) AS query → Trino CTAS on the right catalog. */
function createTableAs(tokens: Token[], ctx: TranslateContext): Plan {
  const c = new Cursor(significant(tokens));
  c.expect('CREATE', 'TABLE');
  const ifNotExists = c.accept('IF', 'NOT', 'EXISTS');
  const name = c.qualifiedName();
  const props = new Map<string, string>();
  if (c.accept('WITH')) {
    c.expectPunct('(');
    do {
      const key = c.identifier();
      c.expectPunct('=');
      props.set(
        key,
        c
          .until()
          .map((t) => t.text)
          .join(' '),
      );
    } while (c.acceptPunct(','));
    c.expectPunct(')');
  }
  const asToken = c.peek();
  if (keyword(asToken) !== 'AS')
    throw new SqlSyntaxError(`expected AS but found '${asToken?.text ?? 'end'}'`);
  const query = tokens
    .slice(tokens.indexOf(asToken!))
    .map((t) => t.text)
    .join('');
  const unquote = (v: string | undefined) =>
    v === undefined
      ? undefined
      : v
          .trim()
          .replace(/^'(.*)'$/s, '$1')
          .replace(/''/g, "'");
  const iceberg = unquote(props.get('table_type'))?.toUpperCase() === 'ICEBERG';
  const schema = name.schema ?? ctx.schema;
  const out: string[] = [];
  const extra: [string, string][] = [];
  for (const [key, value] of props) {
    if (key === 'table_type' || key === 'is_external' || key === 'write_compression') continue;
    if (key === 'format') out.push(`format = ${quoteString(unquote(value)!.toUpperCase())}`);
    else if (iceberg && (key === 'location' || key === 'partitioning' || key === 'sorted_by'))
      out.push(`${key} = ${value}`);
    else if (!iceberg && ['external_location', 'partitioned_by', 'bucketed_by', 'bucket_count'].includes(key))
      out.push(`${key} = ${value}`);
    else if (!iceberg && key === 'field_delimiter') out.push(`textfile_field_separator = ${value}`);
    else if (iceberg) extra.push([key, unquote(value)!]);
  }
  if (!iceberg && !props.has('format')) out.push(`format = 'PARQUET'`);
  if (!iceberg && !props.has('external_location'))
    out.push(`external_location = ${quoteString(ctx.defaultCtasLocation)}`);
  if (extra.length > 0)
    out.push(
      `extra_properties = MAP(ARRAY[${extra.map(([k]) => quoteString(k)).join(', ')}], ARRAY[${extra.map(([, v]) => quoteString(v)).join(', ')}])`,
    );
  const target = fullName(iceberg ? ICEBERG_CATALOG : HIVE_CATALOG, schema, name.table);
  return {
    statementType: 'DDL',
    substatementType: 'CREATE_TABLE_AS_SELECT',
    header: false,
    steps: [
      {
        kind: 'trino',
        sql: `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${target}${out.length > 0 ? ` WITH (${out.join(', ')})` : ''} ${query}`,
      },
    ],
  };
}

function schemaDdl(sig: Token[], verb: string): Plan {
  const c = new Cursor(sig.slice(2));
  const ifClause = verb === 'CREATE' ? c.accept('IF', 'NOT', 'EXISTS') : c.accept('IF', 'EXISTS');
  const name = c.identifier();
  let location: string | undefined;
  let cascade = false;
  while (!c.atEnd()) {
    if (c.accept('COMMENT')) c.string();
    else if (c.accept('LOCATION')) location = c.string();
    else if (c.accept('WITH', 'DBPROPERTIES')) c.properties();
    else if (c.accept('CASCADE')) cascade = true;
    else if (c.accept('RESTRICT')) cascade = false;
    else throw new SqlSyntaxError(`unexpected '${c.peek()?.text}'`);
  }
  const target = `${quoteIdent(HIVE_CATALOG)}.${quoteIdent(name)}`;
  const sql =
    verb === 'CREATE'
      ? `CREATE SCHEMA ${ifClause ? 'IF NOT EXISTS ' : ''}${target}${location ? ` WITH (location = ${quoteString(location)})` : ''}`
      : `DROP SCHEMA ${ifClause ? 'IF EXISTS ' : ''}${target}${cascade ? ' CASCADE' : ''}`;
  return {
    statementType: 'DDL',
    substatementType: `${verb}_DATABASE`,
    header: false,
    steps: [{ kind: 'trino', sql }],
  };
}

async function dropTable(sig: Token[], ctx: TranslateContext): Promise<Plan> {
  const c = new Cursor(sig.slice(2));
  const ifExists = c.accept('IF', 'EXISTS');
  const name = c.qualifiedName();
  const schema = name.schema ?? ctx.schema;
  const catalog = await catalogOf(ctx, name);
  const sql = `DROP TABLE ${ifExists ? 'IF EXISTS ' : ''}${fullName(catalog, schema, name.table)}`;
  return {
    statementType: 'DDL',
    substatementType: 'DROP_TABLE',
    header: false,
    steps: [{ kind: 'trino', sql }],
  };
}

async function alterTable(sig: Token[], ctx: TranslateContext): Promise<Plan> {
  const c = new Cursor(sig.slice(2));
  const name = c.qualifiedName();
  const schema = name.schema ?? ctx.schema;
  const catalog = await catalogOf(ctx, name);
  const plan = (sub: string, sql: string): Plan => ({
    statementType: 'DDL',
    substatementType: sub,
    header: false,
    steps: [{ kind: 'trino', sql }],
  });
  if (c.accept('RENAME', 'TO')) {
    const to = c.qualifiedName();
    return plan(
      'ALTER_TABLE_RENAME',
      `ALTER TABLE ${fullName(catalog, schema, name.table)} RENAME TO ${fullName(catalog, to.schema ?? schema, to.table)}`,
    );
  }
  // Athena drops a column of an Iceberg table (the adapter drops its batch-rank column)
  if (c.accept('DROP', 'COLUMN')) {
    return plan(
      'ALTER_TABLE_DROP_COLUMN',
      `ALTER TABLE ${fullName(catalog, schema, name.table)} DROP COLUMN ${quoteIdent(c.identifier())}`,
    );
  }
  if (c.accept('ADD', 'COLUMNS')) {
    const steps: Step[] = columnList(c).map((col) => ({
      kind: 'trino',
      sql:
        `ALTER TABLE ${fullName(catalog, schema, name.table)} ADD COLUMN ${quoteIdent(col.name)} ${trinoType(col.type)}` +
        (col.comment ? ` COMMENT ${quoteString(col.comment)}` : ''),
    }));
    return { statementType: 'DDL', substatementType: 'ALTER_TABLE_ADD_COLUMNS', header: false, steps };
  }
  if (c.accept('ADD')) {
    c.accept('IF', 'NOT', 'EXISTS');
    const steps: Step[] = [];
    while (c.accept('PARTITION')) {
      const spec = partitionSpec(c);
      const location = c.accept('LOCATION') ? c.string() : undefined;
      const keys = Object.keys(spec);
      steps.push({
        kind: 'trino',
        sql:
          `CALL ${HIVE_CATALOG}.system.register_partition(${quoteString(schema)}, ${quoteString(name.table)}, ` +
          `ARRAY[${keys.map(quoteString).join(', ')}], ARRAY[${keys.map((k) => quoteString(spec[k])).join(', ')}]` +
          `${location ? `, ${quoteString(location)}` : ''})`,
      });
    }
    if (steps.length > 0)
      return { statementType: 'DDL', substatementType: 'ALTER_TABLE_ADD_PARTITION', header: false, steps };
  }
  throw new AthenaSqlError(`NOT_SUPPORTED: this ALTER TABLE form is not supported by the local Athena stack`);
}

/** `(k = 'v', k2 = 'v2')` of a Hive PARTITION clause. */
function partitionSpec(c: Cursor): Record<string, string> {
  const out: Record<string, string> = {};
  c.expectPunct('(');
  do {
    const key = c.identifier();
    c.expectPunct('=');
    const value = c.next();
    out[key] = value.value;
  } while (c.acceptPunct(','));
  c.expectPunct(')');
  return out;
}

async function optimize(sig: Token[], tokens: Token[], ctx: TranslateContext): Promise<Plan> {
  const c = new Cursor(sig.slice(1));
  const name = c.qualifiedName();
  c.expect('REWRITE', 'DATA', 'USING', 'BIN_PACK');
  await requireIceberg(ctx, name, 'OPTIMIZE');
  const whereToken = c.accept('WHERE') ? c.tokens[c.pos - 1] : undefined;
  const where = whereToken
    ? tokens
        .slice(tokens.indexOf(whereToken))
        .map((t) => t.text)
        .join('')
    : '';
  const sql =
    `ALTER TABLE ${fullName(ICEBERG_CATALOG, name.schema ?? ctx.schema, name.table)} EXECUTE optimize ${where}`.trim();
  return {
    statementType: 'DML',
    substatementType: 'OPTIMIZE',
    header: false,
    steps: [{ kind: 'trino', sql }],
  };
}

async function show(sig: Token[], tokens: Token[], ctx: TranslateContext): Promise<Plan> {
  const [, w1] = sig.slice(0, 2).map(keyword);
  const utility = (sql: string): Plan => ({
    statementType: 'UTILITY',
    substatementType: `SHOW_${w1}`,
    header: false,
    steps: [{ kind: 'trino', sql }],
  });
  if (w1 === 'DATABASES' || w1 === 'SCHEMAS') return utility(`SHOW SCHEMAS FROM ${HIVE_CATALOG}`);
  if (w1 === 'PARTITIONS') {
    const c = new Cursor(sig.slice(2));
    const name = c.qualifiedName();
    const schema = name.schema ?? ctx.schema;
    const keys = await ctx.partitionKeys(schema, name.table);
    if (keys.length === 0) throw new AthenaSqlError(`Table ${name.table} is not partitioned`);
    const parts = keys
      .map((k) => `${quoteString(`${k}=`)}, CAST(${quoteIdent(k)} AS varchar)`)
      .join(`, '/', `);
    return utility(
      `SELECT concat(${parts}) FROM ${fullName(HIVE_CATALOG, schema, `${name.table}$partitions`)} ORDER BY 1`,
    );
  }
  return utility(backticksToQuotes(tokens));
}
