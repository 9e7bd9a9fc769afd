/** View reuse: a view read by several nodes of one invocation is evaluated once. */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeProject, runMdw } from '../support/project.js';

// random() makes every evaluation of the view observable: two readers hold the same rows
// only if they read one evaluation.
const FILES = {
  'models/v.sql': 'select id, random() as r from range(50) t(id)',
  'models/t1.sql': "{{ config(materialized='table') }}\nselect id, r from {{ ref('v') }}",
  'models/t2.sql': "{{ config(materialized='table') }}\nselect id, r from {{ ref('v') }}",
  'models/w.sql': "select id, r from {{ ref('v') }}",
  'models/schema.yml': `version: 2
models:
  - name: v
    columns:
      - name: id
        data_tests: [unique, not_null]
`,
};

const SAME_ROWS = `select count(*) as differing from (
  (select id, r from {{ ref('t1') }} except select id, r from {{ ref('t2') }})
  union all
  (select id, r from {{ ref('t2') }} except select id, r from {{ ref('t1') }})
)`;

function differingRows(dir: string): number {
  const show = runMdw(dir, ['show', '--inline', SAME_ROWS, '--output', 'json']);
  assert.equal(show.code, 0, show.stdout + show.stderr);
  return Number(JSON.parse(show.stdout)[0].differing);
}

describe('view reuse', () => {
  it('evaluates a view once for all the tables and tests that read it in one build', () => {
    const dir = makeProject(FILES);
    const build = runMdw(dir, ['build']);
    assert.equal(build.code, 0, build.stdout + build.stderr);
    assert.match(build.stdout, /OK created sql view model main\.v .*50 rows kept for 4 readers/);
    assert.equal(differingRows(dir), 0);
    // The copies' scratch database is gone with the build.
    assert.deepEqual(
      readdirSync(join(dir, 'target')).filter((name) => name.includes('view-copies')),
      [],
    );
  });

  it('copies no view whose readers are all reused, and reuses no reader of a view that reads the clock', () => {
    const files = { ...FILES, 'models/v.sql': 'select id, id * 2 as r from range(50) t(id)' };
    const dir = makeProject(files);
    assert.equal(runMdw(dir, ['build']).code, 0);
    const again = runMdw(dir, ['build']);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.match(again.stdout, /OK created sql table model main\.t1 .*REUSED/);
    assert.match(again.stdout, /OK created sql view model main\.v \.+ \[CREATE VIEW in/);
    assert.doesNotMatch(again.stdout, /kept for/);

    const clock = makeProject(FILES); // v reads random(): the same text, other rows
    assert.equal(runMdw(clock, ['build']).code, 0);
    const rebuilt = runMdw(clock, ['build']);
    assert.equal(rebuilt.code, 0, rebuilt.stdout + rebuilt.stderr);
    assert.doesNotMatch(rebuilt.stdout, /REUSED/);
    assert.match(rebuilt.stdout, /50 rows kept for 4 readers/);
    assert.equal(differingRows(clock), 0);
  });

  it('re-runs the view for each reader with --no-view-reuse', () => {
    const dir = makeProject(FILES);
    const build = runMdw(dir, ['build', '--no-view-reuse']);
    assert.equal(build.code, 0, build.stdout + build.stderr);
    assert.doesNotMatch(build.stdout, /kept for/);
    assert.equal(differingRows(dir), 100); // every row, both ways
  });

  it('keeps views built on a reused view reading the view, not the copy', () => {
    const dir = makeProject(FILES);
    assert.equal(runMdw(dir, ['build']).code, 0);
    const show = runMdw(dir, [
      'show',
      '--inline',
      "select sql from duckdb_views() where view_name = 'w'",
      '--output',
      'json',
    ]);
    const definition = String(JSON.parse(show.stdout)[0].sql);
    assert.match(definition, /FROM shop\.main\.v\b/);
    assert.doesNotMatch(definition, /mdw_view_copies/);
    // The copy is gone with the build, and w still answers.
    const rows = runMdw(dir, ['show', '-s', 'w', '--limit', '100', '--output', 'json']);
    assert.equal(rows.code, 0, rows.stdout + rows.stderr);
    assert.equal(JSON.parse(rows.stdout).length, 50);
  });

  it('reuses a view that only its tests read, in mdw test', () => {
    const dir = makeProject(FILES);
    assert.equal(runMdw(dir, ['run']).code, 0);
    const test = runMdw(dir, ['test']);
    assert.equal(test.code, 0, test.stdout + test.stderr);
    assert.match(test.stdout, /Done\. PASS=2 WARN=0 ERROR=0 SKIP=0/);
  });

  it('skips the readers of a view that fails, and names the view', () => {
    const dir = makeProject({ ...FILES, 'models/v.sql': 'select id, r from no_such_table' });
    const build = runMdw(dir, ['build']);
    assert.equal(build.code, 1);
    assert.match(build.stdout, /ERROR creating sql view model main\.v/);
    assert.match(build.stdout, /SKIP relation main\.t1/);
    assert.match(build.stdout, /SKIP relation main\.t2/);
  });
});
