/**
 * `incremental`: the first run (or a full refresh) builds a table; later runs stage the new rows
 * once in a connection-local temp table, reconcile the schema, and apply the strategy in one
 * transaction.
 */

import type { NodeConfig } from '../../../project/types.js';
import { ExecutionError } from '../../../util/errors.js';
import {
  asSubquery,
  columnReference,
  isPlainIdentifier,
  qualifiedColumn,
  quoteIdentifier,
  sqlString,
  toNameList,
} from '../../sql-helpers.js';
import type { Connection, MaterializeRequest, MaterializeResult, Relation } from '../../types.js';
import { findRelation, listColumns } from '../catalog.js';
import { inTransaction } from '../connection.js';
import { DuckDbRelation } from '../relation.js';
import type { BuildContext } from './context.js';
import { reconcileSchema, SCHEMA_CHANGE_MODES, type SchemaChangeMode } from './schema-change.js';
import { buildTable } from './table.js';

export const INCREMENTAL_STRATEGIES = ['append', 'delete+insert', 'merge', 'insert_overwrite'] as const;
export type Strategy = (typeof INCREMENTAL_STRATEGIES)[number];

const DEST = 'DBT_INTERNAL_DEST';
const SOURCE = 'DBT_INTERNAL_SOURCE';

export async function buildIncremental(
  conn: Connection,
  ctx: BuildContext,
  request: MaterializeRequest,
): Promise<MaterializeResult> {
  const { node, relation: target, sql } = request;
  const config = node.config;
  const existing = await findRelation(conn, target.database, target.schema, target.identifier);
  // config.full_refresh pins the behaviour either way; otherwise the --full-refresh flag decides.
  const fullRefresh = typeof config.full_refresh === 'boolean' ? config.full_refresh : request.fullRefresh;
  if (!existing || existing.type === 'view' || fullRefresh) return buildTable(conn, ctx, target, sql);

  const strategy = resolveStrategy(config, node.name);
  const mode = resolveSchemaChangeMode(config, node.name, ctx);
  const staged = new DuckDbRelation('temp', 'main', `${target.identifier}__mdw_new`, 'table');
  await conn.query(`create or replace temp table ${staged.render()} as ${asSubquery(sql)}`);
  try {
    const sourceColumns = await listColumns(conn, staged);
    const targetColumns = await listColumns(conn, target);
    const written = await inTransaction(conn, async () => {
      const columns = await reconcileSchema(conn, mode, target, sourceColumns, targetColumns, node.name);
      return applyStrategy(conn, strategy, { target, staged, columns, config });
    });
    return { rowsAffected: written, message: `${strategy === 'merge' ? 'MERGE' : 'INSERT'} ${written}` };
  } finally {
    await conn.query(`drop table if exists ${staged.render()}`).catch(() => {});
  }
}

/** dbt-duckdb's default is delete+insert, which without a unique_key is a plain append. */
export function resolveStrategy(config: NodeConfig, modelName: string): Strategy {
  const configured = config.incremental_strategy;
  if (configured === null || configured === undefined || configured === '') return 'delete+insert';
  const strategy = String(configured).toLowerCase();
  if ((INCREMENTAL_STRATEGIES as readonly string[]).includes(strategy)) return strategy as Strategy;
  throw new ExecutionError(
    `Model ${modelName} has incremental_strategy '${configured}', which DuckDB does not support; ` +
      `use one of: ${INCREMENTAL_STRATEGIES.join(', ')}.`,
  );
}

export function resolveSchemaChangeMode(
  config: NodeConfig,
  modelName: string,
  ctx: BuildContext,
): SchemaChangeMode {
  const configured = config.on_schema_change;
  if (configured === null || configured === undefined || configured === '') return 'ignore';
  if ((SCHEMA_CHANGE_MODES as readonly string[]).includes(configured)) return configured as SchemaChangeMode;
  ctx.warn(`Model ${modelName}: invalid on_schema_change '${configured}'; using 'ignore'.`);
  return 'ignore';
}

export interface StrategyInput {
  target: Relation;
  staged: Relation;
  /** target columns to write (already reconciled) */
  columns: string[];
  config: NodeConfig;
}

export async function applyStrategy(
  conn: Connection,
  strategy: Strategy,
  input: StrategyInput,
): Promise<number> {
  switch (strategy) {
    case 'append':
      return insertAll(conn, input);
    case 'delete+insert':
      return deleteInsert(conn, input);
    case 'merge':
      return merge(conn, input);
    case 'insert_overwrite':
      return insertOverwrite(conn, input);
  }
}

async function insertAll(conn: Connection, { target, staged, columns }: StrategyInput): Promise<number> {
  const list = columns.map(quoteIdentifier).join(', ');
  const result = await conn.query(
    `insert into ${target.render()} (${list}) select ${list} from ${staged.render()}`,
  );
  return result.rowsAffected ?? 0;
}

/** Extra SQL conditions (config.incremental_predicates) that may reference DBT_INTERNAL_DEST. */
function predicates(config: NodeConfig): string[] {
  return toNameList(config.incremental_predicates ?? config.predicates).map((predicate) => `(${predicate})`);
}

async function deleteInsert(conn: Connection, input: StrategyInput): Promise<number> {
  const { target, staged, config } = input;
  const keys = toNameList(config.unique_key);
  if (keys.length > 0) {
    // A tuple IN keeps key expressions (dbt allows them) bound to each side on its own.
    const tuple = `(${keys.map(columnReference).join(', ')})`;
    const conditions = [
      `${tuple} in (select ${tuple.slice(1, -1)} from ${staged.render()})`,
      ...predicates(config),
    ];
    await conn.query(`delete from ${target.render()} as ${DEST} where ${conditions.join(' and ')}`);
  }
  return insertAll(conn, input);
}

async function merge(conn: Connection, { target, staged, columns, config }: StrategyInput): Promise<number> {
  const keys = toNameList(config.unique_key);
  const on = keys.length
    ? keys.map((key) => `${qualifiedColumn(SOURCE, key)} = ${qualifiedColumn(DEST, key)}`)
    : ['false'];
  const keySet = new Set(keys.map((key) => key.trim().toLowerCase()));
  const include = toNameList(config.merge_update_columns).map((name) => name.toLowerCase());
  const exclude = new Set(toNameList(config.merge_exclude_columns).map((name) => name.toLowerCase()));
  const updated = columns.filter((name) => {
    const lower = name.toLowerCase();
    if (include.length) return include.includes(lower);
    return !keySet.has(lower) && !exclude.has(lower);
  });
  const set = updated
    .map((name) => `${quoteIdentifier(name)} = ${SOURCE}.${quoteIdentifier(name)}`)
    .join(', ');
  const list = columns.map(quoteIdentifier).join(', ');
  const values = columns.map((name) => `${SOURCE}.${quoteIdentifier(name)}`).join(', ');
  const result = await conn.query(`
    merge into ${target.render()} as ${DEST}
    using ${staged.render()} as ${SOURCE}
    on ${[...on, ...predicates(config)].join(' and ')}
    when matched then ${set ? `update set ${set}` : 'do nothing'}
    when not matched then insert (${list}) values (${values})`);
  return result.rowsAffected ?? 0;
}

async function insertOverwrite(conn: Connection, input: StrategyInput): Promise<number> {
  const { target, staged, config } = input;
  const partitions = partitionExpressions(config.partition_by);
  if (partitions.length === 0) {
    // Without partition_by the whole table is the partition (as Spark/Glue do).
    await conn.query(`delete from ${target.render()}`);
  } else if (partitions.every((partition) => partition.qualifiable)) {
    // NULL partition values must match too, hence IS NOT DISTINCT FROM.
    const match = partitions
      .map((partition) => `${partition.sql(SOURCE)} is not distinct from ${partition.sql(DEST)}`)
      .join(' and ');
    await conn.query(
      `delete from ${target.render()} as ${DEST}
       where exists (select 1 from ${staged.render()} as ${SOURCE} where ${match})`,
    );
  } else {
    // Free-form expressions cannot be bound to one side of a correlated subquery; a tuple IN can.
    const tuple = partitions.map((partition) => partition.sql('')).join(', ');
    await conn.query(
      `delete from ${target.render()} where (${tuple}) in (select distinct ${tuple} from ${staged.render()})`,
    );
  }
  return insertAll(conn, input);
}

interface PartitionExpression {
  /** false for a free-form SQL expression that cannot be qualified by a table alias */
  qualifiable: boolean;
  /** the expression with its column qualified by `alias` ('' = unqualified) */
  sql: (alias: string) => string;
}

function partitionColumn(name: string, granularity?: string): PartitionExpression {
  const column = (alias: string) => (alias ? qualifiedColumn(alias, name) : columnReference(name));
  return {
    qualifiable: isPlainIdentifier(name),
    sql: granularity ? (alias) => `date_trunc(${sqlString(granularity)}, ${column(alias)})` : column,
  };
}

/**
 * partition_by as a column name, a `{field, granularity?}` dict (BigQuery style) or a list of
 * either → one expression per partition column.
 */
export function partitionExpressions(partitionBy: unknown): PartitionExpression[] {
  if (partitionBy === null || partitionBy === undefined || partitionBy === '') return [];
  const items = Array.isArray(partitionBy) ? partitionBy : [partitionBy];
  return items.flatMap((item): PartitionExpression[] => {
    if (typeof item === 'string' && item.trim() !== '') return [partitionColumn(item)];
    if (item && typeof item === 'object') {
      const { field, granularity } = item as { field?: unknown; granularity?: unknown };
      if (typeof field !== 'string' || field.trim() === '') return [];
      return [
        partitionColumn(field, typeof granularity === 'string' && granularity ? granularity : undefined),
      ];
    }
    return [];
  });
}
