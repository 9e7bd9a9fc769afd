/**
 * The repository's dbt/ warehouse on the local Trino at scale 0.01: every seed, source,
 * snapshot, model and data test of a full build passes, and so does a rerun (incremental
 * models and snapshots take their update paths).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { trinoUrl } from './helpers.js';

const repo = resolve(import.meta.dirname, '..', '..', '..');
let raw: string;

function mdw(...args: string[]): { status: number | null; output: string } {
  const url = new URL(trinoUrl());
  const run = spawnSync(process.execPath, [join(repo, 'bin', 'mdw.js'), ...args], {
    cwd: join(repo, 'dbt'),
    encoding: 'utf8',
    timeout: 900_000,
    env: { ...process.env, MDW_TRINO_HOST: url.hostname, MDW_TRINO_PORT: url.port, MDW_RAW_DIR: raw },
  });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

before(() => {
  raw = mkdtempSync(join(tmpdir(), 'mdw-trino-raw-'));
  const generated = spawnSync(
    process.execPath,
    [join(repo, 'bin', 'mdw.js'), 'generate', '--scale', '0.01', '--out', raw],
    { encoding: 'utf8' },
  );
  assert.equal(generated.status, 0, generated.stderr);
});

after(() => rmSync(raw, { recursive: true, force: true }));

describe('the dbt/ warehouse on Trino', () => {
  test('builds with every data test passing, twice', () => {
    // The server's lakehouse outlives a test run: the first round starts from scratch.
    for (const round of ['first', 'second']) {
      const refresh = round === 'first' ? ['--full-refresh'] : [];
      const run = mdw('build', '--target', 'trino', '--project-dir', '.', ...refresh);
      assert.equal(run.status, 0, `${round} build:\n${run.output.slice(-4000)}`);
      assert.match(run.output, /Done\. PASS=\d+ WARN=0 ERROR=0 SKIP=0/);
    }
    // the data really arrived (a source Trino cannot read gives empty tables and green tests)
    const shown = mdw(
      'show',
      '--target',
      'trino',
      '--output',
      'json',
      '--inline',
      'select count(*) as sales from mdw_cur.mdw_cur_ft_sales',
    );
    assert.equal(shown.status, 0, shown.output);
    const json = shown.output.split('\n').find((line) => line.startsWith('['));
    assert.ok(json, shown.output);
    const rows = JSON.parse(json);
    assert.ok(Number(rows[0].sales) > 60000, `the fact holds ${rows[0].sales} sales`);
  });
});
