/** Trino's SQL for the shared batch plan: partition keys, ranked rows, one batch's condition. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { inBatchSql, partitionKeySql, rankedRowsSql } from '../../src/adapters/trino/partition-batches.js';
import { planBatches } from '../../src/materialize/batches.js';

describe('trino partition batches', () => {
  it('computes identity and time transform keys in SQL', () => {
    const plan = planBatches(['day(sold_at)', 'region', 'MONTH("Odd ""Name")'], 100);
    assert.ok(plan);
    assert.deepEqual(partitionKeySql(plan), [
      `date_trunc('day', "sold_at")`,
      '"region"',
      `date_trunc('month', "Odd ""Name")`,
    ]);
  });

  it('ranks the rows by their partition key and keeps one rank range per batch', () => {
    const plan = planBatches(['day(sold_at)'], 100);
    assert.ok(plan);
    assert.equal(
      rankedRowsSql(plan, '(select 1)'),
      `select rows_to_write.*, dense_rank() over (order by date_trunc('day', "sold_at")) as __mdw_partition_rank from (select 1) as rows_to_write`,
    );
    assert.equal(inBatchSql({ first: 101, last: 200 }), '__mdw_partition_rank between 101 and 200');
  });
});
