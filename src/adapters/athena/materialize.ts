/**
 * Views, Iceberg tables and incremental models on Athena, from the shared plan (src/materialize).
 *
 * Tables are never missing: a new version is built by CTAS under a temporary name, then the
 * catalog entry of the table is pointed at it in one Glue update (a first build renames it),
 * and only then is the old version's data deleted.
 *
 * Athena fails a write that opens more than 100 partitions. A partitioned write therefore
 * stages its rows once, unpartitioned, with each row's partition rank; the table is then
 * written from the staged rows 100 partitions per statement, so the source query runs once
 * however many batches follow.
 */
import type { ManifestNode } from '../../manifest/types.js';
import { type BatchPlan, batchRanges } from '../../materialize/batches.js';
import { mergeUpdateColumns, type PartitionEntry } from '../../materialize/incremental.js';
import type { IncrementalPlan } from '../../materialize/plan.js';
import { planSchemaChange } from '../../materialize/schema-change.js';
import { ExecutionError } from '../../util/errors.js';
import { faultPoint } from '../../util/fault-pause.js';
import { asSubquery, qualifiedColumn, quoteIdentifier } from '../sql-helpers.js';
import { partitionKeyExpression } from '../trino/materialize.js';
import { inBatchSql, PARTITION_RANK, rankedRowsSql } from '../trino/partition-batches.js';
import { partitioning as trinoPartitioning } from '../trino/table-properties.js';
import type { ColumnDescription, MaterializeResult } from '../types.js';
import { type AthenaConnection, toCount } from './connection.js';
import { athenaPartitioning, dataLocation, hiveType, icebergWith, isInside } from './layout.js';
import type { AthenaProfile } from './profile.js';
import { type AthenaRelation, hiveIdentifier } from './relation.js';
import type { TableInfo } from './warehouse.js';

const DEST = 'DBT_INTERNAL_DEST';
const SOURCE = 'DBT_INTERNAL_SOURCE';

/** What every build step needs: the connection, the profile and the schema registry. */
export interface BuildContext {
  conn: AthenaConnection;
  profile: AthenaProfile;
  schemas: SchemaRegistry;
}

/** Creates each schema once per adapter. */
export class SchemaRegistry {
  private readonly pending = new Map<string, Promise<void>>();

  ensure(conn: AthenaConnection, schema: string): Promise<void> {
    const key = schema.toLowerCase();
    let created = this.pending.get(key);
    if (!created) {
      created = conn.query(`create schema if not exists ${hiveIdentifier(key)}`).then(() => {});
      this.pending.set(key, created);
      created.catch(() => this.pending.delete(key));
    }
    return created;
  }
}

export function lookup(ctx: BuildContext, relation: AthenaRelation): Promise<TableInfo | null> {
  return ctx.conn.warehouse.getTable(relation.schema.toLowerCase(), relation.identifier.toLowerCase());
}

/** Drops a view or table; a table's data goes too when it lies under s3_data_dir. */
export async function dropRelation(
  ctx: BuildContext,
  relation: AthenaRelation,
  info: TableInfo,
): Promise<void> {
  if (info.kind === 'view') {
    await ctx.conn.query(`drop view if exists ${relation.render()}`);
    return;
  }
  await ctx.conn.query(`drop table if exists ${relation.renderHive()}`);
  if (isInside(info.location, ctx.profile.dataDir)) await ctx.conn.warehouse.deletePrefix(info.location);
}

async function dropIfExists(ctx: BuildContext, relation: AthenaRelation): Promise<void> {
  const info = await lookup(ctx, relation);
  if (info) await dropRelation(ctx, relation, info);
}

/** Column names and types, from a query's result metadata (Athena's own type names). */
export async function listColumns(
  conn: AthenaConnection,
  relation: AthenaRelation,
): Promise<ColumnDescription[]> {
  const result = await conn.query(`select * from ${relation.render()} limit 0`);
  return result.columnNames.map((name, i) => ({ name, dataType: result.columnTypes[i] ?? 'varchar' }));
}

export async function buildView(
  ctx: BuildContext,
  relation: AthenaRelation,
  sql: string,
): Promise<MaterializeResult> {
  await ctx.schemas.ensure(ctx.conn, relation.schema);
  const existing = await lookup(ctx, relation);
  if (existing && existing.kind !== 'view') await dropRelation(ctx, relation, existing);
  await ctx.conn.query(`create or replace view ${relation.render()} as ${sql}`);
  return { rowsAffected: null, message: 'CREATE VIEW' };
}

/** A fresh data folder for `relation` that does not overlap the folder of its current version. */
function newLocation(ctx: BuildContext, relation: AthenaRelation, current: TableInfo | null): string {
  const { dataDir, dataNaming } = ctx.profile;
  const unique = () => ctx.conn.warehouse.uniqueId();
  const schema = relation.schema.toLowerCase();
  const table = relation.identifier.toLowerCase();
  const natural = dataLocation(dataDir, dataNaming, schema, table, unique);
  const old = current?.location ?? '';
  if (old === '' || !(isInside(natural, old) || natural.replace(/\/?$/, '/') === old.replace(/\/?$/, '/')))
    return natural;
  // a non-unique naming scheme would write over the live version: use a sibling folder
  return dataLocation(dataDir, dataNaming, schema, `${table}__mdw_${unique().slice(0, 8)}`, unique);
}

export async function buildTable(
  ctx: BuildContext,
  node: ManifestNode,
  relation: AthenaRelation,
  sql: string,
  plan: { partitionSpec: readonly PartitionEntry[]; batches: BatchPlan | null },
): Promise<MaterializeResult> {
  await ctx.schemas.ensure(ctx.conn, relation.schema);
  const existing = await lookup(ctx, relation);
  const temp = relation.sibling(`${relation.identifier}__mdw_tmp`);
  await dropIfExists(ctx, temp); // left by a killed build
  const withClause = icebergWith(
    newLocation(ctx, relation, existing),
    athenaPartitioning(plan.partitionSpec, node.config),
    node.config,
    node.name,
  );
  const rows = plan.batches
    ? await writeInBatches(ctx, temp, withClause, sql, plan.batches)
    : ((await ctx.conn.query(`create table ${temp.render()}${withClause} as ${asSubquery(sql)}`))
        .rowsAffected ?? 0);
  // crash tests: the new version is written in full, the catalog still names the old one
  faultPoint('before-commit', `${relation.schema}.${relation.identifier}`.toLowerCase());
  await replaceWith(ctx, relation, temp, existing);
  return { rowsAffected: rows, message: `CREATE TABLE (${rows} rows)` };
}

/**
 * Puts the table built as `temp` in place of `relation`. An Iceberg table is swapped in one
 * catalog update; anything else (nothing, a view, a Hive table) is dropped and `temp` renamed.
 */
export async function replaceWith(
  ctx: BuildContext,
  relation: AthenaRelation,
  temp: AthenaRelation,
  existing: TableInfo | null,
): Promise<void> {
  if (existing?.kind === 'iceberg') {
    await ctx.conn.warehouse.swapTable(
      relation.schema.toLowerCase(),
      relation.identifier.toLowerCase(),
      temp.identifier.toLowerCase(),
    );
    if (isInside(existing.location, ctx.profile.dataDir))
      await ctx.conn.warehouse.deletePrefix(existing.location);
    return;
  }
  if (existing) await dropRelation(ctx, relation, existing);
  await ctx.conn.query(`alter table ${temp.renderHive()} rename to ${relation.renderHive()}`);
}

/** Creates an unpartitioned Iceberg table holding the rows of `sql` (plus their partition rank). */
async function stage(
  ctx: BuildContext,
  staged: AthenaRelation,
  sql: string,
  batches: BatchPlan | null,
): Promise<TableInfo> {
  await dropIfExists(ctx, staged);
  const location = newLocation(ctx, staged, null);
  const rows = batches
    ? rankedRowsSql(batches, asSubquery(sql))
    : `select rows_to_write.* from ${asSubquery(sql)} as rows_to_write`;
  await ctx.conn.query(
    `create table ${staged.render()}${icebergWith(location, [], {}, staged.identifier)} as ${rows}`,
  );
  return { kind: 'iceberg', location };
}

/** How many partitions the staged rows fall in (at least one batch, even in a dry run). */
async function partitionCount(ctx: BuildContext, staged: AthenaRelation): Promise<number> {
  const result = await ctx.conn.query(`select max(${PARTITION_RANK}) from ${staged.render()}`);
  return Math.max(1, toCount(result.rows[0]?.[0]));
}

async function writeInBatches(
  ctx: BuildContext,
  temp: AthenaRelation,
  withClause: string,
  sql: string,
  batches: BatchPlan,
): Promise<number> {
  const staged = temp.sibling(`${temp.identifier.replace(/__mdw_tmp$/, '')}__mdw_stage`);
  const stagedInfo = await stage(ctx, staged, sql, batches);
  try {
    let rows = 0;
    for (const range of batchRanges(batches, await partitionCount(ctx, staged))) {
      const batch = `select * from ${staged.render()} where ${inBatchSql(range)}`;
      const statement =
        range.first === 1
          ? `create table ${temp.render()}${withClause} as ${batch}`
          : `insert into ${temp.render()} ${batch}`;
      rows += (await ctx.conn.query(statement)).rowsAffected ?? 0;
    }
    await ctx.conn.query(`alter table ${temp.renderHive()} drop column ${hiveIdentifier(PARTITION_RANK)}`);
    return rows;
  } finally {
    await dropRelation(ctx, staged, stagedInfo).catch(() => {});
  }
}

export async function buildIncremental(
  ctx: BuildContext,
  node: ManifestNode,
  relation: AthenaRelation,
  sql: string,
  plan: {
    fullRefresh: boolean;
    partitionSpec: PartitionEntry[];
    batches: BatchPlan | null;
    incremental: IncrementalPlan;
    /** the partitions this run changes (request.changedPartitions); absent or null: not known */
    changedPartitions?: readonly string[] | null;
  },
): Promise<MaterializeResult> {
  const existing = await lookup(ctx, relation);
  if (!existing || existing.kind === 'view' || plan.fullRefresh)
    return buildTable(ctx, node, relation, sql, plan);
  if (existing.kind !== 'iceberg')
    throw new ExecutionError(
      `Model ${node.name}: ${relation.schema}.${relation.identifier} is a Hive table; incremental models on Athena write Iceberg tables (run with --full-refresh once).`,
    );
  // a full refresh killed before its swap left its new version under the temporary name
  await dropIfExists(ctx, relation.sibling(`${relation.identifier}__mdw_tmp`));
  const { batches } = plan;
  const staged = relation.sibling(`${relation.identifier}__mdw_incr`);
  const stagedInfo = await stage(ctx, staged, sql, batches);
  try {
    const stagedColumns = (await listColumns(ctx.conn, staged)).filter((c) => c.name !== PARTITION_RANK);
    const columns = await reconcileColumns(ctx, node, relation, stagedColumns, plan.incremental);
    const targetFilter = targetPartitionFilter(
      plan.partitionSpec,
      plan.changedPartitions ?? null,
      stagedColumns,
    );
    const ranges = batches ? batchRanges(batches, await partitionCount(ctx, staged)) : [null];
    const sources = ranges.map((range) =>
      range ? `(select * from ${staged.render()} where ${inBatchSql(range)})` : staged.render(),
    );
    // the conditions on the target's rows a write matches: the model's and the changed partitions
    const predicates = [...plan.incremental.predicates, ...(targetFilter ? [targetFilter] : [])];
    const { strategy, uniqueKey } = plan.incremental;
    if (strategy === 'delete+insert' && uniqueKey.length > 0)
      for (const source of sources)
        await deleteKeys(ctx, relation, source, uniqueKey, predicates, stagedColumns);
    let rows = 0;
    for (const source of sources)
      rows += await applyStrategy(ctx, node, relation, source, columns, { ...plan, predicates });
    return { rowsAffected: rows, message: `${plan.incremental.strategy.toUpperCase()} ${rows}` };
  } finally {
    await dropRelation(ctx, staged, stagedInfo).catch(() => {});
  }
}

/** on_schema_change on the target, then the columns both sides have (the ones to write). */
async function reconcileColumns(
  ctx: BuildContext,
  node: ManifestNode,
  target: AthenaRelation,
  stagedColumns: ColumnDescription[],
  plan: IncrementalPlan,
): Promise<string[]> {
  if (ctx.conn.warehouse.dryRun) return stagedColumns.map((c) => c.name);
  const change = planSchemaChange(
    plan.onSchemaChange,
    stagedColumns,
    await listColumns(ctx.conn, target),
    node.name,
  );
  const table = target.renderHive();
  if (change.addColumns.length > 0)
    await ctx.conn.query(
      `alter table ${table} add columns (${change.addColumns.map((c) => `${hiveIdentifier(c.name)} ${hiveType(c.dataType)}`).join(', ')})`,
    );
  for (const column of change.dropColumns)
    await ctx.conn.query(`alter table ${table} drop column ${hiveIdentifier(column.name)}`);
  for (const column of change.alterColumns)
    await ctx.conn.query(
      `alter table ${table} change column ${hiveIdentifier(column.name)} ${hiveIdentifier(column.name)} ${hiveType(column.to)}`,
    );
  return change.columns;
}

async function applyStrategy(
  ctx: BuildContext,
  node: ManifestNode,
  target: AthenaRelation,
  source: string,
  columns: string[],
  plan: { partitionSpec: PartitionEntry[]; incremental: IncrementalPlan; predicates: readonly string[] },
): Promise<number> {
  const { conn } = ctx;
  const { strategy, uniqueKey } = plan.incremental;
  const { predicates } = plan;
  const list = columns.map(quoteIdentifier).join(', ');
  const insert = async () =>
    (await conn.query(`insert into ${target.render()} (${list}) select ${list} from ${source} as ${SOURCE}`))
      .rowsAffected ?? 0;
  if (strategy === 'append' || (uniqueKey.length === 0 && strategy !== 'insert_overwrite')) return insert();
  if (strategy === 'merge') {
    const updates = mergeUpdateColumns(columns, plan.incremental);
    const set = updates.map((c) => `${quoteIdentifier(c)} = ${SOURCE}.${quoteIdentifier(c)}`).join(', ');
    const result = await conn.query(
      `merge into ${target.render()} as ${DEST} using ${source} as ${SOURCE}
       on ${matchCondition(uniqueKey, predicates)}
       ${updates.length > 0 ? `when matched then update set ${set}` : ''}
       when not matched then insert (${list}) values (${columns.map((c) => `${SOURCE}.${quoteIdentifier(c)}`).join(', ')})`,
    );
    return result.rowsAffected ?? 0;
  }
  if (strategy === 'delete+insert') return insert(); // its deletes ran first (deleteKeys)
  // insert_overwrite: the partitions the new rows fall in are replaced whole
  const entries = trinoPartitioning(plan.partitionSpec, node.config).map((entry) =>
    partitionKeyExpression(entry, node.name),
  );
  const where =
    entries.length === 0
      ? 'true'
      : entries
          .map((key) => `${key} in (select distinct ${key} from ${source} as rows_to_write)`)
          .join(' and ');
  await conn.query(`delete from ${target.render()} where ${where}`);
  return insert();
}

/**
 * `DEST.<column> in (<changed partitions>)` for a target partitioned by one column when the run
 * knows which partitions it changes (those of the new rows and of the rows they replace), else
 * null. Athena reads every partition of a MERGE's target when the ON clause names only the
 * key; with the partitions as literals it reads those alone. A NULL partition is kept: the
 * changed set leaves it out.
 */
export function targetPartitionFilter(
  spec: readonly PartitionEntry[],
  changed: readonly string[] | null,
  stagedColumns: readonly ColumnDescription[],
): string | null {
  const [entry] = spec;
  if (!changed || spec.length !== 1 || !entry || entry.granularity) return null;
  const column = stagedColumns.find((c) => c.name.toLowerCase() === entry.field.trim().toLowerCase());
  if (!column) return null;
  const target = qualifiedColumn(DEST, column.name);
  const values = changed.map((value) => `cast('${value.replaceAll("'", "''")}' as ${column.dataType})`);
  return values.length === 0
    ? `${target} is null`
    : `${target} in (${values.join(', ')}) or ${target} is null`;
}

/**
 * delete+insert's delete: the target's rows whose key the new rows (of one batch) hold. Every
 * batch's delete runs before the first insert, so a key whose rows span two batches never
 * loses the rows the first batch inserted.
 */
async function deleteKeys(
  ctx: BuildContext,
  target: AthenaRelation,
  source: string,
  uniqueKey: readonly string[],
  predicates: readonly string[],
  stagedColumns: readonly ColumnDescription[],
): Promise<void> {
  const literal = await keyLiteralList(ctx, source, uniqueKey, stagedColumns, predicates);
  if (literal === null) {
    const keys = uniqueKey.map(quoteIdentifier).join(', ');
    await ctx.conn.query(
      `merge into ${target.render()} as ${DEST}
       using (select distinct ${keys} from ${source} as rows_to_write) as ${SOURCE}
       on ${matchCondition(uniqueKey, predicates)}
       when matched then delete`,
    );
  } else if (literal.values.length > 0) {
    await ctx.conn.query(
      `delete from ${target.render()} where ${literal.column} in (${literal.values.join(', ')})`,
    );
  }
}

const MAX_LITERAL_KEYS = 1000;
const LITERAL_KEY_TYPE = /^(varchar|char|string|tinyint|smallint|integer|int|bigint|date)\b/i;

/**
 * The distinct values of a one-column unique key among the new rows, as typed literals, for a
 * delete+insert that deletes with `key in (<literals>)`: Athena then skips every data file
 * whose column bounds exclude them (a first-seen table's added day reads no file), where a
 * MERGE on the key reads the whole target. Null (use the MERGE) for a composite key, extra
 * predicates, a type without a plain literal, too many values, or a dry run (no rows to read).
 */
async function keyLiteralList(
  ctx: BuildContext,
  source: string,
  uniqueKey: readonly string[],
  stagedColumns: readonly ColumnDescription[],
  predicates: readonly string[],
): Promise<{ column: string; values: string[] } | null> {
  if (uniqueKey.length !== 1 || predicates.length > 0 || ctx.conn.warehouse.dryRun) return null;
  const key = uniqueKey[0]!.trim();
  const column = stagedColumns.find((c) => c.name.toLowerCase() === key.toLowerCase());
  if (!column || !LITERAL_KEY_TYPE.test(column.dataType)) return null;
  const keyColumn = quoteIdentifier(column.name);
  const distinct = await ctx.conn.query(
    `select distinct ${keyColumn} from ${source} as rows_to_write where ${keyColumn} is not null limit ${MAX_LITERAL_KEYS + 1}`,
  );
  if (distinct.rows.length > MAX_LITERAL_KEYS) return null;
  const values = distinct.rows.map(
    (row) => `cast('${String(row[0]).replaceAll("'", "''")}' as ${column.dataType})`,
  );
  return { column: keyColumn, values };
}

function matchCondition(uniqueKey: readonly string[], predicates: readonly string[]): string {
  const keys = uniqueKey.map((key) => `${qualifiedColumn(SOURCE, key)} = ${qualifiedColumn(DEST, key)}`);
  return [...keys, ...predicates.map((p) => `(${p})`)].join(' and ');
}
