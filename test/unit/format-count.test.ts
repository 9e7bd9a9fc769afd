import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatCount } from '../../src/util/format-count.js';

describe('formatCount', () => {
  it("groups thousands as toLocaleString('en-US') does", () => {
    for (const n of [0, 7, 999, 1000, 12_345, 110_676, 1_000_000, 9_007_199_254_740_991, -1234, -999])
      assert.equal(formatCount(n), n.toLocaleString('en-US'), String(n));
  });

  it('leaves a number that is not a whole one to toLocaleString', () => {
    assert.equal(formatCount(1234.5), '1,234.5');
  });
});
