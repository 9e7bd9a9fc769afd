/**
 * `mdw iceberg optimize` on a table built from many small appends: the file count drops to
 * about size ÷ target, every query result stays the same, and it is one new snapshot.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MDW_BIN } from '../support/project.js';

function mdw(dir: string, args: string[]): string {
  const result = spawnSync(
    process.execPath,
    [MDW_BIN, ...args, '--project-dir', dir, '--profiles-dir', dir],
    {
      encoding: 'utf8',
    },
  );
  assert.equal(result.status, 0, result.stdout + result.stderr);
  return result.stdout;
}

describe('mdw iceberg optimize', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mdw-optimize-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('bin-packs small files to about size ÷ target and changes no result', () => {
    const files: Record<string, string> = {
      'dbt_project.yml': 'name: opt\nprofile: opt\n',
      'profiles.yml': `opt:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${JSON.stringify(join(dir, 'wh', 'opt.duckdb'))}\n`,
      'models/events.sql': [
        "{{ config(materialized='incremental', incremental_strategy='append', table_type='iceberg') }}",
        "select {{ var('batch', 0) }} * 5000 + i as id, md5(i::varchar) as payload from range(5000) t(i)",
      ].join('\n'),
    };
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    for (let batch = 0; batch < 12; batch++) mdw(dir, ['run', '--vars', `{batch: ${batch}}`]);
    const listFiles = () =>
      JSON.parse(mdw(dir, ['iceberg', 'files', 'main.events', '--output', 'json'])) as { bytes: number }[];
    const before = listFiles();
    assert.equal(before.length, 12);
    const total = before.reduce((sum, f) => sum + f.bytes, 0);
    const target = Math.ceil(total / 3);
    const query = 'select count(*) as n, sum(id) as ids, bit_xor(hash(payload)) as h from main.events';
    const show = () => mdw(dir, ['show', '--inline', query, '--output', 'json']);
    const resultBefore = show();
    const history = () =>
      JSON.parse(mdw(dir, ['iceberg', 'history', 'main.events', '--output', 'json'])) as unknown[];
    const snapshotsBefore = history().length;

    mdw(dir, ['iceberg', 'optimize', 'main.events', '--target-file-size', String(target)]);
    const after = listFiles();
    assert.ok(
      after.length >= 2 && after.length <= 5,
      `${before.length} files of ${total} bytes → ${after.length} (target ${target})`,
    );
    assert.equal(show(), resultBefore);
    assert.equal(history().length, snapshotsBefore + 1);
  });
});
