/**
 * Batch planning in the shared plan: which partitionings an engine with a per-statement
 * partition limit splits into batches, the keys that rank the rows, and the rank ranges.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { batchRanges, partitionFields, planBatches } from '../../src/materialize/batches.js';
import { planMaterialization } from '../../src/materialize/plan.js';
import { testNode } from '../support/nodes.js';

describe('batch planning', () => {
  it('keys identity and time-transform fields, with quoted names unquoted', () => {
    assert.deepEqual(planBatches(['day(sold_at)', 'region', 'HOUR( "Odd ""Name" )'], 100), {
      keys: [
        { column: 'sold_at', transform: 'day' },
        { column: 'region', transform: 'identity' },
        { column: 'Odd "Name', transform: 'hour' },
      ],
      maxPartitions: 100,
    });
  });

  it('plans no batches without a limit, without partitions, or for bucket, truncate and expressions', () => {
    assert.equal(planBatches(['day(sold_at)'], null), null);
    assert.equal(planBatches([], 100), null);
    assert.equal(planBatches(['day(sold_at)', 'bucket(16, id)'], 100), null);
    assert.equal(planBatches(['truncate(3, region)'], 100), null);
    assert.equal(planBatches(['year(a + b)'], 100), null);
    assert.throws(() => planBatches(['region'], 0), RangeError);
  });

  it('covers every partition with consecutive ranges of at most maxPartitions, and at least one', () => {
    const plan = planBatches(['region'], 100)!;
    assert.deepEqual(batchRanges(plan, 250), [
      { first: 1, last: 100 },
      { first: 101, last: 200 },
      { first: 201, last: 300 },
    ]);
    assert.deepEqual(batchRanges(plan, 100), [{ first: 1, last: 100 }]);
    assert.deepEqual(batchRanges(plan, 0), [{ first: 1, last: 100 }]);
    assert.deepEqual(batchRanges({ ...plan, maxPartitions: 3 }, 7), [
      { first: 1, last: 3 },
      { first: 4, last: 6 },
      { first: 7, last: 9 },
    ]);
  });

  it('reads partition_by (granularity as a transform) and then partitioned_by', () => {
    assert.deepEqual(
      partitionFields([{ field: 'sold_at', granularity: 'DAY' }, { field: ' region ' }], {
        partitioned_by: ['month(shipped_at)'],
      }),
      ['day(sold_at)', 'region', 'month(shipped_at)'],
    );
    assert.deepEqual(partitionFields([], { partitioned_by: 'region' }), ['region']);
  });

  it("puts the batches in the table and incremental plans from the engine's limit", () => {
    const rules = { engine: 'X', defaultStrategy: 'append' as const, strategies: ['append' as const] };
    const plan = (config: Record<string, unknown>, maxPartitionsPerWrite: number | null) =>
      planMaterialization(testNode('model', 'm', config), {
        fullRefresh: false,
        incremental: rules,
        maxPartitionsPerWrite,
        warn: () => {},
      });
    const table = plan({ materialized: 'table', partition_by: ['day(sold_at)'] }, 100);
    assert.equal(table.kind, 'table');
    if (table.kind === 'table')
      assert.deepEqual(table.batches, {
        keys: [{ column: 'sold_at', transform: 'day' }],
        maxPartitions: 100,
      });
    const incremental = plan({ materialized: 'incremental', partitioned_by: 'region' }, 50);
    assert.equal(incremental.kind, 'incremental');
    if (incremental.kind === 'incremental') assert.equal(incremental.batches?.maxPartitions, 50);
    const unlimited = plan({ materialized: 'table', partition_by: ['day(sold_at)'] }, null);
    assert.equal(unlimited.kind === 'table' && unlimited.batches, null);
  });
});
