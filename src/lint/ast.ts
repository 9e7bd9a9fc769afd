/**
 * Facts about one statement, read from DuckDB's syntax tree: the relations it reads, its
 * CTE names, joins, aggregates, window functions, stars, subqueries, ORDER BY/LIMIT and the
 * columns of the final SELECT. Offsets are character offsets into the compiled SQL.
 */
import type { AstNode } from './parse.js';

export interface Located {
  /** compiled-SQL character offset, undefined when DuckDB recorded none */
  offset: number | undefined;
}

export interface TableRead extends Located {
  catalog: string;
  schema: string;
  name: string;
}

export interface OutputColumn extends Located {
  /** the column's name in the result (alias, else the referenced column), null for an unnamed expression */
  name: string | null;
  expression: AstNode;
}

export interface QueryFacts {
  tables: TableRead[];
  cteNames: Set<string>;
  joins: Located[];
  groupBys: Located[];
  aggregates: (Located & { name: string })[];
  windows: (Located & { name: string })[];
  stars: Located[];
  subqueries: Located[];
  orderWithoutLimit: Located[];
  /** columns of the outermost SELECT (the left-most one of a UNION) */
  output: OutputColumn[];
}

/** DuckDB's aggregate functions that a GROUP BY-free SELECT can still call (count(*) is count_star). */
const AGGREGATES = new Set([
  'count',
  'count_star',
  'sum',
  'avg',
  'mean',
  'min',
  'max',
  'any_value',
  'arg_max',
  'arg_min',
  'argmax',
  'argmin',
  'max_by',
  'min_by',
  'string_agg',
  'group_concat',
  'listagg',
  'list',
  'array_agg',
  'bool_and',
  'bool_or',
  'median',
  'mode',
  'quantile',
  'quantile_cont',
  'quantile_disc',
  'stddev',
  'stddev_pop',
  'stddev_samp',
  'variance',
  'var_pop',
  'var_samp',
  'approx_count_distinct',
  'approx_quantile',
  'first',
  'last',
  'product',
  'histogram',
  'bit_and',
  'bit_or',
  'bit_xor',
  'corr',
  'covar_pop',
  'covar_samp',
  'entropy',
  'kurtosis',
  'skewness',
  'sumkahan',
  'fsum',
]);

const QUERY_NODES = new Set(['SELECT_NODE', 'SET_OPERATION_NODE', 'CTE_NODE', 'RECURSIVE_CTE_NODE']);

export function isAggregate(name: string): boolean {
  return AGGREGATES.has(name.toLowerCase());
}

export function queryFacts(
  statement: AstNode,
  toChar: (byteOffset: number) => number | undefined,
): QueryFacts {
  const facts: QueryFacts = {
    tables: [],
    cteNames: new Set(),
    joins: [],
    groupBys: [],
    aggregates: [],
    windows: [],
    stars: [],
    subqueries: [],
    orderWithoutLimit: [],
    output: [],
  };
  const where = (node: unknown): number | undefined => firstLocation(node, toChar);

  const visit = (value: unknown, inSelectList: boolean): void => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item, inSelectList);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    const node = value as AstNode;
    const type = String(node.type ?? '');
    const klass = node.class === undefined ? undefined : String(node.class);

    if (QUERY_NODES.has(type)) {
      for (const entry of ((node.cte_map as AstNode | undefined)?.map as AstNode[] | undefined) ?? []) {
        facts.cteNames.add(String(entry.key).toLowerCase());
      }
      const modifiers = (node.modifiers as AstNode[] | undefined) ?? [];
      const order = modifiers.find((m) => m.type === 'ORDER_MODIFIER');
      if (
        order &&
        !modifiers.some((m) => m.type === 'LIMIT_MODIFIER' || m.type === 'LIMIT_PERCENT_MODIFIER')
      ) {
        facts.orderWithoutLimit.push({ offset: where(order) });
      }
      if (type === 'SELECT_NODE' && ((node.group_expressions as unknown[] | undefined)?.length ?? 0) > 0) {
        facts.groupBys.push({ offset: where(node.group_expressions) });
      }
      for (const [key, child] of Object.entries(node)) visit(child, key === 'select_list');
      return;
    }
    if (klass === undefined) {
      // a table reference
      if (type === 'BASE_TABLE') {
        facts.tables.push({
          catalog: String(node.catalog_name ?? ''),
          schema: String(node.schema_name ?? ''),
          name: String(node.table_name ?? ''),
          offset: toChar(Number(node.query_location)),
        });
      } else if (type === 'JOIN' && node.ref_type !== 'CROSS' && node.join_type !== 'CROSS') {
        facts.joins.push({ offset: toChar(Number(node.query_location)) ?? where(node.right) });
      } else if (type === 'SUBQUERY') {
        facts.subqueries.push({ offset: where(node.subquery) });
      }
    } else if (klass === 'SUBQUERY') {
      facts.subqueries.push({ offset: where(node.subquery) });
    } else if (klass === 'WINDOW') {
      facts.windows.push({ name: String(node.function_name), offset: toChar(Number(node.query_location)) });
    } else if (klass === 'FUNCTION' && isAggregate(String(node.function_name))) {
      facts.aggregates.push({
        name: String(node.function_name),
        offset: toChar(Number(node.query_location)),
      });
    } else if (klass === 'STAR' && inSelectList && node.columns !== true) {
      facts.stars.push({ offset: toChar(Number(node.query_location)) });
    }
    for (const child of Object.values(node)) visit(child, false);
  };

  const root = statement.node as AstNode;
  visit(root, false);
  facts.output = outputColumns(root, toChar);
  return facts;
}

function outputColumns(root: AstNode, toChar: (byteOffset: number) => number | undefined): OutputColumn[] {
  let node = root;
  while (node.type === 'SET_OPERATION_NODE') node = node.left as AstNode;
  const list = (node.select_list as AstNode[] | undefined) ?? [];
  return list.map((item) => ({
    name: columnName(item),
    expression: item,
    offset: firstLocation(item, toChar),
  }));
}

function columnName(item: AstNode): string | null {
  if (typeof item.alias === 'string' && item.alias !== '') return item.alias;
  if (item.class === 'COLUMN_REF') {
    const names = item.column_names as string[];
    return names[names.length - 1] ?? null;
  }
  return null;
}

/** The smallest recorded location in a subtree (an operator's own location is its operator, not its start). */
export function firstLocation(
  value: unknown,
  toChar: (byteOffset: number) => number | undefined,
): number | undefined {
  let best: number | undefined;
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const item of v) visit(item);
      return;
    }
    if (v === null || typeof v !== 'object') return;
    const node = v as AstNode;
    if (typeof node.query_location === 'number') {
      const offset = toChar(node.query_location);
      if (offset !== undefined && (best === undefined || offset < best)) best = offset;
    }
    for (const child of Object.values(node)) visit(child);
  };
  visit(value);
  return best;
}
