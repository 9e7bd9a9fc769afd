import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodeConfig } from '../../src/manifest/types.js';
import { conditionHolds, testStatus } from '../../src/run/test-severity.js';

const config = (extra: Partial<NodeConfig>): NodeConfig => ({
  enabled: true,
  materialized: 'test',
  tags: [],
  meta: {},
  ...extra,
});

describe('test severity', () => {
  it('fails on any failure by default', () => {
    assert.equal(testStatus(config({}), 0), 'pass');
    assert.equal(testStatus(config({}), 1), 'fail');
  });
  it('warns instead of failing at severity warn', () => {
    assert.equal(testStatus(config({ severity: 'warn' }), 3), 'warn');
    assert.equal(testStatus(config({ severity: 'warn' }), 0), 'pass');
  });
  it('applies warn_if and error_if thresholds', () => {
    const c = config({ warn_if: '>1', error_if: '>10' });
    assert.equal(testStatus(c, 1), 'pass');
    assert.equal(testStatus(c, 5), 'warn');
    assert.equal(testStatus(c, 11), 'fail');
  });
  it('understands every comparison', () => {
    assert.ok(conditionHolds('>= 2', 2));
    assert.ok(!conditionHolds('< 2', 2));
    assert.ok(conditionHolds('<= 2', 2));
    assert.ok(conditionHolds('= 2', 2));
    assert.ok(conditionHolds('<> 0', 1));
  });
});
