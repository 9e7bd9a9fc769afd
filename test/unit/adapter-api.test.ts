/**
 * The adapter/relation API package macros call, run against DuckDB: get_columns_in_relation,
 * get_relation, load_relation, api.Column, Relation.incorporate. The expected text is what
 * dbt-core + dbt-duckdb render for the same model.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeProject, runMdw } from '../support/project.js';

const PROBE = `{{ config(materialized='table') }}
{%- set cols = adapter.get_columns_in_relation(ref('src')) -%}
{%- set rel = adapter.get_relation(database=this.database, schema='main', identifier='src') -%}
{%- set missing = adapter.get_relation(database=this.database, schema='main', identifier='nope') -%}
{%- set loaded = load_relation(ref('src')) -%}
{%- set c = api.Column('x', 'integer') -%}
{%- set s = api.Column.create('y', 'STRING') -%}
{%- set moved = ref('src').incorporate(path={'identifier': 'other'}) -%}
{%- set info -%}
{% for col in cols %}{{ col.name }}:{{ col.dtype }}:{{ col.data_type }}:{{ col.is_string() }}:{{ col.is_number() }};{% endfor %}
|{{ rel.type if rel else 'none' }}|{{ rel.identifier if rel else '' }}|{{ missing is none }}|{{ loaded.type if loaded else 'none' }}
|{{ c.name }} {{ c.data_type }} {{ c.is_integer() }} {{ c.quoted }}|{{ s.dtype }} {{ s.data_type }}
|{{ moved }}
{%- endset %}
select {{ "'" ~ (info | replace("'", "''")) ~ "'" }} as info
`;

/** dbt-core 1.11 + dbt-duckdb's rendering of PROBE. */
const DBT_OUTPUT = [
  'id:INTEGER:INTEGER:False:True;name:VARCHAR:character varying(256):True:False;amount:DOUBLE:DOUBLE:False:True;',
  '|table|src|True|table',
  '|x integer True "x"|TEXT character varying(256)',
  '|"shop"."main"."other"',
].join('\n');

describe('adapter and relation API', () => {
  it('answers get_columns_in_relation, get_relation, load_relation and api.Column as dbt-duckdb does', () => {
    const dir = makeProject({
      'seeds/src.csv': 'id,name,amount\n1,a,1.5\n',
      'models/api_probe.sql': PROBE,
    });
    const build = runMdw(dir, ['build']);
    assert.equal(build.code, 0, build.stdout + build.stderr);
    const shown = runMdw(dir, ['show', '--inline', 'select info from main.api_probe', '--output', 'json']);
    assert.equal(shown.code, 0, shown.stderr);
    const rows = JSON.parse(shown.stdout.slice(shown.stdout.indexOf('[')));
    assert.equal(rows[0].info, DBT_OUTPUT);
  });
});

describe('adapter.get_columns_in_relation on a missing relation', () => {
  it('gives no columns, as dbt-duckdb does for callers that probe (dbt-codegen), instead of an error', () => {
    const dir = makeProject({
      'models/sources.yml': 'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: absent\n',
      'models/probe.sql': [
        "{{ config(materialized='table') }}",
        "{%- set from_source = adapter.get_columns_in_relation(source('raw', 'absent')) -%}",
        "{%- set in_main = adapter.get_columns_in_relation(api.Relation.create(schema='main', identifier='nope')) -%}",
        'select {{ from_source | length }} as n_source, {{ in_main | length }} as n_main',
      ].join('\n'),
    });
    const build = runMdw(dir, ['build']);
    assert.equal(build.code, 0, build.stdout + build.stderr);
    const shown = runMdw(dir, ['show', '--inline', 'select * from main.probe', '--output', 'json']);
    const rows = JSON.parse(shown.stdout.slice(shown.stdout.indexOf('[')));
    assert.deepEqual(rows, [{ n_source: 0, n_main: 0 }]);
  });
});

describe('custom materializations', () => {
  it('a block for another adapter only: names the block and the model that uses it, in one sentence', () => {
    const dir = makeProject({
      'macros/mat.sql':
        "\n{% materialization my_table, adapter='snowflake' %}\n{{ return({'relations': [this]}) }}\n{% endmaterialization %}\n",
      'models/m.sql': "{{ config(materialized='my_table') }} select 1 as id",
      'models/ok.sql': 'select 1 as id',
    });
    const build = runMdw(dir, ['build']);
    assert.equal(build.code, 1);
    assert.match(
      build.stdout + build.stderr,
      /macros\/mat\.sql:2: \{% materialization my_table %\} \(used by model m\) is a custom materialization mdw cannot run here \(it has no block for adapter 'duckdb' or 'default'\)/,
    );
    assert.match(build.stdout, /OK created sql view model main\.ok/);
  });

  it('a block that never calls adapter.commit() is named once, as dbt-duckdb would roll it back', () => {
    const block = (name: string, commit: string) =>
      `{% materialization ${name}, adapter='duckdb' %}\n{% call statement('main') %}create or replace table {{ this }} as {{ sql }}{% endcall %}\n${commit}{{ return({'relations': [this]}) }}\n{% endmaterialization %}\n`;
    const dir = makeProject({
      'macros/mat.sql': `${block('nocommit', '')}${block('committed', '{{ adapter.commit() }}\n')}`,
      'models/a.sql': "{{ config(materialized='nocommit') }} select 1 as id",
      'models/b.sql': "{{ config(materialized='nocommit') }} select 2 as id",
      'models/c.sql': "{{ config(materialized='committed') }} select 3 as id",
    });
    const ls = runMdw(dir, ['ls']);
    assert.equal(ls.code, 0);
    const warnings = (ls.stdout + ls.stderr).match(/never calls adapter\.commit\(\)/g) ?? [];
    assert.equal(warnings.length, 1);
    assert.match(
      ls.stdout + ls.stderr,
      /macros\/mat\.sql:1: \{% materialization nocommit %\} \(used by model a\) never calls adapter\.commit\(\): dbt-duckdb rolls its work back/,
    );
  });
});
