/**
 * `mdw build --target athena --dry-run` on the warehouse in dbt/: every statement in order,
 * no AWS call (no credentials are set), compared with a committed golden file.
 *
 * After an intended change of the statements, update the golden file with
 *   npm run build && MDW_UPDATE_GOLDEN=1 node --test dist/test/unit/athena-dry-run.test.js
 * and review its diff.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';

const repo = resolve(import.meta.dirname, '..', '..', '..');
const golden = join(repo, 'test', 'fixtures', 'athena', 'dry-run.sql');
const work = mkdtempSync(join(tmpdir(), 'mdw-athena-dry-'));

/** The run's own timestamps (progress lines, a snapshot's run time) are not part of the plan. */
function statements(output: string): string {
  return output
    .split('\n')
    .filter((line) => !/^\d\d:\d\d:\d\d /.test(line))
    .join('\n')
    .replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+/g, '<run time>')
    .replace(/\n{3,}/g, '\n\n');
}

describe('athena --dry-run', () => {
  after(() => rmSync(work, { recursive: true, force: true }));

  it('prints the warehouse build statement by statement, as the golden file holds', () => {
    const project = join(work, 'dbt');
    cpSync(join(repo, 'dbt'), project, {
      recursive: true,
      filter: (path) => !/[/\\](target|logs)$/.test(path),
    });
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: work, MDW_CACHE_DIR: join(work, 'cache') };
    const output = execFileSync(
      process.execPath,
      [
        join(repo, 'bin', 'mdw.js'),
        'build',
        '--target',
        'athena',
        '--dry-run',
        '--project-dir',
        project,
        '--profiles-dir',
        project,
      ],
      { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    const actual = statements(output);
    if (process.env.MDW_UPDATE_GOLDEN === '1') writeFileSync(golden, actual);
    assert.equal(actual, readFileSync(golden, 'utf8'));
    assert.match(output, /Done\. PASS=\d+ WARN=0 ERROR=0/);
  });

  it('refuses --dry-run on a target that would run the statements', () => {
    const project = join(work, 'dbt');
    assert.throws(
      () =>
        execFileSync(
          process.execPath,
          [
            join(repo, 'bin', 'mdw.js'),
            'run',
            '--dry-run',
            '--project-dir',
            project,
            '--profiles-dir',
            project,
          ],
          {
            env: { PATH: process.env.PATH, HOME: work },
            encoding: 'utf8',
            stdio: 'pipe',
          },
        ),
      (error: { stdout: string; stderr: string; status: number }) => {
        assert.notEqual(error.status, 0);
        assert.match(error.stdout + error.stderr, /--dry-run prints the statements of athena targets only/);
        return true;
      },
    );
  });
});
