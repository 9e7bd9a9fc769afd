/**
 * Snapshots (dbt's type-2 SCD) on Athena's Iceberg tables, the same statements as on Trino
 * (Athena v3 is Trino): stage the source rows and the current versions in Iceberg tables,
 * close changed versions with MERGE, insert new keys and new versions. One run timestamp stamps
 * every row of the run. Meta-columns as dbt: dbt_scd_id, dbt_updated_at, dbt_valid_from,
 * dbt_valid_to (NULL while current).
 */
import type { ManifestNode } from '../../manifest/types.js';
import type { SnapshotPlan } from '../../materialize/snapshot.js';
import { ExecutionError } from '../../util/errors.js';
import { asSubquery, columnReference, quoteIdentifier, sqlString } from '../sql-helpers.js';
import { scdId, writeVersions } from '../trino/snapshot.js';
import type { MaterializeResult } from '../types.js';
import { dataLocation, hiveType, icebergWith } from './layout.js';
import { type BuildContext, dropRelation, listColumns, lookup } from './materialize.js';
import { type AthenaRelation, hiveIdentifier } from './relation.js';

const keyColumn = (index: number) => quoteIdentifier(`__mdw_key_${index}`);

export async function buildSnapshot(
  ctx: BuildContext,
  node: ManifestNode,
  target: AthenaRelation,
  sql: string,
  plan: SnapshotPlan,
  now: Date = new Date(),
): Promise<MaterializeResult> {
  const { conn } = ctx;
  if (plan.hardDeletes === 'new_record')
    throw new ExecutionError(
      `Snapshot ${node.name}: hard_deletes 'new_record' is not built on the athena target yet; use 'invalidate' or 'ignore'.`,
    );
  const runTime = `cast(${sqlString(now.toISOString().replace('T', ' ').replace('Z', ''))} as timestamp(6))`;
  const updatedAt = plan.updatedAt === null ? runTime : columnReference(plan.updatedAt);
  const iceberg = (relation: AthenaRelation) =>
    icebergWith(
      dataLocation(
        ctx.profile.dataDir,
        ctx.profile.dataNaming,
        relation.schema.toLowerCase(),
        relation.identifier.toLowerCase(),
        () => conn.warehouse.uniqueId(),
      ),
      [],
      node.config,
      node.name,
    );
  await ctx.schemas.ensure(conn, target.schema);
  const existing = await lookup(ctx, target);
  if (existing?.kind === 'view')
    throw new ExecutionError(`Snapshot ${node.name}: ${target.render()} is a view, not a snapshot table.`);
  if (!existing) {
    const result = await conn.query(`
      create table ${target.render()}${iceberg(target)} as
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
  const dropIfAny = async (relation: AthenaRelation) => {
    const info = await lookup(ctx, relation);
    if (info) await dropRelation(ctx, relation, info);
  };
  const keySelect = plan.keys.map((key, i) => `${columnReference(key)} as ${keyColumn(i)}`).join(', ');
  for (const staged of [source, current, changes]) await dropIfAny(staged);
  try {
    await conn.query(
      `create table ${source.render()}${iceberg(source)} as select *, ${keySelect} from ${asSubquery(sql)} as snapshot_query`,
    );
    const targetNames = new Set((await listColumns(conn, target)).map((c) => c.name.toLowerCase()));
    const sourceColumns = (await listColumns(conn, source)).filter((c) => !c.name.startsWith('__mdw_key_'));
    const checkCols = plan.checkCols === 'all' ? sourceColumns.map((c) => c.name) : plan.checkCols;
    const checkColumnAdded =
      plan.strategy === 'check' && checkCols.some((c) => !targetNames.has(c.toLowerCase()));
    const added = sourceColumns.filter((c) => !targetNames.has(c.name.toLowerCase()));
    if (added.length > 0)
      await conn.query(
        `alter table ${target.renderHive()} add columns (${added.map((c) => `${hiveIdentifier(c.name)} ${hiveType(c.dataType)}`).join(', ')})`,
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
      createSuffix: iceberg,
    });
  } finally {
    for (const staged of [source, current, changes]) await dropIfAny(staged).catch(() => {});
  }
}
