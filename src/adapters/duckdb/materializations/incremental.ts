/**
 * `incremental` on DuckDB tables: the first run (or a full refresh) builds a table; later runs
 * stage the new rows once in a connection-local temp table, reconcile the schema, and apply the
 * planned strategy (src/materialize/incremental.ts) in one transaction.
 */

import type { PartitionEntry, Strategy } from '../../../materialize/incremental.js';
import { mergeUpdateColumns } from '../../../materialize/incremental.js';
import { formatEventTime, windowCondition } from '../../../materialize/microbatch.js';
import type { IncrementalPlan } from '../../../materialize/plan.js';
import { planSchemaChange } from '../../../materialize/schema-change.js';
import { ExecutionError } from '../../../util/errors.js';
import { faultPoint } from '../../../util/fault-pause.js';
import {
  asSubquery,
  columnReference,
  isPlainIdentifier,
  qualifiedColumn,
  quoteIdentifier,
  sqlString,
} from '../../sql-helpers.js';
import type { Connection, MaterializeResult, Relation } from '../../types.js';
import { findRelation, listColumns, tableColumns } from '../catalog.js';
import { inTransaction } from '../connection.js';
import { DuckDbRelation } from '../relation.js';
import type { BuildContext } from './context.js';
import { applySchemaChange } from './schema-change.js';
import { buildTable } from './table.js';

const DEST = 'DBT_INTERNAL_DEST';
const SOURCE = 'DBT_INTERNAL_SOURCE';

export interface IncrementalBuild {
  modelName: string;
  sql: string;
  relation: Relation;
  fullRefresh: boolean;
  plan: IncrementalPlan;
  partitionSpec: PartitionEntry[];
}

export async function buildIncremental(
  conn: Connection,
  ctx: BuildContext,
  build: IncrementalBuild,
): Promise<MaterializeResult> {
  const { relation: target, sql, plan } = build;
  const existing = await findRelation(conn, target.database, target.schema, target.identifier);
  if (!existing || existing.type === 'view' || build.fullRefresh) return buildTable(conn, ctx, target, sql);

  const staged = new DuckDbRelation('temp', 'main', `${target.identifier}__mdw_new`, 'table');
  await conn.query(`create or replace temp table ${staged.render()} as ${asSubquery(sql)}`);
  try {
    const sourceColumns = await tableColumns(conn, staged);
    const targetColumns = await listColumns(conn, target);
    const written = await inTransaction(conn, async () => {
      const change = planSchemaChange(plan.onSchemaChange, sourceColumns, targetColumns, build.modelName);
      const columns = await applySchemaChange(conn, target, change);
      return applyStrategy(conn, plan.strategy, { target, staged, columns, build });
    });
    return { rowsAffected: written, message: `${plan.strategy === 'merge' ? 'MERGE' : 'INSERT'} ${written}` };
  } finally {
    await conn.query(`drop table if exists ${staged.render()}`).catch(() => {});
  }
}

export interface StrategyInput {
  target: Relation;
  staged: Relation;
  /** target columns to write (already reconciled) */
  columns: string[];
  build: Pick<IncrementalBuild, 'plan' | 'partitionSpec'>;
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
    case 'microbatch':
      return replaceWindow(conn, input);
  }
}

async function insertAll(conn: Connection, { target, staged, columns }: StrategyInput): Promise<number> {
  const list = columns.map(quoteIdentifier).join(', ');
  const result = await conn.query(
    `insert into ${target.render()} (${list}) select ${list} from ${staged.render()}`,
  );
  return result.rowsAffected ?? 0;
}

/** The planned incremental_predicates (they may reference DBT_INTERNAL_DEST). */
function predicates(plan: IncrementalPlan): string[] {
  return plan.predicates.map((predicate) => `(${predicate})`);
}

async function deleteInsert(conn: Connection, input: StrategyInput): Promise<number> {
  const { target, staged, build } = input;
  const keys = build.plan.uniqueKey;
  if (keys.length > 0) {
    // A tuple IN keeps key expressions (dbt allows them) bound to each side on its own.
    const tuple = `(${keys.map(columnReference).join(', ')})`;
    const conditions = [
      `${tuple} in (select ${tuple.slice(1, -1)} from ${staged.render()})`,
      ...predicates(build.plan),
    ];
    await conn.query(`delete from ${target.render()} as ${DEST} where ${conditions.join(' and ')}`);
  }
  return insertAll(conn, input);
}

async function merge(conn: Connection, { target, staged, columns, build }: StrategyInput): Promise<number> {
  const keys = build.plan.uniqueKey;
  const on = keys.length
    ? keys.map((key) => `${qualifiedColumn(SOURCE, key)} = ${qualifiedColumn(DEST, key)}`)
    : ['false'];
  const updated = mergeUpdateColumns(columns, build.plan);
  const set = updated
    .map((name) => `${quoteIdentifier(name)} = ${SOURCE}.${quoteIdentifier(name)}`)
    .join(', ');
  const list = columns.map(quoteIdentifier).join(', ');
  const values = columns.map((name) => `${SOURCE}.${quoteIdentifier(name)}`).join(', ');
  const result = await conn.query(`
    merge into ${target.render()} as ${DEST}
    using ${staged.render()} as ${SOURCE}
    on ${[...on, ...predicates(build.plan)].join(' and ')}
    when matched then ${set ? `update set ${set}` : 'do nothing'}
    when not matched then insert (${list}) values (${values})`);
  return result.rowsAffected ?? 0;
}

async function insertOverwrite(conn: Connection, input: StrategyInput): Promise<number> {
  const { target, staged, build } = input;
  const partitions = build.partitionSpec.map((entry) => partitionColumn(entry.field, entry.granularity));
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

/** microbatch: the batch's window is replaced whole (dbt-duckdb's delete+insert by event time). */
async function replaceWindow(conn: Connection, input: StrategyInput): Promise<number> {
  const { target, build } = input;
  const microbatch = build.plan.microbatch;
  if (!microbatch?.window) {
    throw new ExecutionError('A microbatch build needs its window (the runner plans one per batch).');
  }
  await conn.query(
    `delete from ${target.render()} where ${windowCondition(columnReference(microbatch.eventTime), microbatch.window)}`,
  );
  faultPoint('during-batch', formatEventTime(microbatch.window.start));
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
