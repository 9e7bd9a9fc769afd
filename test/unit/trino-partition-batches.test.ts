/** Which partitionings the Trino adapter can split into batches, and the key SQL it uses. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { partitionKeyExpressions } from '../../src/adapters/trino/partition-batches.js';

describe('trino partition batches', () => {
  it('computes identity and time transform keys in SQL', () => {
    assert.deepEqual(partitionKeyExpressions(['day(sold_at)', 'region', 'MONTH("Odd Name")']), [
      `date_trunc('day', "sold_at")`,
      '"region"',
      `date_trunc('month', "Odd Name")`,
    ]);
  });

  it('leaves bucket, truncate and unpartitioned tables to one statement', () => {
    assert.equal(partitionKeyExpressions(['day(sold_at)', 'bucket(id, 4)']), null);
    assert.equal(partitionKeyExpressions(['truncate(region, 3)']), null);
    assert.equal(partitionKeyExpressions([]), null);
  });
});
