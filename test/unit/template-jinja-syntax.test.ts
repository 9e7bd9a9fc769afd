/**
 * Jinja syntax dbt accepts that Nunjucks does not: trailing commas in list/dict/tuple literals,
 * tuple assignment, break/continue, with, recursive loops and loop.depth. Each expected output
 * is what dbt-core's Jinja environment renders for the same template.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTemplateEngine } from '../../src/template/engine.js';

const engine = createTemplateEngine({ macroFiles: [], adapterType: 'duckdb', rootPackage: 'p' });
const render = (source: string) => engine.render(source, 'models/m.sql', {}).sql;

const CASES: [string, string][] = [
  ['{% set xs = [1, 2, 3,] %}{{ xs }}', '[1, 2, 3]'],
  ["{% set d = {'a': 1, 'b': 2,} %}{{ d['b'] }}", '2'],
  ['{% set t = (1,) %}{{ t | length }}', '1'],
  ['{% set a, b = 1, 2 %}{{ a }}-{{ b }}', '1-2'],
  ['{% set a, b = [3, 4] %}{{ a + b }}', '7'],
  ['{% set x = 1, 2, %}{{ x | length }}', '2'],
  [
    '{% for x in [1,2,3,4] %}{% if x == 2 %}{% continue %}{% endif %}{% if x == 4 %}{% break %}{% endif %}{{ x }}{% endfor %}',
    '13',
  ],
  [
    "{% for k, v in {'a': 1, 'b': 2, 'c': 3}.items() %}{% if k == 'b' %}{% continue %}{% endif %}{{ k }}{{ v }}{% endfor %}",
    'a1c3',
  ],
  [
    "{% for item in [{'n': 'a', 'c': [{'n': 'b', 'c': [{'n':'c','c':[]}]}, {'n':'d','c':[]}]}] recursive %}{{ item.n }}{{ loop.depth }}{{ loop.length }}{% if item.c %}({{ loop(item.c) }}){% endif %}{% endfor %}",
    'a11(b22(c31)d22)',
  ],
  ['{% for x in range(3) %}{{ loop.index }}{{ loop.depth }}{% endfor %}', '112131'],
  ['{% with x = 5, y = 2 %}{{ x * y }}{% endwith %}[{{ x }}]', '10[]'],
  ['{% for x in [] %}a{% else %}empty{% endfor %}', 'empty'],
  ['{%- set info -%}\n  x\n{%- endset %}[{{ info }}]{% set y %}\n z {% endset %}[{{ y }}]', '[x][\n z ]'],
  ['{% for a, b in modules.itertools.product([1, 2], ["x"]) %}{{ a }}{{ b }}{% endfor %}', '1x2x'],
  ["{% for p in modules.itertools.combinations('abc', 2) %}{{ p | join('') }}{% endfor %}", 'abacbc'],
  ['{{ modules.itertools.chain([1], [2, 3]) | list }}', '[1, 2, 3]'],
  ["{{ dbt_version.split('.') | length }}", '3'],
  [
    "{% macro f(a, b=1, c=2) %}{{ a }}{{ b }}{{ c }}{{ kwargs }}{% endmacro %}{% macro g(a) %}{{ f(a, **kwargs) }}{% endmacro %}{{ g(0, c=5, d=6) }}|{{ f(9, **{'b': 7}) }}",
    "015{'d': 6}|972{}",
  ],
];

describe('Jinja syntax as dbt renders it', () => {
  for (const [source, expected] of CASES) {
    it(source, () => assert.equal(render(source), expected));
  }

  it('refuses break outside a loop and a double comma, naming the file and line', () => {
    assert.throws(() => render('\n{% break %}'), /models\/m\.sql:2: .*break.*outside a for loop/);
    assert.throws(() => render('{{ [1, 2,,] }}'), /models\/m\.sql:1/);
  });

  it('names include/import/extends as unsupported (dbt has no template loader for them either)', () => {
    for (const tag of ["{% include 'x.sql' %}", "{% import 'x.sql' as x %}", "{% extends 'x.sql' %}"])
      assert.throws(
        () => render(`select 1\n${tag}`),
        /models\/m\.sql:2: .*is not supported in dbt templates/,
      );
  });
});
