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
    for (const round of ['first', 'second']) {
      const run = mdw('build', '--target', 'trino', '--project-dir', '.');
      assert.equal(run.status, 0, `${round} build:\n${run.output.slice(-4000)}`);
      assert.match(run.output, /Done\. PASS=\d+ WARN=0 ERROR=0 SKIP=0/);
    }
  });
});
