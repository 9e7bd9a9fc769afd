/**
 * Tests proportional to change. A model whose config has `meta: {mdw_test_scope:
 * changed_partitions}` and whose incremental run in this invocation published the
 * partitions it changed (src/run/changed-partitions.ts) is seen by its data tests as only
 * those partitions: every ref() to it in a test compiles to
 * `(select * from <model> where partition in (...))`. A model rebuilt whole, not built in
 * this invocation (`mdw test`) or under --full-refresh publishes nothing, so its tests read
 * everything. Tests comparing two scoped models (a reconciliation) compare the changed days;
 * a test with `meta: {mdw_test_scope: all}` of its own always reads everything. An
 * unpartitioned model is narrowed on the column it declares in `meta: {mdw_change_column}`.
 */
import type { ManifestNode } from '../manifest/types.js';
import { CHANGED_PARTITIONS_VAR, listedColumnOf, nodeMeta } from './changed-partitions.js';
import { relationKey } from './compile.js';

export const TEST_SCOPE_META = 'mdw_test_scope';
export const CHANGED_PARTITIONS_SCOPE = 'changed_partitions';

interface ScopeInputs {
  nodeOf: (uniqueId: string) => ManifestNode | undefined;
  vars: Record<string, unknown>;
  /** the model's relation as SQL names it */
  render: (node: ManifestNode) => string;
  quote: (name: string) => string;
}

/** The refs of a test to render narrowed to the changed partitions (empty: none). */
export function scopedRelations(test: ManifestNode, inputs: ScopeInputs): Map<string, { render(): string }> {
  const scoped = new Map<string, { render(): string }>();
  if (test.resource_type !== 'test') return scoped;
  // A test that compares with an unpartitioned input (staging, say) opts out: it reads everything.
  if (nodeMeta(test)[TEST_SCOPE_META] === 'all') return scoped;
  const published = inputs.vars[CHANGED_PARTITIONS_VAR];
  if (!published || typeof published !== 'object') return scoped;
  for (const id of test.depends_on.nodes) {
    const model = inputs.nodeOf(id);
    if (model?.resource_type !== 'model') continue;
    if (nodeMeta(model)[TEST_SCOPE_META] !== CHANGED_PARTITIONS_SCOPE) continue;
    const partitions = (published as Record<string, unknown>)[model.name];
    const column = partitionColumn(model);
    // A test over several scoped models (a reconciliation) compares the same days on every side
    // or reads everything: one side narrowed and the other whole would report the rest as missing.
    if (!Array.isArray(partitions) || column === null) return new Map();
    const condition = partitionCondition(inputs.quote(column), partitions.map(String));
    const sql = `(select * from ${inputs.render(model)} where ${condition})`;
    scoped.set(relationKey(model.schema, model.alias), { render: () => sql });
  }
  return scoped;
}

/** `"partition" in ('20180301', ...)`, or false when no partition changed. */
export function partitionCondition(quotedColumn: string, partitions: readonly string[]): string {
  if (partitions.length === 0) return '1 = 0';
  return `${quotedColumn} in (${partitions.map((p) => `'${p.replaceAll("'", "''")}'`).join(', ')})`;
}

function partitionColumn(model: ManifestNode): string | null {
  // A view scoped by its landing folders (src/run/landing-partitions.ts) reads them as `partition`.
  if (String(model.config.materialized ?? 'view') === 'view') return 'partition';
  // the column whose values the model's run published: the same rule as the run's own
  return listedColumnOf(model);
}
