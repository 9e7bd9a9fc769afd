/** `mdw build` end to end on small throwaway projects: gating, artifacts, selection, show. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeProject, runMdw } from '../support/project.js';

const SCHEMA = `version: 2
models:
  - name: a
    columns:
      - name: id
        data_tests: [not_null]
`;

describe('mdw build', () => {
  it('a failing test skips everything downstream of the tested model, as dbt build does', () => {
    const dir = makeProject({
      'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as id union all select null",
      'models/b.sql': "select id from {{ ref('a') }}",
      'models/c.sql': 'select 3 as id',
      'models/schema.yml': SCHEMA,
    });
    const result = runMdw(dir, ['build']);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /FAIL 1 not_null_a_id/);
    assert.match(result.stdout, /SKIP relation main\.b/);
    assert.match(result.stdout, /OK created sql view model main\.c/);
    assert.match(result.stdout, /Done\. PASS=2 WARN=0 ERROR=1 SKIP=1 NO-OP=0 TOTAL=4/);
    const runResults = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8'));
    const statuses = Object.fromEntries(
      runResults.results.map((r: { unique_id: string; status: string }) => [r.unique_id, r.status]),
    );
    assert.equal(statuses['model.shop.b'], 'skipped');
    assert.equal(statuses['model.shop.a'], 'success');
    const failed = runResults.results.find((r: { status: string }) => r.status === 'fail');
    assert.equal(failed.failures, 1);
  });

  it('a failing test reading two models skips only what is built from both, as dbt build does', () => {
    const dir = makeProject({
      'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as id",
      'models/b.sql': "{{ config(materialized='table') }}\nselect id from {{ ref('a') }}",
      'models/c.sql': "select id from {{ ref('a') }}",
      'models/d.sql': "select id from {{ ref('b') }}",
      'tests/a_matches_b.sql': "select id from {{ ref('a') }} union all select 2 from {{ ref('b') }}",
    });
    const result = runMdw(dir, ['build', '--threads', '1']);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /FAIL 2 a_matches_b/);
    assert.match(result.stdout, /OK created sql view model main\.c/, 'c is not built from b');
    assert.match(result.stdout, /SKIP relation main\.d/, 'd is built from a and b');
  });

  it('a failing test on a source skips the models built from that source, as dbt build does', () => {
    const dir = makeProject({
      'seeds/raw_ids.csv': 'id\n1\n\n',
      'models/sources.yml':
        'version: 2\nsources:\n  - name: raw\n    schema: main\n    tables:\n      - name: raw_ids\n        columns:\n          - name: id\n            data_tests: [not_null]\n',
      'models/from_raw.sql': "select id from {{ source('raw', 'raw_ids') }}",
      'models/other.sql': 'select 3 as id',
    });
    assert.equal(runMdw(dir, ['seed']).code, 0);
    const result = runMdw(dir, ['build', '--exclude', 'resource_type:seed']);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stdout, /FAIL 1 source_not_null_raw_raw_ids_id/);
    assert.match(result.stdout, /SKIP relation main\.from_raw/);
    assert.match(result.stdout, /OK created sql view model main\.other/);
  });

  it('writes manifest.json with compiled code and dependencies, and run_results with rows affected', () => {
    const dir = makeProject({
      'models/a.sql':
        "{{ config(materialized='table') }}\n{% for i in range(3) %}select {{ i }} as id{% if not loop.last %} union all {% endif %}{% endfor %}",
      'models/b.sql': "select id from {{ ref('a') }}",
    });
    const result = runMdw(dir, ['run']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const manifest = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8'));
    assert.deepEqual(manifest.nodes['model.shop.b'].depends_on.nodes, ['model.shop.a']);
    assert.match(
      manifest.nodes['model.shop.a'].compiled_code,
      /select 0 as id union all select 1 as id union all select 2 as id/,
    );
    const runResults = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8'));
    const a = runResults.results.find((r: { unique_id: string }) => r.unique_id === 'model.shop.a');
    assert.equal(a.adapter_response.rows_affected, 3);
    assert.equal(a.status, 'success');
  });

  it('selects with -s and --exclude, and show returns JSON rows', () => {
    const dir = makeProject({
      'models/a.sql': "{{ config(materialized='table') }}\nselect 1 as id",
      'models/b.sql': "select id + 1 as id from {{ ref('a') }}",
      'models/c.sql': 'select 3 as id',
    });
    const run = runMdw(dir, ['run', '-s', 'a+', '--exclude', 'c']);
    assert.equal(run.code, 0);
    assert.match(run.stdout, /Done\. PASS=2 /);
    assert.doesNotMatch(run.stdout, /main\.c/);
    const show = runMdw(dir, ['show', '--inline', "select * from {{ ref('b') }}", '--output', 'json']);
    assert.equal(show.code, 0, show.stderr);
    assert.deepEqual(JSON.parse(show.stdout), [{ id: 2 }]);
    const bySchema = runMdw(dir, ['show', '--inline', 'select id from main.a', '--output', 'json']);
    assert.deepEqual(JSON.parse(bySchema.stdout), [{ id: 1 }]);
  });

  it('ls lists nodes by name, path and json', () => {
    const dir = makeProject({
      'models/x/a.sql': 'select 1 as id',
      'models/b.sql': "select * from {{ ref('a') }}",
    });
    assert.deepEqual(runMdw(dir, ['ls', '--output', 'name']).stdout.trim().split('\n'), ['a', 'b']);
    assert.deepEqual(
      runMdw(dir, ['ls', '-s', 'path:models/x', '--output', 'path']).stdout.trim(),
      'models/x/a.sql',
    );
    const json = runMdw(dir, ['ls', '-s', 'b', '--output', 'json']).stdout.trim();
    assert.equal(JSON.parse(json).unique_id, 'model.shop.b');
  });

  it('renders a test\'s config natively: enabled "{{ false expression }}" disables it', () => {
    const dir = makeProject({
      'models/a.sql': 'select 1 as id',
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: a',
        '    columns:',
        '      - name: id',
        '        data_tests:',
        '          - not_null:',
        '              config:',
        "                enabled: \"{{ target.type in ['bigquery', 'trino'] }}\"",
        '          - unique:',
        '              config:',
        '                enabled: "{{ target.type not in [\'bigquery\'] }}"',
        '                severity: "{{ \'warn\' }}"',
      ].join('\n'),
    });
    const listed = runMdw(dir, ['ls', '--resource-type', 'test', '--output', 'json']);
    const tests = listed.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    assert.deepEqual(
      tests.map((t) => [t.name, t.config.enabled, t.config.severity]),
      [['unique_a_id', true, 'warn']],
    );
  });

  it('passes a test argument that renders to a date as the date itself, not its fields', () => {
    const dir = makeProject({
      'macros/after.sql':
        "{% test after(model, column_name, since) %}select * from {{ model }} where {{ column_name }} < cast('{{ since }}' as date){% endtest %}",
      'models/a.sql': "select date '2024-01-05' as d",
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: a',
        '    columns:',
        '      - name: d',
        '        data_tests:',
        '          - after:',
        "              since: '{{ modules.datetime.date(2024, 1, 6) - modules.datetime.timedelta(1) }}'",
      ].join('\n'),
    });
    const result = runMdw(dir, ['build']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /PASS after_a_d_/);
  });

  it('renders Jinja inside a list argument of a generic test', () => {
    const dir = makeProject({
      'macros/in_list.sql':
        "{% test in_list(model, column_name, values) %}select * from {{ model }} where {{ column_name }} not in ('{{ values | join(\"', '\") }}'){% endtest %}",
      'models/a.sql': "select 'bc' as v",
      'models/schema.yml': [
        'version: 2',
        'models:',
        '  - name: a',
        '    columns:',
        '      - name: v',
        '        data_tests:',
        '          - in_list:',
        "              values: [a, \"{{ 'b' ~ 'c' }}\"]",
      ].join('\n'),
    });
    const result = runMdw(dir, ['build']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /PASS in_list_a_v_/);
  });
});
