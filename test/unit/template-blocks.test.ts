import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rewriteMacroFile } from '../../src/template/blocks.js';
import { extractBlocks } from '../../src/template/engine.js';
import { TemplateError } from '../../src/util/errors.js';

describe('extractBlocks', () => {
  it('finds every block kind with name, args, body and 1-based line', () => {
    const source = `{# a comment with {% macro not_me() %} inside #}
{% snapshot orders_snapshot %}
  {{ config(strategy='timestamp') }}
  select * from {{ source('shop', 'orders') }}
{% endsnapshot %}

{%- test is_positive(model, column_name, allow_zero=false) -%}
select * from {{ model }}
{%- endtest %}
{% docs orders %}
The **orders** table.
{% enddocs %}
{% materialization my_table, adapter='duckdb' %}
  {{ return({'relations': []}) }}
{% endmaterialization %}
{% materialization other, default %}{% endmaterialization %}
{%- macro cents_to_dollars(column, scale=2) -%}
  ({{ column }} / 100)::numeric(16, {{ scale }})
{%- endmacro -%}`;
    const blocks = extractBlocks(source, 'macros/all.sql');
    assert.deepEqual(
      blocks.map(({ kind, name, args, adapter, line, bodyLine }) => ({
        kind,
        name,
        args,
        adapter,
        line,
        bodyLine,
      })),
      [
        {
          kind: 'snapshot',
          name: 'orders_snapshot',
          args: undefined,
          adapter: undefined,
          line: 2,
          bodyLine: 2,
        },
        {
          kind: 'test',
          name: 'is_positive',
          args: 'model, column_name, allow_zero=false',
          adapter: undefined,
          line: 7,
          bodyLine: 7,
        },
        { kind: 'docs', name: 'orders', args: undefined, adapter: undefined, line: 10, bodyLine: 10 },
        {
          kind: 'materialization',
          name: 'my_table',
          args: undefined,
          adapter: 'duckdb',
          line: 13,
          bodyLine: 13,
        },
        {
          kind: 'materialization',
          name: 'other',
          args: undefined,
          adapter: 'default',
          line: 16,
          bodyLine: 16,
        },
        {
          kind: 'macro',
          name: 'cents_to_dollars',
          args: 'column, scale=2',
          adapter: undefined,
          line: 17,
          bodyLine: 17,
        },
      ],
    );
    assert.equal(
      blocks[0].body,
      "\n  {{ config(strategy='timestamp') }}\n  select * from {{ source('shop', 'orders') }}\n",
    );
    assert.equal(blocks[2].body, '\nThe **orders** table.\n');
  });

  it('ignores tags inside {% raw %}, expressions and strings, and reports nested blocks only at top level', () => {
    const source = `{% raw %}{% macro fake() %}{% endmacro %}{% endraw %}
{{ "{% macro also_fake() %}" }}
{% macro outer() %}{% macro inner() %}{% endmacro %}{% set s = '%}' %}{% endmacro %}`;
    assert.deepEqual(
      extractBlocks(source, 'm.sql').map((b) => [b.name, b.line]),
      [['outer', 3]],
    );
  });

  it('handles tags spread over several lines', () => {
    const source = '\n\n{%- macro spread(\n    a,\n    b\n) -%}\nbody\n{%- endmacro %}';
    const [block] = extractBlocks(source, 'm.sql');
    assert.deepEqual(
      [block.name, block.args?.replace(/\s+/g, ' '), block.line, block.bodyLine],
      ['spread', 'a, b', 3, 6],
    );
  });

  it('reports unclosed and stray block tags with file:line', () => {
    assert.throws(
      () => extractBlocks('x\n{% snapshot s %}\nselect 1', 'snapshots/s.sql'),
      (error: unknown) => {
        assert.ok(error instanceof TemplateError);
        assert.equal(
          error.message,
          'snapshots/s.sql:2: {% snapshot %} block is never closed (missing {% endsnapshot %})',
        );
        return true;
      },
    );
    assert.throws(() => extractBlocks('\n\n{% endmacro %}', 'macros/m.sql'), {
      message: 'macros/m.sql:3: {% endmacro %} does not close an open {% macro %} block',
    });
  });

  it('returns nothing for a plain model', () => {
    assert.deepEqual(
      extractBlocks("select * from {{ ref('a') }} {% if x %}1{% endif %}", 'models/a.sql'),
      [],
    );
  });
});

describe('rewriteMacroFile', () => {
  it('keeps macros, renames tests to test_<name> and materializations as dbt names them, blanks the rest, keeps lines', () => {
    const source = `top-level text {{ ignored() }}
{% test positive(model, column_name) %}
select 1
{% endtest %}
{% materialization m, adapter='duckdb' %}
{{ whatever }}
{% endmaterialization %}
{%- macro keep(a) -%}{{ a }}{%- endmacro %}`;
    const { source: rewritten, macros } = rewriteMacroFile(source, 'macros/x.sql');
    assert.equal(rewritten.split('\n').length, source.split('\n').length);
    assert.equal(
      rewritten,
      '\n{% macro test_positive(model, column_name) %}\nselect 1\n{% endmacro %}\n{% macro materialization_m_duckdb() %}\n{{ whatever }}\n{% endmacro %}\n{%- macro keep(a) -%}{{ a }}{%- endmacro %}',
    );
    assert.deepEqual(
      macros.map((m) => [m.name, m.line]),
      [
        ['test_positive', 2],
        ['materialization_m_duckdb', 5],
        ['keep', 8],
      ],
    );
  });
});
