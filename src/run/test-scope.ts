/**
 * Tests proportional to change. A model whose config has `meta: {mdw_test_scope:
 * changed_partitions}` and whose incremental run in this invocation published the
 * partitions it changed (src/run/changed-partitions.ts) is seen by its data tests as only
 * those partitions: every ref() to it in a test compiles to
 * `(select * from <model> where partition in (...))`. A model rebuilt whole, not built in
 * this invocation (`mdw test`) or under --full-refresh publishes nothing, so its tests read
 * everything. Tests comparing two scoped models (a reconciliation) compare the changed days;
 * a test with `meta: {mdw_test_scope: all}` of its own always reads everything.
 */
import type { ManifestNode } from '../manifest/types.js';
import { CHANGED_PARTITIONS_VAR } from './changed-partitions.js';
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
  const own = { ...test.meta, ...((test.config.meta ?? {}) as Record<string, unknown>) };
  if (own[TEST_SCOPE_META] === 'all') return scoped;
  const published = inputs.vars[CHANGED_PARTITIONS_VAR];
  if (!published || typeof published !== 'object') return scoped;
  for (const id of test.depends_on.nodes) {
    const model = inputs.nodeOf(id);
    if (model?.resource_type !== 'model') continue;
    const meta = { ...model.meta, ...((model.config.meta ?? {}) as Record<string, unknown>) };
    if (meta[TEST_SCOPE_META] !== CHANGED_PARTITIONS_SCOPE) continue;
    const partitions = (published as Record<string, unknown>)[model.name];
    const column = partitionColumn(model);
    // A test over several scoped models (a reconciliation) compares the same days on every side
    // or reads everything: one side narrowed and the other whole would report the rest as missing.
    if (!Array.isArray(partitions) || column === null) return new Map();
    const condition =
      partitions.length === 0
        ? '1 = 0'
        : `${inputs.quote(column)} in (${partitions.map((p) => `'${String(p).replaceAll("'", "''")}'`).join(', ')})`;
    const sql = `(select * from ${inputs.render(model)} where ${condition})`;
    scoped.set(relationKey(model.schema, model.alias), { render: () => sql });
  }
  return scoped;
}

function partitionColumn(model: ManifestNode): string | null {
  // A view scoped by its landing folders (src/run/landing-partitions.ts) reads them as `partition`.
  if (String(model.config.materialized ?? 'view') === 'view') return 'partition';
  const spec = model.config.partition_by;
  const entries = Array.isArray(spec) ? spec : [spec];
  return entries.length === 1 && typeof entries[0] === 'string' ? entries[0] : null;
}
