/**
 * `f(a, *rest)` in a call (dbt_utils' surrogate_key passes `*varargs` on): the items become
 * positional arguments, next to keyword arguments and `**mapping`, as in Jinja.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTemplateEngine } from '../../src/template/engine.js';

const engine = createTemplateEngine({
  macroFiles: [
    {
      path: 'macros/k.sql',
      packageName: 'p',
      contents:
        '{% macro k(a) %}{{ a }}|{{ varargs | length }}:{{ varargs | join(",") }}|{{ kwargs }}{% endmacro %}{% macro outer(f) %}{{ k(f, *varargs) }}{% endmacro %}',
    },
  ],
  adapterType: 'duckdb',
  rootPackage: 'p',
});
const render = (source: string) => engine.render(source, 'models/m.sql', {}).sql;

describe('*args in calls', () => {
  it('passes varargs on', () => assert.equal(render('{{ outer(1, 2, 3) }}'), '1|2:2,3|{}'));
  it('spreads a list before keyword arguments', () =>
    assert.equal(render('{{ k(*[1, 2], b=3) }}'), "1|1:2|{'b': 3}"));
  it('spreads a tuple next to **mapping', () =>
    assert.equal(render("{{ k(0, *('x',), **{'c': 1}) }}"), "0|1:x|{'c': 1}"));
  it('leaves multiplication alone', () => assert.equal(render('{{ 2 * 3 }}'), '6'));
});
