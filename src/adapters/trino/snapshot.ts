/**
 * Snapshots (dbt's type-2 SCD) on Trino's Iceberg tables. Each run stages the source rows and
 * the current versions in tables, closes the versions that changed with MERGE (Trino has no
 * UPDATE … FROM), and inserts new keys and new versions. One run timestamp, taken here, stamps
 * every row of the run. Meta-columns as dbt: dbt_scd_id (md5 of the keys and the version's
 * timestamp, '|'-joined), dbt_updated_at, dbt_valid_from, dbt_valid_to (NULL while current).
 */
import type { ManifestNode } from '../../manifest/types.js';
import type { SnapshotPlan } from '../../materialize/snapshot.js';
import { ExecutionError } from '../../util/errors.js';
import { asSubquery, columnReference, qualifiedColumn, quoteIdentifier, sqlString } from '../sql-helpers.js';
import type { MaterializeResult } from '../types.js';
import { dropRelation, findRelation, listColumns, type SchemaRegistry } from './catalog.js';
import type { TrinoConnection } from './connection.js';
import type { TrinoRelation } from './relation.js';

const keyColumn = (index: number) => quoteIdentifier(`__mdw_key_${index}`);
const checkColumn = (index: number) => quoteIdentifier(`__mdw_check_${index}`);
/** a staged change's column: the dbt_scd_id of the current version it closes */
const CLOSES = quoteIdentifier('__mdw_closes');

export async function buildSnapshot(
  conn: TrinoConnection,
  schemas: SchemaRegistry,
  node: ManifestNode,
  target: TrinoRelation,
  sql: string,
  plan: SnapshotPlan,
): Promise<MaterializeResult> {
  if (plan.hardDeletes === 'new_record')
    throw new ExecutionError(
      `Snapshot ${node.name}: hard_deletes 'new_record' is not built on the trino target yet; use 'invalidate' or 'ignore'.`,
    );
  const runTime = `cast(${sqlString(new Date().toISOString().replace('T', ' ').replace('Z', ''))} as timestamp(6))`;
  const updatedAt = plan.updatedAt === null ? runTime : columnReference(plan.updatedAt);
  await schemas.ensure(conn, target.database, target.schema);
  const existing = await findRelation(conn, target.database, target.schema, target.identifier);
  if (existing?.type === 'view')
    throw new ExecutionError(`Snapshot ${node.name}: ${target.render()} is a view, not a snapshot table.`);
  if (!existing) {
    const result = await conn.query(`
      create table ${target.render()} as
      select *, ${scdId(plan.keys.map(columnReference), updatedAt)} as dbt_scd_id,
        ${updatedAt} as dbt_updated_at, ${updatedAt} as dbt_valid_from,
        nullif(${updatedAt}, ${updatedAt}) as dbt_valid_to
      from ${asSubquery(sql)} as snapshot_query`);
    const rows = result.rowsAffected ?? 0;
    return { rowsAffected: rows, message: `CREATE TABLE (${rows} rows)` };
  }

  const source = target.sibling(`${target.identifier}__mdw_snapshot_source`);
  const current = target.sibling(`${target.identifier}__mdw_snapshot_current`);
  const changes = target.sibling(`${target.identifier}__mdw_snapshot_changes`);
  const keySelect = plan.keys.map((key, i) => `${columnReference(key)} as ${keyColumn(i)}`).join(', ');
  for (const staged of [source, current, changes]) await dropRelation(conn, staged);
  try {
    await conn.query(
      `create table ${source.render()} as select *, ${keySelect} from ${asSubquery(sql)} as snapshot_query`,
    );
    const targetNames = new Set((await listColumns(conn, target)).map((c) => c.name.toLowerCase()));
    const sourceColumns = (await listColumns(conn, source)).filter((c) => !c.name.startsWith('__mdw_key_'));
    const checkCols = plan.checkCols === 'all' ? sourceColumns.map((c) => c.name) : plan.checkCols;
    // dbt treats every row as changed when a checked column is new to the snapshot table
    const checkColumnAdded =
      plan.strategy === 'check' && checkCols.some((c) => !targetNames.has(c.toLowerCase()));
    for (const column of sourceColumns.filter((c) => !targetNames.has(c.name.toLowerCase())))
      await conn.query(
        `alter table ${target.render()} add column ${quoteIdentifier(column.name)} ${column.dataType}`,
      );

    return await writeVersions({
      conn,
      target,
      source,
      current,
      changes,
      plan,
      runTime,
      sourceColumns,
      checkCols,
      checkColumnAdded,
    });
  } finally {
    for (const staged of [source, current, changes])
      await conn.query(`drop table if exists ${staged.render()}`).catch(() => {});
  }
}

/** A connection that runs one statement (Trino's, or Athena's: engine v3 is Trino). */
interface StatementRunner {
  query(sql: string): Promise<{ rowsAffected: number | null }>;
}

interface Rendered {
  render(): string;
}

/** What a snapshot run has staged before its versions are written. */
export interface StagedSnapshot<R extends Rendered> {
  conn: StatementRunner;
  target: R;
  /** the snapshot query's rows with their key columns (`__mdw_key_<i>`) */
  source: R;
  /** where the current versions are staged (hard_deletes 'invalidate' only) */
  current: R;
  /** where the new versions are staged, each with the version it closes */
  changes: R;
  plan: SnapshotPlan;
  runTime: string;
  sourceColumns: readonly { name: string }[];
  checkCols: readonly string[];
  /** a checked column is new to the snapshot table: dbt treats every row as changed */
  checkColumnAdded: boolean;
  /** table properties for the staged current versions (Athena names an Iceberg location) */
  createSuffix?: (relation: R) => string;
}

/**
 * Stages the current versions and the new ones, closes the changed ones with MERGE (Trino has no
 * UPDATE … FROM), inserts new keys and new versions, and closes deleted keys under hard_deletes
 * 'invalidate'. No new version: the target is read once and not written (but for 'invalidate').
 */
export async function writeVersions<R extends Rendered>(
  staged: StagedSnapshot<R>,
): Promise<MaterializeResult> {
  const { conn, target, source, current, plan, runTime, sourceColumns, checkCols, checkColumnAdded } = staged;
  const createSuffix = staged.createSuffix ?? (() => '');
  const keySelect = plan.keys.map((key, i) => `${columnReference(key)} as ${keyColumn(i)}`).join(', ');
  const checkSelect =
    plan.strategy === 'check' && !checkColumnAdded
      ? checkCols.map((col, i) => `, ${columnReference(col)} as ${checkColumn(i)}`).join('')
      : '';
  const currentRows = `select dbt_scd_id, dbt_valid_from, ${keySelect}${checkSelect}
    from ${target.render()} where dbt_valid_to is null`;
  // staged only for 'invalidate', which reads the current versions a second time; else the
  // changes below read them straight from the snapshot table (one read, not two)
  const invalidate = plan.hardDeletes === 'invalidate';
  if (invalidate)
    await conn.query(`create table ${current.render()}${createSuffix(current)} as ${currentRows}`);
  const currentVersions = invalidate ? current.render() : `(${currentRows})`;

  const joinOn = plan.keys.map((_, i) => `src.${keyColumn(i)} = cur.${keyColumn(i)}`).join(' and ');
  const changed =
    plan.strategy === 'timestamp'
      ? `cur.dbt_valid_from < ${qualifiedColumn('src', plan.updatedAt ?? '')}`
      : checkColumnAdded
        ? 'true'
        : checkCols
            .map((col, i) => `${qualifiedColumn('src', col)} is distinct from cur.${checkColumn(i)}`)
            .join(' or ');
  const sourceUpdatedAt = plan.updatedAt === null ? runTime : qualifiedColumn('src', plan.updatedAt);

  // the new versions, each with the current version it closes (none for a new key): one pass
  // over the staged rows; none at all (the usual day for master data) writes nothing
  const changes = await conn.query(`
    create table ${staged.changes.render()}${createSuffix(staged.changes)} as
    select src.*, cur.dbt_scd_id as ${CLOSES}
    from ${source.render()} as src left join ${currentVersions} as cur on ${joinOn}
    where cur.dbt_scd_id is null or (${changed})`);
  let insertedRows = 0;
  let closedRows = 0;
  if (changes.rowsAffected !== 0) {
    const closedChanged = await conn.query(`
      merge into ${target.render()} as snap
      using (select ${CLOSES} as scd_id, ${sourceUpdatedAt} as valid_to
             from ${staged.changes.render()} as src where ${CLOSES} is not null) as changes
      on snap.dbt_scd_id = changes.scd_id and snap.dbt_valid_to is null
      when matched then update set dbt_valid_to = changes.valid_to`);
    const names = sourceColumns.map((c) => quoteIdentifier(c.name));
    const inserted = await conn.query(`
      insert into ${target.render()} (${[...names, 'dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to'].join(', ')})
      select ${names.map((c) => `src.${c}`).join(', ')},
        ${scdId(
          plan.keys.map((_, i) => `src.${keyColumn(i)}`),
          sourceUpdatedAt,
        )}, ${sourceUpdatedAt}, ${sourceUpdatedAt}, null
      from ${staged.changes.render()} as src`);
    insertedRows = inserted.rowsAffected ?? 0;
    closedRows = closedChanged.rowsAffected ?? 0;
  }

  let closedDeleted = 0;
  if (plan.hardDeletes === 'invalidate') {
    const closed = await conn.query(`
      update ${target.render()} set dbt_valid_to = ${runTime}
      where dbt_valid_to is null and dbt_scd_id in (
        select cur.dbt_scd_id from ${current.render()} as cur
        where not exists (select 1 from ${source.render()} as src where ${joinOn}))`);
    closedDeleted = closed.rowsAffected ?? 0;
  }
  closedRows += closedDeleted;
  return {
    rowsAffected: insertedRows + closedRows,
    message: `INSERT ${insertedRows}, UPDATE ${closedRows}`,
  };
}

/** dbt's dbt_scd_id: md5 of the keys and the version's timestamp, '|'-joined, as hex. */
export function scdId(keys: string[], updatedAt: string): string {
  const parts = [...keys, updatedAt].map((part) => `coalesce(cast(${part} as varchar), '')`);
  return `lower(to_hex(md5(to_utf8(${parts.join(" || '|' || ")}))))`;
}
