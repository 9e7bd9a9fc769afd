/**
 * Snapshots: dbt's type-2 slowly changing dimension. Each run, in one transaction:
 *   - rows whose key is new, or whose tracked values changed, are inserted as current versions;
 *   - the versions they replace get dbt_valid_to = the new version's dbt_valid_from;
 *   - with hard_deletes 'invalidate' (or invalidate_hard_deletes) current rows whose key left the
 *     source are closed at the run's timestamp; with 'new_record' a deletion version is added too.
 * Meta-columns as dbt: dbt_scd_id = md5 of the key columns and updated_at joined by '|',
 * dbt_updated_at, dbt_valid_from, dbt_valid_to (NULL while current), and dbt_is_deleted for new_record.
 * DuckDB's now() is the transaction's start time, so every row of one run gets the same timestamp.
 */
import type { SnapshotPlan as NeutralSnapshotPlan } from '../../../materialize/snapshot.js';
import { ExecutionError } from '../../../util/errors.js';
import { asSubquery, columnReference, qualifiedColumn, quoteIdentifier } from '../../sql-helpers.js';
import type {
  ColumnDescription,
  Connection,
  MaterializeRequest,
  MaterializeResult,
  Relation,
} from '../../types.js';
import { findRelation, listColumns } from '../catalog.js';
import { inTransaction } from '../connection.js';
import { DuckDbRelation } from '../relation.js';
import { type BuildContext, ensureSchemaOf, plural } from './context.js';

const META_COLUMNS = ['dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to', 'dbt_is_deleted'];
const RUN_TIME = 'now()::timestamp';

/** The neutral snapshot plan with its timestamp as DuckDB SQL. */
interface SnapshotPlan extends Omit<NeutralSnapshotPlan, 'updatedAt'> {
  /** SQL for a version's timestamp, evaluated over the source columns */
  updatedAt: string;
}

export async function buildSnapshot(
  conn: Connection,
  ctx: BuildContext,
  request: Pick<MaterializeRequest, 'node' | 'relation' | 'sql'>,
  neutral: NeutralSnapshotPlan,
): Promise<MaterializeResult> {
  const { node, relation: target, sql } = request;
  const plan: SnapshotPlan = {
    ...neutral,
    updatedAt: neutral.updatedAt === null ? RUN_TIME : columnReference(neutral.updatedAt),
  };
  await ensureSchemaOf(conn, ctx, target);
  const existing = await findRelation(conn, target.database, target.schema, target.identifier);
  if (existing?.type === 'view') {
    throw new ExecutionError(`Snapshot ${node.name}: ${target.render()} is a view, not a snapshot table.`);
  }
  if (!existing) {
    const rows = await inTransaction(conn, () => createSnapshotTable(conn, plan, target, sql));
    return { rowsAffected: rows, message: `CREATE TABLE (${plural(rows, 'row')})` };
  }
  const { inserted, closed } = await inTransaction(conn, () =>
    updateSnapshot(conn, plan, target, sql, node.name),
  );
  return { rowsAffected: inserted + closed, message: `INSERT ${inserted}, UPDATE ${closed}` };
}

/** md5 over the key expressions and the version timestamp, '|'-separated (dbt's dbt_scd_id). */
function scdIdExpression(keys: string[], updatedAt: string): string {
  const parts = [...keys.map(columnReference), updatedAt].map(
    (part) => `coalesce(cast(${part} as varchar), '')`,
  );
  return `md5(${parts.join(" || '|' || ")})`;
}

async function createSnapshotTable(
  conn: Connection,
  plan: SnapshotPlan,
  target: Relation,
  sql: string,
): Promise<number> {
  const deleted = plan.hardDeletes === 'new_record' ? `,\n  'False' as dbt_is_deleted` : '';
  const result = await conn.query(`
    create table ${target.render()} as
    select *,
      ${scdIdExpression(plan.keys, plan.updatedAt)} as dbt_scd_id,
      ${plan.updatedAt} as dbt_updated_at,
      ${plan.updatedAt} as dbt_valid_from,
      nullif(${plan.updatedAt}, ${plan.updatedAt}) as dbt_valid_to${deleted}
    from ${asSubquery(sql)} as snapshot_query`);
  return result.rowsAffected ?? 0;
}

const keyColumn = (index: number) => quoteIdentifier(`__mdw_key_${index}`);
const checkColumn = (index: number) => quoteIdentifier(`__mdw_check_${index}`);

async function updateSnapshot(
  conn: Connection,
  plan: SnapshotPlan,
  target: Relation,
  sql: string,
  name: string,
): Promise<{ inserted: number; closed: number }> {
  const targetColumns = await listColumns(conn, target);
  const targetNames = new Set(targetColumns.map((column) => column.name.toLowerCase()));
  for (const meta of ['dbt_scd_id', 'dbt_valid_from', 'dbt_valid_to']) {
    if (!targetNames.has(meta)) {
      throw new ExecutionError(`Snapshot ${name}: ${target.render()} exists but has no ${meta} column.`);
    }
  }
  if (plan.hardDeletes === 'new_record' && !targetNames.has('dbt_is_deleted')) {
    await conn.query(`alter table ${target.render()} add column dbt_is_deleted varchar default 'False'`);
  }

  // The source rows, staged once, with their key values computed under fixed names.
  const source = new DuckDbRelation('temp', 'main', `${target.identifier}__mdw_snapshot_source`);
  const keySelect = plan.keys.map((key, i) => `${columnReference(key)} as ${keyColumn(i)}`).join(', ');
  await conn.query(`create or replace temp table ${source.render()} as
    select *, ${keySelect} from ${asSubquery(sql)} as snapshot_query`);
  const current = new DuckDbRelation('temp', 'main', `${target.identifier}__mdw_snapshot_current`);
  try {
    const sourceColumns = (await listColumns(conn, source)).filter(
      (column) => !column.name.startsWith('__mdw_key_'),
    );
    const checkCols = plan.checkCols === 'all' ? sourceColumns.map((column) => column.name) : plan.checkCols;
    // dbt treats every row as changed when a checked column is new to the snapshot table.
    const checkColumnAdded =
      plan.strategy === 'check' && checkCols.some((col) => !targetNames.has(col.toLowerCase()));
    await addNewColumns(conn, target, sourceColumns, targetNames);

    // The current versions (before this run), keyed and with the checked values, under names
    // that cannot collide with the source's columns.
    const checkSelect =
      plan.strategy === 'check' && !checkColumnAdded
        ? checkCols.map((col, i) => `, ${columnReference(col)} as ${checkColumn(i)}`).join('')
        : '';
    const deletedSelect = plan.hardDeletes === 'new_record' ? ', dbt_is_deleted' : '';
    await conn.query(`create or replace temp table ${current.render()} as
      select dbt_scd_id, dbt_valid_from${deletedSelect}, ${keySelect}${checkSelect}
      from ${target.render()} where dbt_valid_to is null`);

    const joinOn = plan.keys.map((_, i) => `src.${keyColumn(i)} = cur.${keyColumn(i)}`).join(' and ');
    let changed: string;
    if (plan.strategy === 'timestamp') changed = `cur.dbt_valid_from < ${plan.updatedAt}`;
    else if (checkColumnAdded) changed = 'true';
    else {
      changed = checkCols
        .map((col, i) => `${qualifiedColumn('src', col)} is distinct from cur.${checkColumn(i)}`)
        .join(' or ');
    }
    // A key that comes back after a new_record deletion gets a fresh version.
    if (plan.hardDeletes === 'new_record') changed = `(${changed}) or cur.dbt_is_deleted = 'True'`;

    // 1. Close the versions that are replaced, at the new version's timestamp.
    const closedChanged = await conn.query(`
      update ${target.render()} as snap set dbt_valid_to = changes.valid_to
      from (
        select cur.dbt_scd_id as scd_id, ${plan.updatedAt} as valid_to
        from ${source.render()} as src join ${current.render()} as cur on ${joinOn}
        where ${changed}
      ) as changes
      where snap.dbt_scd_id = changes.scd_id and snap.dbt_valid_to is null`);

    // 2. Insert new keys and new versions.
    const names = sourceColumns.map((column) => quoteIdentifier(column.name));
    const deletedFlag = plan.hardDeletes === 'new_record';
    const insertedRows = await conn.query(`
      insert into ${target.render()}
        (${[...names, 'dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to', ...(deletedFlag ? ['dbt_is_deleted'] : [])].join(', ')})
      select ${names.map((column) => `src.${column}`).join(', ')},
        ${scdIdExpression(
          plan.keys.map((_, i) => `src.${keyColumn(i)}`),
          plan.updatedAt,
        )},
        ${plan.updatedAt}, ${plan.updatedAt}, null${deletedFlag ? ", 'False'" : ''}
      from ${source.render()} as src left join ${current.render()} as cur on ${joinOn}
      where cur.dbt_scd_id is null or (${changed})`);

    // 3. Hard deletes: current versions whose key left the source.
    let closedDeleted = 0;
    let insertedDeletions = 0;
    if (plan.hardDeletes !== 'ignore') {
      const gone = `
        select cur.dbt_scd_id from ${current.render()} as cur
        where not exists (select 1 from ${source.render()} as src where ${joinOn})
        ${plan.hardDeletes === 'new_record' ? "and cur.dbt_is_deleted is distinct from 'True'" : ''}`;
      if (plan.hardDeletes === 'new_record') {
        insertedDeletions = await insertDeletionRecords(conn, plan, target, targetColumns, gone);
      }
      const closed = await conn.query(`
        update ${target.render()} as snap set dbt_valid_to = ${RUN_TIME}
        where snap.dbt_valid_to is null and snap.dbt_scd_id in (${gone})`);
      closedDeleted = closed.rowsAffected ?? 0;
    }
    return {
      inserted: (insertedRows.rowsAffected ?? 0) + insertedDeletions,
      closed: (closedChanged.rowsAffected ?? 0) + closedDeleted,
    };
  } finally {
    await conn.query(`drop table if exists ${source.render()}`).catch(() => {});
    await conn.query(`drop table if exists ${current.render()}`).catch(() => {});
  }
}

/** dbt adds source columns that are new since the last run to the snapshot table. */
async function addNewColumns(
  conn: Connection,
  target: Relation,
  sourceColumns: ColumnDescription[],
  targetNames: Set<string>,
): Promise<void> {
  for (const column of sourceColumns) {
    if (targetNames.has(column.name.toLowerCase())) continue;
    await conn.query(
      `alter table ${target.render()} add column ${quoteIdentifier(column.name)} ${column.dataType}`,
    );
  }
}

/** new_record: a copy of each deleted key's last version, flagged dbt_is_deleted = 'True'. */
async function insertDeletionRecords(
  conn: Connection,
  plan: SnapshotPlan,
  target: Relation,
  targetColumns: ColumnDescription[],
  goneScdIds: string,
): Promise<number> {
  const data = targetColumns
    .map((column) => column.name)
    .filter((column) => !META_COLUMNS.includes(column.toLowerCase()))
    .map(quoteIdentifier);
  const result = await conn.query(`
    insert into ${target.render()}
      (${[...data, 'dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to', 'dbt_is_deleted'].join(', ')})
    select ${data.join(', ')}, ${scdIdExpression(plan.keys, RUN_TIME)}, ${RUN_TIME}, ${RUN_TIME}, null, 'True'
    from ${target.render()}
    where dbt_valid_to is null and dbt_scd_id in (${goneScdIds})`);
  return result.rowsAffected ?? 0;
}
