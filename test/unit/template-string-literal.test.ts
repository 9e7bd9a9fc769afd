/**
 * String literals decode as Jinja's (Python's unicode-escape): line continuations, unknown
 * escapes that keep their backslash (regexes), hex/octal/unicode escapes. Each expected value is
 * what jinja2 renders for the same template.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTemplateEngine } from '../../src/template/engine.js';

const engine = createTemplateEngine({ macroFiles: [], adapterType: 'duckdb', rootPackage: 'p' });
const render = (source: string) => engine.render(source, 'models/m.sql', {}).sql;

const CASES: [string, string][] = [
  ["{{ 'a \\\nb' }}", 'a b'],
  ["{{ 'line\\\r\nnext' }}", 'linenext'],
  ["{{ '\\d+\\.x' }}", '\\d+\\.x'],
  ["{{ 'tab\\there' }}", 'tab\there'],
  ["{{ '\\x41\\101\\u00e9' }}", 'AAé'],
  ["{{ 'it\\'s' }}", "it's"],
  ['{{ "q\\"q" }}', 'q"q'],
  ["{{ 'back\\\\slash' }}", 'back\\slash'],
  ["{{ 'a\\qb' | length }}", '4'],
  ["{{ 'é\\U0001F600' }}", 'é😀'],
  // a method called on a literal holding a newline (nunjucks pastes the callee into generated JS)
  ["{{ 'W {}\\n'.format('p') }}", 'W p\n'],
  ["{{ 'a\nb'.upper() }}", 'A\nB'],
  // adjacent literals are one string (Python), also across lines and before a method or filter
  ["{{ 'a' \"b\" 'c' }}", 'abc'],
  ["{% set s = 'select '\n  'x' %}{{ s }}", 'select x'],
  ["{{ 'a' 'b' | upper }}", 'AB'],
  ["{{ '{}' '-{}'.format(1, 2) }}", '1-2'],
  ["{{ ['x' 'y', 'z'] | join(',') }}", 'xy,z'],
];

describe('Jinja string literals', () => {
  for (const [source, expected] of CASES)
    it(JSON.stringify(source), () => assert.equal(render(source), expected));

  it('a continued string (dbt_utils safe_add) formats and keeps later line numbers right', () => {
    const source =
      "{%- set msg = '\nWarning: takes a list instead of \\\nstring arguments. The {}.{} model. \\\n'.format('p', 'm') -%}[{{ msg }}]\n{{ undefined_fn() }}";
    assert.throws(() => render(source), /line 5|:5/);
    assert.equal(
      render(source.replace('\n{{ undefined_fn() }}', '')),
      '[\nWarning: takes a list instead of string arguments. The p.m model. ]',
    );
  });
});
