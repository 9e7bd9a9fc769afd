/** pre_hook / post_hook / on-run-start / on-run-end run in dbt's order; grants are reported, never ignored. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeProject, runMdw } from '../support/project.js';

const PROJECT = `name: shop
version: '1.0.0'
profile: shop
on-run-start:
  - "create table if not exists main.hook_log (step varchar, at_ms double)"
  - "insert into main.hook_log values ('start', epoch_ms(now()))"
on-run-end: "insert into main.hook_log values ('end {{ schemas | join(',') }}', epoch_ms(now()))"
models:
  shop:
    +post-hook: "insert into main.hook_log values ('project post {{ this.identifier }}', 0)"
`;

function showJson(dir: string, sql: string): Record<string, unknown>[] {
  const result = runMdw(dir, ['show', '--inline', sql, '--output', 'json', '--limit', '100']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  return JSON.parse(result.stdout);
}

describe('hooks', () => {
  it('runs on-run-start, pre-hooks, the model, post-hooks (project config first) and on-run-end in order', () => {
    const dir = makeProject({
      'dbt_project.yml': PROJECT,
      'models/a.sql': `{{ config(materialized='table',
          pre_hook=["insert into main.hook_log values ('pre ' || (select count(*) from information_schema.tables where table_name = 'a'), 1)"],
          post_hook="insert into main.hook_log select 'post rows ' || count(*), 2 from {{ this }}") }}
select 1 as id union all select 2`,
    });
    const result = runMdw(dir, ['run']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /Running 2 on-run-start hooks/);
    assert.match(result.stdout, /Running 1 on-run-end hook/);
    const rows = showJson(dir, 'select step from main.hook_log order by rowid');
    assert.deepEqual(
      rows.map((r) => r.step),
      // post-hooks keep config order: the project's first, then the model's own
      ['start', 'pre 0', 'project post a', 'post rows 2', 'end main'],
    );
  });

  it('a failing pre-hook fails the node with its message, and a failing on-run-start runs nothing', () => {
    const dir = makeProject({
      'models/a.sql':
        "{{ config(materialized='table', pre_hook='select * from no_such_table') }}select 1 as id",
    });
    const result = runMdw(dir, ['run']);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /pre-hook 1 failed: .*no_such_table/);

    const start = makeProject({
      'dbt_project.yml': `name: shop\nversion: '1'\nprofile: shop\non-run-start: "select * from missing_start"\n`,
      'models/a.sql': 'select 1 as id',
    });
    const failed = runMdw(start, ['run']);
    assert.equal(failed.code, 1);
    assert.match(failed.stdout, /on-run-start hook 1 \(dbt_project.yml\) failed: .*missing_start/);
    assert.match(failed.stdout, /SKIP=1/);
  });
});

describe('grants', () => {
  it('warns once per run on the local target, counting the models that asked', () => {
    const dir = makeProject({
      'models/a.sql': "{{ config(materialized='table', grants={'select': ['reporter']}) }}select 1 as id",
      'models/b.sql': "{{ config(grants={'select': ['analyst']}) }}select 2 as id",
      'models/c.sql': 'select 3 as id',
    });
    const result = runMdw(dir, ['run']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const warnings = result.stdout.match(/grants are not supported on the dev target; ignored for 2 models/g);
    assert.equal(warnings?.length, 1, result.stdout);
  });
});
