/**
 * Custom materializations (`{% materialization %}` in a project or a package) run as dbt runs
 * them: statement blocks, load_result, adapter DDL, make_temp_relation, run_hooks, config.get,
 * and the adapter-specific block beating `default` whichever package holds it.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { makeProject, runMdw } from '../support/project.js';

/** Builds into a temp table, swaps it in, records load_result('main') and config.get in a log table. */
const SWAP_TABLE = `{% materialization swap_table, default %}
  {%- set target_relation = this.incorporate(type='table') -%}
  {%- set existing = load_relation(this) -%}
  {%- set tmp = make_temp_relation(target_relation, '__swap') -%}
  {{ run_hooks(pre_hooks) }}
  {%- call statement('main') -%}
    {{ create_table_as(False, tmp, sql) }}
  {%- endcall -%}
  {%- set counted = run_query('select count(*) from ' ~ tmp) -%}
  {%- do drop_relation_if_exists(existing) -%}
  {%- do adapter.rename_relation(tmp, target_relation) -%}
  {%- call statement('log_it') -%}
    create table if not exists main.mat_log (model varchar, label varchar, n integer, existed boolean);
    insert into main.mat_log values ('{{ this.identifier }}', '{{ config.get("label", "none") }}', {{ counted.columns[0].values()[0] }}, {{ existing is not none }});
  {%- endcall -%}
  {{ run_hooks(post_hooks) }}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
`;

function showRows(dir: string, sql: string): Record<string, unknown>[] {
  const shown = runMdw(dir, ['show', '--inline', sql, '--output', 'json']);
  assert.equal(shown.code, 0, shown.stderr);
  return JSON.parse(shown.stdout.slice(shown.stdout.indexOf('[')));
}

describe('custom materializations', () => {
  it('a project block builds the model with statements, adapter DDL and hooks, twice', () => {
    const dir = makeProject({
      'macros/swap_table.sql': SWAP_TABLE,
      'models/swapped.sql':
        "{{ config(materialized='swap_table', label='L1', post_hook='create or replace table main.hooked as select 1 as ok') }}\nselect 1 as id union all select 2",
    });
    const first = runMdw(dir, ['run']);
    assert.equal(first.code, 0, first.stdout + first.stderr);
    assert.match(first.stdout, /OK created sql swap_table model main\.swapped/);
    const second = runMdw(dir, ['run']);
    assert.equal(second.code, 0, second.stdout + second.stderr);
    assert.deepEqual(showRows(dir, 'select count(*) as n from main.swapped'), [{ n: 2 }]);
    assert.deepEqual(showRows(dir, 'select model, label, n, existed from main.mat_log order by existed'), [
      { model: 'swapped', label: 'L1', n: 2, existed: false },
      { model: 'swapped', label: 'L1', n: 2, existed: true },
    ]);
    assert.deepEqual(showRows(dir, 'select ok from main.hooked'), [{ ok: 1 }]);
    assert.deepEqual(
      showRows(dir, "select count(*) as n from information_schema.tables where table_name = 'swapped__swap'"),
      [{ n: 0 }],
    );
  });

  it("a package's block for the adapter beats the project's default one", () => {
    const pkg = mkdtempSync(join(tmpdir(), 'mdw-matpkg-'));
    const files: Record<string, string> = {
      'dbt_project.yml': "name: matpkg\nversion: '1.0.0'\nconfig-version: 2\n",
      'macros/m.sql': `{% materialization labelled, adapter='duckdb' %}
{%- call statement('main') -%}create or replace table {{ this }} as select 'package duckdb' as who{%- endcall -%}
{{ return({'relations': [this]}) }}
{% endmaterialization %}`,
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(pkg, path)), { recursive: true });
      writeFileSync(join(pkg, path), text);
    }
    const dir = makeProject({
      'packages.yml': `packages:\n  - local: ${JSON.stringify(pkg)}\n`,
      'macros/m.sql': `{% materialization labelled, default %}
{%- call statement('main') -%}create or replace table {{ this }} as select 'root default' as who{%- endcall -%}
{{ return({'relations': [this]}) }}
{% endmaterialization %}`,
      'models/picked.sql': "{{ config(materialized='labelled') }} select 1",
    });
    assert.equal(runMdw(dir, ['deps']).code, 0);
    const run = runMdw(dir, ['run']);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.deepEqual(showRows(dir, 'select who from main.picked'), [{ who: 'package duckdb' }]);
  });

  it('a block that returns no relations fails its model with one sentence', () => {
    const dir = makeProject({
      'macros/m.sql': '{% materialization nothing, default %}{{ return({}) }}{% endmaterialization %}',
      'models/empty.sql': "{{ config(materialized='nothing') }} select 1",
    });
    const run = runMdw(dir, ['run']);
    assert.equal(run.code, 1);
    assert.match(
      run.stdout,
      /materialization 'nothing' \(shop\.materialization_nothing_default\) did not return \{'relations': \[\.\.\.\]\}/,
    );
  });
});
