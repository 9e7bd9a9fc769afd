/**
 * set() as Python's: distinct items, and two sets with the same items in another order are equal
 * (dbt_utils.equality compares the column sets of two relations). Expected values are jinja2's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTemplateEngine } from '../../src/template/engine.js';

const engine = createTemplateEngine({ macroFiles: [], adapterType: 'duckdb', rootPackage: 'p' });
const render = (source: string) => engine.render(source, 'models/m.sql', {}).sql;

describe('set()', () => {
  it('sets with the same items in another order are equal', () => {
    assert.equal(render("{{ set(['a', 'b', 'c']) == set(['c', 'a', 'b']) }}"), 'True');
    assert.equal(render("{{ set(['a', 'b']) != set(['b', 'a', 'a']) }}"), 'False');
  });
  it('sets with other items differ; lists keep their order', () => {
    assert.equal(render("{{ set(['a', 'b']) == set(['a', 'c']) }}"), 'False');
    assert.equal(render("{{ ['a', 'b'] == ['b', 'a'] }}"), 'False');
  });
  it('keeps distinct items and list behaviour', () => {
    assert.equal(render("{{ set(['a', 'b', 'a']) | length }}"), '2');
    assert.equal(render("{{ 'b' in set(['a', 'b']) }}"), 'True');
    assert.equal(render("{{ set(['x', 'y']) | map('upper') | join(',') }}"), 'X,Y');
  });
});
