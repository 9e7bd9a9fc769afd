/**
 * Views, tables and incremental models on Trino's Iceberg connector, rendered from the shared
 * plan (src/materialize). Tables are replaced with CREATE OR REPLACE TABLE … AS, which is atomic
 * and keeps the table's history; incremental runs stage the new rows in a table (Iceberg views
 * reject the timestamp(3) that `cast(… as timestamp)` yields) and then append, MERGE, delete
 * and insert, or overwrite the partitions they touch.
 */
import type { ManifestNode } from '../../manifest/types.js';
import { type BatchPlan, batchRanges } from '../../materialize/batches.js';
import { mergeUpdateColumns, type PartitionEntry } from '../../materialize/incremental.js';
import { formatEventTime, windowCondition } from '../../materialize/microbatch.js';
import type { IncrementalPlan } from '../../materialize/plan.js';
import { planSchemaChange } from '../../materialize/schema-change.js';
import { ExecutionError } from '../../util/errors.js';
import { faultPoint } from '../../util/fault-pause.js';
import { asSubquery, columnReference, qualifiedColumn, quoteIdentifier } from '../sql-helpers.js';
import type { MaterializeResult, Relation } from '../types.js';
import { dropRelation, findRelation, listColumns, type SchemaRegistry } from './catalog.js';
import { type TrinoConnection, toCount } from './connection.js';
import { inBatchSql, PARTITION_RANK, partitionKeySql, rankedRowsSql } from './partition-batches.js';
import { TrinoRelation } from './relation.js';
import { partitioning, tableLayout } from './table-properties.js';

const DEST = 'DBT_INTERNAL_DEST';
const SOURCE = 'DBT_INTERNAL_SOURCE';

export async function buildView(
  conn: TrinoConnection,
  schemas: SchemaRegistry,
  relation: Relation,
  sql: string,
): Promise<MaterializeResult> {
  await schemas.ensure(conn, relation.database, relation.schema);
  const existing = await findRelation(conn, relation.database, relation.schema, relation.identifier);
  if (existing?.type === 'table') await conn.query(`drop table ${relation.render()}`);
  await conn.query(`create or replace view ${relation.render()} as ${sql}`);
  return { rowsAffected: null, message: 'CREATE VIEW' };
}

export async function buildTable(
  conn: TrinoConnection,
  schemas: SchemaRegistry,
  node: ManifestNode,
  relation: Relation,
  sql: string,
  plan: { partitionSpec: readonly PartitionEntry[]; batches: BatchPlan | null },
): Promise<MaterializeResult> {
  await schemas.ensure(conn, relation.database, relation.schema);
  const existing = await findRelation(conn, relation.database, relation.schema, relation.identifier);
  if (existing?.type === 'view') await conn.query(`drop view ${relation.render()}`);
  const layout = tableLayout(plan.partitionSpec, node.config, node.name, relation.database);
  const { batches } = plan;
  const rows = await conn.withSession(layout.sessionProperties, async () => {
    if (batches && (await countPartitions(conn, sql, batches)) > batches.maxPartitions)
      return writeInBatches(conn, relation, layout.withClause, sql, batches);
    const result = await conn.query(
      `create or replace table ${relation.render()}${layout.withClause} as ${asSubquery(sql)}`,
    );
    return result.rowsAffected ?? 0;
  });
  return { rowsAffected: rows, message: `CREATE TABLE (${rows} rows)` };
}

async function countPartitions(conn: TrinoConnection, sql: string, batches: BatchPlan): Promise<number> {
  const keys = partitionKeySql(batches).join(', ');
  const result = await conn.query(
    `select count(*) from (select distinct ${keys} from ${asSubquery(sql)} as rows_to_write)`,
  );
  return Number(result.rows[0]?.[0] ?? 0);
}

/**
 * More partitions than one writer may hold open: the rows are staged once with the rank of
 * their partition, the table is created from the first 100 partitions and the rest inserted
 * 100 partitions per statement. Readers may see the table between the statements.
 */
async function writeInBatches(
  conn: TrinoConnection,
  relation: Relation,
  withClause: string,
  sql: string,
  batches: BatchPlan,
): Promise<number> {
  const staged = new TrinoRelation(
    relation.database,
    relation.schema,
    `${relation.identifier}__mdw_batches`,
    'table',
  );
  await dropRelation(conn, staged);
  await conn.query(`create table ${staged.render()} as ${rankedRowsSql(batches, asSubquery(sql))}`);
  try {
    const columns = (await listColumns(conn, staged))
      .map((c) => c.name)
      .filter((name) => name !== PARTITION_RANK)
      .map(quoteIdentifier)
      .join(', ');
    const partitions = Number(
      (await conn.query(`select max(${PARTITION_RANK}) from ${staged.render()}`)).rows[0]?.[0] ?? 0,
    );
    let rows = 0;
    for (const range of batchRanges(batches, partitions)) {
      const batch = `select ${columns} from ${staged.render()} where ${inBatchSql(range)}`;
      const statement =
        range.first === 1
          ? `create or replace table ${relation.render()}${withClause} as ${batch}`
          : `insert into ${relation.render()} ${batch}`;
      rows += (await conn.query(statement)).rowsAffected ?? 0;
    }
    return rows;
  } finally {
    await conn.query(`drop table if exists ${staged.render()}`).catch(() => {});
  }
}

export async function buildIncremental(
  conn: TrinoConnection,
  schemas: SchemaRegistry,
  node: ManifestNode,
  relation: TrinoRelation,
  sql: string,
  plan: {
    fullRefresh: boolean;
    partitionSpec: PartitionEntry[];
    batches: BatchPlan | null;
    incremental: IncrementalPlan;
  },
): Promise<MaterializeResult> {
  const existing = await findRelation(conn, relation.database, relation.schema, relation.identifier);
  if (!existing || existing.type === 'view' || plan.fullRefresh) {
    return buildTable(conn, schemas, node, relation, sql, plan);
  }
  const staged = relation.sibling(`${relation.identifier}__mdw_tmp`);
  await dropRelation(conn, staged);
  // The new rows are staged once, with the rank of their partition when the plan batches,
  // so the writes below take at most maxPartitions each without running the model's query again.
  await conn.query(
    `create table ${staged.render()} as ${plan.batches ? rankedRowsSql(plan.batches, asSubquery(sql)) : asSubquery(sql)}`,
  );
  try {
    const columns = await reconcileColumns(conn, node, relation, staged, plan.incremental);
    const batches = await stagedBatches(conn, staged, columns, plan.batches);
    const rows = await applyStrategy(conn, node, relation, batches, columns, plan);
    return { rowsAffected: rows, message: `${plan.incremental.strategy.toUpperCase()} ${rows}` };
  } finally {
    await conn.query(`drop table if exists ${staged.render()}`).catch(() => {});
  }
}

/**
 * The staged rows as subqueries of at most `maxPartitions` partitions each (Trino's writers
 * keep at most 100 partitions open, so one MERGE or INSERT of more fails), or one subquery of
 * them all when the plan does not batch.
 */
async function stagedBatches(
  conn: TrinoConnection,
  staged: Relation,
  columns: readonly string[],
  batches: BatchPlan | null,
): Promise<string[]> {
  const list = columns.map(quoteIdentifier).join(', ');
  if (!batches) return [`(select ${list} from ${staged.render()})`];
  const partitions = toCount(
    (await conn.query(`select max(${PARTITION_RANK}) from ${staged.render()}`)).rows[0]?.[0],
  );
  return batchRanges(batches, partitions).map(
    (range) => `(select ${list} from ${staged.render()} where ${inBatchSql(range)})`,
  );
}

/** on_schema_change on the target, then the columns both sides have (the ones to write). */
async function reconcileColumns(
  conn: TrinoConnection,
  node: ManifestNode,
  target: Relation,
  staged: Relation,
  plan: IncrementalPlan,
): Promise<string[]> {
  const change = planSchemaChange(
    plan.onSchemaChange,
    (await listColumns(conn, staged)).filter((column) => column.name !== PARTITION_RANK),
    await listColumns(conn, target),
    node.name,
  );
  for (const column of change.addColumns)
    await conn.query(
      `alter table ${target.render()} add column ${quoteIdentifier(column.name)} ${column.dataType}`,
    );
  for (const column of change.dropColumns)
    await conn.query(`alter table ${target.render()} drop column ${quoteIdentifier(column.name)}`);
  for (const column of change.alterColumns)
    await conn.query(
      `alter table ${target.render()} alter column ${quoteIdentifier(column.name)} set data type ${column.to}`,
    );
  return change.columns;
}

/**
 * Writes the staged batches with the model's strategy. Deletes of delete+insert and
 * insert_overwrite all run before the first insert, so a key or partition spread over two
 * batches is never deleted after its new rows went in.
 */
async function applyStrategy(
  conn: TrinoConnection,
  node: ManifestNode,
  target: Relation,
  batches: readonly string[],
  columns: string[],
  plan: { partitionSpec: PartitionEntry[]; incremental: IncrementalPlan },
): Promise<number> {
  const { strategy, uniqueKey, predicates } = plan.incremental;
  const list = columns.map(quoteIdentifier).join(', ');
  const insert = async () => {
    let rows = 0;
    for (const batch of batches) {
      const result = await conn.query(
        `insert into ${target.render()} (${list}) select ${list} from ${batch}`,
      );
      rows += result.rowsAffected ?? 0;
    }
    return rows;
  };
  if (strategy === 'microbatch') {
    // the batch's window is replaced whole, as on DuckDB (dbt's delete+insert by event time)
    const microbatch = plan.incremental.microbatch;
    if (!microbatch?.window)
      throw new ExecutionError('A microbatch build needs its window (the runner plans one per batch).');
    await conn.query(
      `delete from ${target.render()} where ${windowCondition(columnReference(microbatch.eventTime), microbatch.window)}`,
    );
    faultPoint('during-batch', formatEventTime(microbatch.window.start));
    return insert();
  }
  if (strategy === 'append' || (uniqueKey.length === 0 && strategy !== 'insert_overwrite')) return insert();

  if (strategy === 'merge') {
    const updates = mergeUpdateColumns(columns, plan.incremental);
    const set = updates.map((c) => `${quoteIdentifier(c)} = ${SOURCE}.${quoteIdentifier(c)}`).join(', ');
    let rows = 0;
    for (const batch of batches) {
      const result = await conn.query(
        `merge into ${target.render()} as ${DEST} using ${batch} as ${SOURCE}
         on ${matchCondition(uniqueKey, predicates)}
         ${updates.length > 0 ? `when matched then update set ${set}` : ''}
         when not matched then insert (${list}) values (${columns.map((c) => `${SOURCE}.${quoteIdentifier(c)}`).join(', ')})`,
      );
      rows += result.rowsAffected ?? 0;
    }
    return rows;
  }
  if (strategy === 'delete+insert') {
    // MERGE … WHEN MATCHED THEN DELETE handles composite keys, which `(a, b) IN (select …)` does not
    const keys = uniqueKey.map((key) => qualifiedColumn(SOURCE, key)).join(', ');
    for (const batch of batches)
      await conn.query(
        `merge into ${target.render()} as ${DEST}
         using (select distinct ${keys.replaceAll(`${SOURCE}.`, '')} from ${batch}) as ${SOURCE}
         on ${matchCondition(uniqueKey, predicates)}
         when matched then delete`,
      );
    return insert();
  }
  // insert_overwrite: the partitions the new rows fall in are replaced whole
  for (const batch of batches)
    await conn.query(
      `delete from ${target.render()} where ${overwrittenPartitions(node, plan.partitionSpec, batch)}`,
    );
  return insert();
}

function matchCondition(uniqueKey: readonly string[], predicates: readonly string[]): string {
  const keys = uniqueKey.map((key) => `${qualifiedColumn(SOURCE, key)} = ${qualifiedColumn(DEST, key)}`);
  return [...keys, ...predicates.map((p) => `(${p})`)].join(' and ');
}

/**
 * The rows of the partitions the new rows (a subquery) fall in. Each partition entry becomes the value
 * its transform keys on (day(ts) → the date); without a partition spec the whole table goes.
 */
function overwrittenPartitions(node: ManifestNode, spec: readonly PartitionEntry[], rows: string): string {
  const keys = partitioning(spec, node.config).map((entry) => partitionKeyExpression(entry, node.name));
  if (keys.length === 0) return 'true';
  return keys.map((key) => `${key} in (select distinct ${key} from ${rows} as new_rows)`).join(' and ');
}

const TRANSFORM = /^(year|month|day|hour)\s*\(\s*([^)]+?)\s*\)$/i;

/** The expression whose value names a row's partition for one partition entry. */
export function partitionKeyExpression(entry: string, model = 'this model'): string {
  if (/^(bucket|truncate)\s*\(/i.test(entry.trim()))
    throw new ExecutionError(
      `Model ${model}: insert_overwrite cannot tell which ${entry.trim()} partitions to replace on Trino; partition by columns or year/month/day/hour transforms.`,
    );
  const transform = TRANSFORM.exec(entry.trim());
  if (!transform) return entry.trim();
  const column = transform[2]!;
  return transform[1]!.toLowerCase() === 'day'
    ? `cast(${column} as date)`
    : `date_trunc('${transform[1]!.toLowerCase()}', ${column})`;
}
