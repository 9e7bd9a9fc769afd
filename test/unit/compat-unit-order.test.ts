/** The compat runner's comparison of a model's unit tests, which dbt runs in hash-set order. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { alignUnitTestOrder } from '../../scripts/compat-unit-order.js';

const id = (name: string) => `unit_test.p.m.${name}`;

describe('alignUnitTestOrder', () => {
  it("takes dbt's order when a model's unit tests have the same statuses", () => {
    const dbt = new Map([
      [id('a'), 'skipped'],
      [id('b'), 'error'],
    ]);
    const mdw = new Map([
      [id('a'), 'error'],
      [id('b'), 'skipped'],
    ]);
    alignUnitTestOrder(dbt, mdw);
    assert.equal(mdw.get(id('a')), 'skipped');
    assert.equal(mdw.get(id('b')), 'error');
  });
  it('leaves other statuses and other nodes as they are', () => {
    const dbt = new Map([
      [id('a'), 'pass'],
      [id('b'), 'error'],
      ['model.p.m', 'skipped'],
    ]);
    const mdw = new Map([
      [id('a'), 'error'],
      [id('b'), 'error'],
      ['model.p.m', 'success'],
    ]);
    alignUnitTestOrder(dbt, mdw);
    assert.equal(mdw.get(id('a')), 'error');
    assert.equal(mdw.get('model.p.m'), 'success');
  });
});
