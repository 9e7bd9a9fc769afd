/**
 * The partitions an incremental run of a model changes, published to the models and tests
 * built after it in the same invocation through the var `mdw_changed_partitions`
 * ({model name: [partition values]}). A model absent from the var was rebuilt whole, not
 * built in this invocation, or is not partitioned by one column: readers then take every
 * partition as changed. dbt itself never sets the var, so a project reading it through
 * `var('mdw_changed_partitions', {})` runs unchanged (and in full) under dbt.
 *
 * The set is computed before the merge, in engine-neutral SQL over the model's new rows:
 * the partitions of the new rows, plus the partitions now holding the rows those new rows
 * replace (a corrected sale may move to another day).
 *
 * An unpartitioned model may name a column that stands in for its partition with
 * `meta: {mdw_change_column: <column>}` (a first-seen table's first day, say): its values of
 * the new rows and of the rows they replace are listed the same way, and tests scoped to the
 * changed partitions (src/run/test-scope.ts) read the rows holding them.
 */
import type { Adapter, Connection, Relation } from '../adapters/types.js';
import type { ManifestNode } from '../manifest/types.js';
import { type PartitionEntry, partitionEntries } from '../materialize/incremental.js';
import type { MaterializationPlan } from '../materialize/plan.js';

export const CHANGED_PARTITIONS_VAR = 'mdw_changed_partitions';
export const CHANGE_COLUMN_META = 'mdw_change_column';
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A node's meta: its `meta:` property under its config's `meta`, as dbt merges them. */
export function nodeMeta(node: ManifestNode): Record<string, unknown> {
  return { ...node.meta, ...((node.config.meta ?? {}) as Record<string, unknown>) };
}

/** The column an unpartitioned model names in `meta: {mdw_change_column}`, or null. */
export function declaredChangeColumn(node: ManifestNode): string | null {
  const column = nodeMeta(node)[CHANGE_COLUMN_META];
  return typeof column === 'string' && PLAIN_NAME.test(column) ? column : null;
}

/**
 * The query listing the changed partitions, or null when they cannot be told apart.
 * changeColumn: the model's declared change column (declaredChangeColumn), used when it is not
 * partitioned.
 */
export function changedPartitionsQuery(
  plan: MaterializationPlan,
  sql: string,
  relation: Relation,
  quote: (name: string) => string,
  changeColumn: string | null = null,
): string | null {
  if (plan.kind !== 'incremental' || plan.fullRefresh) return null;
  const field = listedColumn(plan.partitionSpec, changeColumn);
  if (field === null) return null;
  const column = quote(field);
  const newRows = `select ${column} as changed_partition from (\n${sql}\n) as mdw_new_rows`;
  const keys = plan.incremental.uniqueKey;
  // A key that is the listed column itself replaces rows of the new rows' values only.
  const replaces =
    plan.incremental.strategy !== 'append' &&
    keys.length === 1 &&
    PLAIN_NAME.test(keys[0] ?? '') &&
    keys[0] !== field;
  const replaced = replaces
    ? `\nunion all\nselect ${column} from ${relation.render()} where ${quote(keys[0]!)} in (select ${quote(keys[0]!)} from (\n${sql}\n) as mdw_new_keys)`
    : '';
  return `select distinct cast(changed_partition as varchar) from (${newRows}${replaced}) as mdw_changed order by 1`;
}

/** The column whose values a model's incremental run lists as its changed partitions, or null. */
export function listedColumnOf(node: ManifestNode): string | null {
  return listedColumn(partitionEntries(node.config.partition_by), declaredChangeColumn(node));
}

/** The one identity partition column, else the declared change column of an unpartitioned model. */
function listedColumn(spec: readonly PartitionEntry[], changeColumn: string | null): string | null {
  if (spec.length === 0) return changeColumn;
  const [entry] = spec;
  if (spec.length !== 1 || !entry || entry.granularity || !PLAIN_NAME.test(entry.field)) return null;
  return entry.field;
}

export async function changedPartitions(
  adapter: Adapter,
  connection: Connection,
  plan: MaterializationPlan,
  sql: string,
  relation: Relation,
  changeColumn: string | null = null,
): Promise<string[] | null> {
  const query = changedPartitionsQuery(
    plan,
    sql,
    relation,
    (name) => adapter.quoteIdentifier(name),
    changeColumn,
  );
  if (query === null) return null;
  const result = await connection.query(query);
  return result.rows
    .map((row) => row[0])
    .filter((value) => value !== null && value !== undefined)
    .map(String);
}

/** Publishes (or withdraws, when null) a model's changed partitions to the rest of the invocation. */
export function publishChangedPartitions(
  vars: Record<string, unknown>,
  model: string,
  partitions: string[] | null,
): void {
  publishPerModel(vars, CHANGED_PARTITIONS_VAR, model, partitions);
}

/**
 * Sets (or removes, when null) `model`'s entry of the var `name`, a {model name: list} map that
 * macros read during the invocation (changed partitions, settled inputs).
 */
export function publishPerModel(
  vars: Record<string, unknown>,
  name: string,
  model: string,
  values: string[] | null,
): void {
  const current = vars[name];
  const published: Record<string, string[]> =
    current && typeof current === 'object' && !Array.isArray(current)
      ? { ...(current as Record<string, string[]>) }
      : {};
  if (values === null) delete published[model];
  else published[model] = values;
  vars[name] = published;
}

/** Whether this invocation published the partitions `model` changed (its run listed them). */
export function changesListed(vars: Record<string, unknown>, model: string): boolean {
  const published = vars[CHANGED_PARTITIONS_VAR];
  return (
    !!published &&
    typeof published === 'object' &&
    Array.isArray((published as Record<string, unknown>)[model])
  );
}
