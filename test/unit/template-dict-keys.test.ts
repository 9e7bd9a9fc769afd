/**
 * Dict literal keys are expressions in Jinja (dbt_utils' star does `{key.lower(): val}`), while
 * keyword arguments keep their names. Expected values are jinja2's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTemplateEngine } from '../../src/template/engine.js';

const engine = createTemplateEngine({ macroFiles: [], adapterType: 'duckdb', rootPackage: 'p' });
const render = (source: string) => engine.render(source, 'models/m.sql', {}).sql;

describe('dict literal keys', () => {
  it('a method call as a key', () => {
    const source =
      "{% set r = {} %}{% for k, v in {'A': 1, 'B': 2}.items() %}{% do r.update({k.lower(): v}) %}{% endfor %}{{ r }}";
    assert.equal(render(source), "{'a': 1, 'b': 2}");
  });
  it('a name as a key is its value; keyword arguments stay names', () => {
    assert.equal(render("{% set name = 'x' %}{{ {name: 1, 'q': 2} }}"), "{'x': 1, 'q': 2}");
    assert.equal(render("{% set name = 'x' %}{{ dict(name=1) }}"), "{'name': 1}");
  });
  it('a concatenation as a key', () => assert.equal(render("{{ {'a' ~ 'b': 1} }}"), "{'ab': 1}"));
});
