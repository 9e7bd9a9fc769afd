/** `mdw run-operation`: dbt's exit codes, log() output, run_query live, run_results.json. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeProject, runMdw } from '../support/project.js';

const MACROS = `{% macro make_table(name, n=1) %}
  {% do run_query('create or replace table main.' ~ name ~ ' as select ' ~ n ~ ' * 2 as x') %}
  {% set r = run_query('select x from main.' ~ name) %}
  {{ log("created " ~ name ~ " with " ~ r.columns[0].values()[0], info=True) }}
{% endmacro %}
{% macro boom() %}
  {{ exceptions.raise_compiler_error("nope here") }}
{% endmacro %}
`;

describe('mdw run-operation', () => {
  const dir = makeProject({ 'macros/ops.sql': MACROS, 'models/a.sql': 'select 1 as id' });

  it('calls the macro with --args, runs its queries and prints its log lines', () => {
    const result = runMdw(dir, ['run-operation', 'make_table', '--args', '{name: t1, n: 21}']);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /created t1 with 42/);
    const shown = runMdw(dir, ['show', '--inline', 'select x from main.t1', '--output', 'json']);
    assert.deepEqual(JSON.parse(shown.stdout), [{ x: 42 }]);
    const runResults = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8'));
    assert.deepEqual(
      runResults.results.map((r: { unique_id: string; status: string }) => [r.unique_id, r.status]),
      [['macro.shop.make_table', 'success']],
    );
  });

  it('accepts package.macro and binds defaults', () => {
    const result = runMdw(dir, ['run-operation', 'shop.make_table', '--args', '{name: t2}']);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /created t2 with 2/);
  });

  it('exits 1 with the error when the macro fails, and records it', () => {
    const result = runMdw(dir, ['run-operation', 'boom']);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /Encountered an error while running operation: .*nope here/);
    const runResults = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8'));
    assert.equal(runResults.results[0].status, 'error');
  });

  it('exits 2 naming the macro when none has that name', () => {
    const result = runMdw(dir, ['run-operation', 'make_tabel']);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /could not find a macro with the name 'make_tabel' in any package\. Did you mean 'make_table'\?/,
    );
  });
});
