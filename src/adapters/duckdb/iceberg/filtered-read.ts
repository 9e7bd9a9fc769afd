/**
 * Scan planning for DuckDB queries over Iceberg tables. DuckDB skips files before opening them
 * only on hive-partition columns, so a filter on `sales_at` of a `day(sales_at)` table would
 * open every file. mdw knows the tables' manifests: it reads the query with DuckDB's own parser
 * (`json_serialize_sql`), takes the comparisons of a column with a constant that every row of
 * a table must pass (the WHERE's top-level AND), plans that table's files with them
 * (`lakehouse/iceberg/prune.ts`), and points the reference at a temporary view over the files
 * that may match. The WHERE still filters the rows, so dropping files that cannot hold a
 * matching row changes no result.
 */
import type { ColumnFilter } from '../../../lakehouse/iceberg/prune.js';
import { fileMayMatch } from '../../../lakehouse/iceberg/prune.js';
import type { IcebergTable, LiveDataFile } from '../../../lakehouse/iceberg/table.js';
import type { ComparisonOp } from '../../../lakehouse/iceberg/transforms.js';
import { ConfigError } from '../../../util/errors.js';
import { sqlString } from '../../sql-helpers.js';
import type { PrunedRead } from '../../types.js';
import { readLiveFilesSql, scanLiveSql } from './delete-scan.js';

/** What the rewrite needs from the engine: run SQL, find an Iceberg table by name. */
export interface FilteredReadContext {
  query(sql: string): Promise<{ rows: unknown[][] }>;
  /**
   * The table when `schema.table` (in `catalog`, '' for the default one) is Iceberg and its
   * view reads the table's current snapshot (else a rewrite could read other files than the view)
   */
  icebergTable(catalog: string, schema: string, table: string): Promise<IcebergTable | undefined>;
}

type Node = Record<string, unknown>;

/** A filter found in the query, and how its constant was written (a number, text, a cast). */
interface FoundFilter {
  filter: ColumnFilter;
  kind: 'number' | 'text' | 'cast';
}

interface TableRef {
  node: Node;
  catalog: string;
  schema: string;
  table: string;
  alias: string;
}

/** Column types a literal's text reads the same in DuckDB and in mdw's value parser. */
const PRUNABLE_TYPES = new Set(['int', 'long', 'date', 'timestamp', 'string']);

const COMPARISONS: Record<string, { op: ComparisonOp; flipped: ComparisonOp }> = {
  COMPARE_EQUAL: { op: '=', flipped: '=' },
  COMPARE_LESSTHAN: { op: '<', flipped: '>' },
  COMPARE_LESSTHANOREQUALTO: { op: '<=', flipped: '>=' },
  COMPARE_GREATERTHAN: { op: '>', flipped: '<' },
  COMPARE_GREATERTHANOREQUALTO: { op: '>=', flipped: '<=' },
};

/**
 * The query with each filtered Iceberg table reference replaced by a view over the files that
 * may match, and what was planned; the query unchanged when nothing prunes.
 */
export async function pruneReads(
  ctx: FilteredReadContext,
  sql: string,
): Promise<{ sql: string; reads: PrunedRead[] }> {
  if (!/\bwhere\b/i.test(sql)) return { sql, reads: [] }; // no filter: nothing to plan, no parse
  const parsed = await parse(ctx, sql);
  if (!parsed) return { sql, reads: [] };
  const bytes = Buffer.from(sql, 'utf8');
  const splices: { start: number; end: number; text: string }[] = [];
  const reads: PrunedRead[] = [];
  for (const select of selectNodes(parsed)) {
    const refs = tablesOf(select.from_table as Node | null);
    // `schema.table.column` would not bind to the renamed reference
    if (!refs || hasLongColumnRef(select)) continue;
    const conjuncts = conjunctsOf(select.where_clause as Node | null);
    for (const ref of refs) {
      if (ref.schema === '') continue; // an unqualified name may be a CTE
      const filters = conjuncts.flatMap((c) => filtersOn(c, ref, refs.length === 1));
      if (filters.length === 0) continue;
      const span = referenceSpan(bytes, ref);
      if (!span) continue;
      const table = await ctx.icebergTable(ref.catalog, ref.schema, ref.table);
      if (!table) continue;
      const planned = plan(table, filters);
      if (!planned) continue;
      const view = `mdw_pruned_${reads.length + 1}`;
      await ctx.query(
        `create or replace temp view ${quote(view)} as ${readLiveFilesSql(table, planned.files, table.schema())}`,
      );
      // without an alias the view keeps the table's name, so `ft_sales.col` still binds
      const alias = ref.alias === '' ? ` AS ${quote(ref.table)}` : '';
      splices.push({ ...span, text: `temp.main.${quote(view)}${alias}` });
      reads.push({
        relation: `${ref.schema}.${ref.table}`,
        filters: planned.used.map(filterText),
        filesRead: planned.files.length,
        filesTotal: planned.total,
      });
    }
  }
  if (splices.length === 0) return { sql, reads };
  return { sql: splice(bytes, splices), reads };
}

/**
 * Does the table's view (`namespace.name` in the current database) read the table's current
 * snapshot? DuckDB renders a view's SQL its own way, so the view's text is compared with
 * DuckDB's rendering of the snapshot's read.
 */
export async function viewReadsSnapshot(
  ctx: Pick<FilteredReadContext, 'query'>,
  table: IcebergTable,
): Promise<boolean> {
  await ctx.query(`create or replace temp view mdw_pruned_check as ${scanLiveSql(table)}`);
  const views = await ctx.query(
    `select temporary, sql from duckdb_views() where (temporary and view_name = 'mdw_pruned_check') or (database_name = current_database() and schema_name = ${sqlString(table.namespace)} and view_name = ${sqlString(table.name)})`,
  );
  await ctx.query('drop view if exists temp.main.mdw_pruned_check');
  const body = (temporary: boolean) =>
    String(views.rows.find((row) => row[0] === temporary)?.[1] ?? '').replace(
      /^CREATE (TEMP )?VIEW .+? AS /s,
      '',
    );
  return body(false) !== '' && body(false) === body(true);
}

async function parse(ctx: FilteredReadContext, sql: string): Promise<Node | undefined> {
  const result = await ctx.query(`select json_serialize_sql(${sqlString(sql)})`);
  const tree = JSON.parse(String(result.rows[0]?.[0] ?? '{}')) as Node;
  const statements = tree.statements as Node[] | undefined;
  // one statement that DuckDB parsed; anything else runs as written
  if (tree.error || !statements || statements.length !== 1) return undefined;
  return statements[0];
}

/** Every SELECT in the tree: the query's, its CTEs', subqueries', set operations' branches. */
function selectNodes(value: unknown, found: Node[] = []): Node[] {
  if (Array.isArray(value)) {
    for (const item of value) selectNodes(item, found);
  } else if (value && typeof value === 'object') {
    const node = value as Node;
    if (node.type === 'SELECT_NODE') found.push(node);
    for (const child of Object.values(node)) selectNodes(child, found);
  }
  return found;
}

/**
 * The base tables a WHERE applies to row by row: the FROM's tables through plain and cross
 * joins. Undefined when a join pairs rows by position or nearest key (ASOF, POSITIONAL): there
 * dropping rows of one side changes which rows the other side pairs with.
 */
function tablesOf(from: Node | null): TableRef[] | undefined {
  if (!from) return undefined;
  if (from.type === 'BASE_TABLE') {
    if (from.sample || from.at_clause) return [];
    return [
      {
        node: from,
        catalog: String(from.catalog_name ?? ''),
        schema: String(from.schema_name ?? ''),
        table: String(from.table_name ?? ''),
        alias: String(from.alias ?? ''),
      },
    ];
  }
  if (from.type === 'JOIN') {
    if (from.ref_type !== 'REGULAR' && from.ref_type !== 'CROSS' && from.ref_type !== 'NATURAL')
      return undefined;
    const left = tablesOf(from.left as Node);
    const right = tablesOf(from.right as Node);
    return left && right ? [...left, ...right] : undefined;
  }
  return []; // a subquery or table function: its own SELECTs are visited on their own
}

function hasLongColumnRef(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasLongColumnRef);
  if (!value || typeof value !== 'object') return false;
  const node = value as Node;
  if (node.type === 'COLUMN_REF' && (node.column_names as string[]).length > 2) return true;
  return Object.values(node).some(hasLongColumnRef);
}

function conjunctsOf(where: Node | null): Node[] {
  if (!where) return [];
  if (where.type === 'CONJUNCTION_AND') return (where.children as Node[]).flatMap(conjunctsOf);
  return [where];
}

/** The filters a conjunct puts on `ref`'s columns (`col op constant`, `col between a and b`). */
function filtersOn(conjunct: Node, ref: TableRef, onlyTable: boolean): FoundFilter[] {
  if (conjunct.type === 'COMPARE_BETWEEN') {
    const column = columnOf(conjunct.input as Node, ref, onlyTable);
    const lower = literalOf(conjunct.lower as Node);
    const upper = literalOf(conjunct.upper as Node);
    if (column === undefined || lower === undefined || upper === undefined) return [];
    return [
      { filter: { column, op: '>=', literal: lower.text }, kind: lower.kind },
      { filter: { column, op: '<=', literal: upper.text }, kind: upper.kind },
    ];
  }
  const comparison = COMPARISONS[String(conjunct.type)];
  if (!comparison || conjunct.class !== 'COMPARISON') return [];
  const left = conjunct.left as Node;
  const right = conjunct.right as Node;
  const forward = [columnOf(left, ref, onlyTable), literalOf(right)] as const;
  if (forward[0] !== undefined && forward[1] !== undefined)
    return [
      { filter: { column: forward[0], op: comparison.op, literal: forward[1].text }, kind: forward[1].kind },
    ];
  const backward = [columnOf(right, ref, onlyTable), literalOf(left)] as const;
  if (backward[0] !== undefined && backward[1] !== undefined)
    return [
      {
        filter: { column: backward[0], op: comparison.flipped, literal: backward[1].text },
        kind: backward[1].kind,
      },
    ];
  return [];
}

/** The column of `ref` an expression names: `t.col` by alias or table name, `col` when alone. */
function columnOf(expr: Node, ref: TableRef, onlyTable: boolean): string | undefined {
  if (expr.type !== 'COLUMN_REF') return undefined;
  const names = expr.column_names as string[];
  if (names.length === 1) return onlyTable ? names[0] : undefined;
  if (names.length !== 2) return undefined;
  const qualifier = (ref.alias || ref.table).toLowerCase();
  return names[0]!.toLowerCase() === qualifier ? names[1] : undefined;
}

/** The text of a constant: a quoted string or number, possibly cast to a date or timestamp. */
function literalOf(expr: Node): { text: string; kind: FoundFilter['kind'] } | undefined {
  let node = expr;
  const cast = node.type === 'OPERATOR_CAST';
  if (cast) {
    const target = (node.cast_type as Node).id;
    if (node.try_cast || !['DATE', 'TIMESTAMP', 'VARCHAR'].includes(String(target))) return undefined;
    node = node.child as Node;
  }
  if (node.type !== 'VALUE_CONSTANT') return undefined;
  const value = node.value as Node;
  if (value.is_null) return undefined;
  const type = String((value.type as Node).id);
  const numeric = ['INTEGER', 'BIGINT'].includes(type);
  if (!numeric && type !== 'VARCHAR') return undefined;
  return { text: String(value.value), kind: cast ? 'cast' : numeric ? 'number' : 'text' };
}

/** The files the filters leave, and the filters that apply; undefined when none prunes a file. */
function plan(
  table: IcebergTable,
  filters: readonly FoundFilter[],
): { files: LiveDataFile[]; used: ColumnFilter[]; total: number } | undefined {
  const used: ColumnFilter[] = [];
  const tests: ((file: LiveDataFile) => boolean)[] = [];
  const types = new Map(table.schema().fields.map((f) => [f.name.toLowerCase(), f.type]));
  for (const { filter, kind } of filters) {
    const type = types.get(filter.column.toLowerCase());
    if (typeof type !== 'string' || !PRUNABLE_TYPES.has(type)) continue;
    // DuckDB compares a string column with a number or a cast value by converting the column
    if (type === 'string' && kind !== 'text') continue;
    try {
      tests.push(fileMayMatch(table, filter));
      used.push(filter);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      // a literal mdw cannot read as the column's type: DuckDB alone applies that filter
    }
  }
  if (tests.length === 0) return undefined; // no filter mdw can plan: the manifests stay unread
  const all = table.dataFiles();
  const files = all.filter((file) => tests.every((mayMatch) => mayMatch(file)));
  return files.length < all.length ? { files, used, total: all.length } : undefined;
}

const IDENT = `(?:"(?:[^"]|"")*"|[A-Za-z_][A-Za-z0-9_$]*)`;
const REFERENCE = new RegExp(String.raw`^${IDENT}(?:\s*\.\s*${IDENT}){0,2}`);

/**
 * The bytes of the reference as written (`"mdw"."cur"."t"`, `cur.t`), found at the parser's
 * location and checked against the parsed names; undefined when they do not agree.
 */
function referenceSpan(bytes: Buffer, ref: TableRef): { start: number; end: number } | undefined {
  const start = Number(ref.node.query_location);
  if (!Number.isSafeInteger(start) || start < 0 || start >= bytes.length) return undefined;
  const rest = bytes.subarray(start).toString('utf8');
  const match = REFERENCE.exec(rest);
  if (!match) return undefined;
  const parts = [...match[0].matchAll(new RegExp(IDENT, 'g'))].map((m) =>
    m[0].startsWith('"') ? m[0].slice(1, -1).replace(/""/g, '"') : m[0],
  );
  const expected = [ref.catalog, ref.schema, ref.table].filter((p) => p !== '');
  if (parts.length !== expected.length) return undefined;
  if (parts.some((part, i) => part.toLowerCase() !== expected[i]!.toLowerCase())) return undefined;
  return { start, end: start + Buffer.byteLength(match[0], 'utf8') };
}

function splice(bytes: Buffer, splices: { start: number; end: number; text: string }[]): string {
  const pieces: Buffer[] = [];
  let at = 0;
  for (const s of [...splices].sort((a, b) => a.start - b.start)) {
    pieces.push(bytes.subarray(at, s.start), Buffer.from(s.text, 'utf8'));
    at = s.end;
  }
  pieces.push(bytes.subarray(at));
  return Buffer.concat(pieces).toString('utf8');
}

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function filterText(filter: ColumnFilter): string {
  const literal = /^-?\d+$/.test(filter.literal) ? filter.literal : sqlString(filter.literal);
  return `${filter.column} ${filter.op} ${literal}`;
}
