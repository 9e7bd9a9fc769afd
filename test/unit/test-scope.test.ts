/** Tests proportional to change: which refs of a data test are narrowed to the changed partitions. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ManifestNode } from '../../src/manifest/types.js';
import { CHANGED_PARTITIONS_VAR } from '../../src/run/changed-partitions.js';
import { scopedRelations } from '../../src/run/test-scope.js';
import { testNode } from '../support/nodes.js';

const scoped = { meta: { mdw_test_scope: 'changed_partitions' } };
const fact = testNode('model', 'fact', { materialized: 'incremental', partition_by: 'partition', ...scoped });
const staging = testNode('model', 'staging', { materialized: 'view', ...scoped });
const firstSeen = testNode('model', 'first_seen', {
  materialized: 'incremental',
  meta: { ...scoped.meta, mdw_change_column: 'first_partition' },
});
const unpartitioned = testNode('model', 'unpartitioned', { materialized: 'incremental', ...scoped });
const nodes = new Map<string, ManifestNode>([
  [fact.unique_id, fact],
  [staging.unique_id, staging],
  [firstSeen.unique_id, firstSeen],
  [unpartitioned.unique_id, unpartitioned],
]);

function refsNarrowed(dependsOn: ManifestNode[], published: Record<string, string[]>): string[] {
  const test = testNode(
    'test',
    'reconcile',
    {},
    { depends_on: { nodes: dependsOn.map((n) => n.unique_id), macros: [] } },
  );
  const narrowed = scopedRelations(test, {
    nodeOf: (id) => nodes.get(id),
    vars: { [CHANGED_PARTITIONS_VAR]: published },
    render: (node) => `main.${node.alias}`,
    quote: (name) => `"${name}"`,
  });
  return [...narrowed.values()].map((relation) => relation.render()).sort();
}

describe('test scope', () => {
  it('narrows a test of one scoped model to the partitions it changed', () => {
    assert.deepEqual(refsNarrowed([fact], { fact: ['20180510'] }), [
      `(select * from main.fact where "partition" in ('20180510'))`,
    ]);
  });

  it('narrows both sides of a reconciliation when both published their partitions', () => {
    assert.equal(refsNarrowed([staging, fact], { fact: ['20180510'], staging: ['20180510'] }).length, 2);
  });

  it('narrows an unpartitioned model on its declared change column, and reads everything without one', () => {
    assert.deepEqual(refsNarrowed([firstSeen], { first_seen: ['20180510'] }), [
      `(select * from main.first_seen where "first_partition" in ('20180510'))`,
    ]);
    assert.deepEqual(refsNarrowed([unpartitioned], { unpartitioned: ['20180510'] }), []);
  });

  it('reads everything when only one side of a reconciliation is narrowed', () => {
    // single-file landing: staging brings in no dated folders, while the fact published its day
    assert.deepEqual(refsNarrowed([staging, fact], { fact: ['20180510'] }), []);
  });
});
