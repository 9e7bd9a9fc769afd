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
 */
import type { Adapter, Connection, Relation } from '../adapters/types.js';
import type { MaterializationPlan } from '../materialize/plan.js';

export const CHANGED_PARTITIONS_VAR = 'mdw_changed_partitions';
const PLAIN_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The query listing the changed partitions, or null when they cannot be told apart. */
export function changedPartitionsQuery(
  plan: MaterializationPlan,
  sql: string,
  relation: Relation,
  quote: (name: string) => string,
): string | null {
  if (plan.kind !== 'incremental' || plan.fullRefresh) return null;
  if (plan.partitionSpec.length !== 1) return null;
  const [entry] = plan.partitionSpec;
  if (!entry || entry.granularity || !PLAIN_NAME.test(entry.field)) return null;
  const column = quote(entry.field);
  const newRows = `select ${column} as changed_partition from (\n${sql}\n) as mdw_new_rows`;
  const keys = plan.incremental.uniqueKey;
  const replaced =
    plan.incremental.strategy !== 'append' && keys.length === 1 && PLAIN_NAME.test(keys[0] ?? '')
      ? `\nunion all\nselect ${column} from ${relation.render()} where ${quote(keys[0]!)} in (select ${quote(keys[0]!)} from (\n${sql}\n) as mdw_new_keys)`
      : '';
  return `select distinct cast(changed_partition as varchar) from (${newRows}${replaced}) as mdw_changed order by 1`;
}

export async function changedPartitions(
  adapter: Adapter,
  connection: Connection,
  plan: MaterializationPlan,
  sql: string,
  relation: Relation,
): Promise<string[] | null> {
  const query = changedPartitionsQuery(plan, sql, relation, (name) => adapter.quoteIdentifier(name));
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
