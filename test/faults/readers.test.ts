/**
 * Readers are never blocked by a build: `mdw show` during a build reads the last published
 * Iceberg snapshots; a second writer waits with a clear message, up to MDW_LOCK_TIMEOUT.
 *
 * The build is held before its first table write (MDW_FAULT_PAUSE_AT=before-files: its first table's data files are not written yet) so that the readers
 * and the second writer really run while it holds the database, however fast the machine is;
 * a timer would let a quick build finish first and the test prove nothing.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { MDW_BIN } from '../support/project.js';
import { generate, mdw, newWarehouse, removeWarehouse } from '../support/warehouse.js';

describe('readers during a build', () => {
  const run = newWarehouse('readers');
  after(() => removeWarehouse(run));
  const env = { ...process.env, MDW_RAW_DIR: run.rawDir, MDW_WAREHOUSE_DIR: run.warehouseDir };
  const cli = (args: string[], extra: Record<string, string> = {}) =>
    spawnSync(
      process.execPath,
      [MDW_BIN, ...args, '--project-dir', run.projectDir, '--profiles-dir', run.projectDir],
      { encoding: 'utf8', env: { ...env, ...extra } },
    );

  it('20 mdw show calls during a build all succeed with published data; a second writer is told who holds it', async () => {
    assert.equal(generate(run, ['--scale', '0.01']).code, 0);
    const first = mdw(run, ['build']);
    assert.equal(first.code, 0, first.stdout.slice(-2000));
    const sql = 'select count(*) as n from mdw_cur.mdw_cur_ft_sales';
    const published = JSON.parse(cli(['show', '--inline', sql, '--output', 'json']).stdout)[0].n;

    const build = spawn(
      process.execPath,
      [MDW_BIN, 'build', '--full-refresh', '--project-dir', run.projectDir, '--profiles-dir', run.projectDir],
      { env: { ...env, MDW_FAULT_PAUSE_AT: 'before-files' }, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      build.on('exit', (_code, signal) => resolve(signal)),
    );
    let buildStderr = '';
    await new Promise<void>((resolve, reject) => {
      build.stderr.on('data', (chunk: Buffer) => {
        buildStderr += chunk.toString();
        if (buildStderr.includes('mdw: paused at before-files')) resolve();
      });
      void exited.then(() =>
        reject(new Error(`the build exited before its first table write: ${buildStderr}`)),
      );
    });

    try {
      const writer = cli(['run', '-s', 'mdw_stg_sales'], { MDW_LOCK_TIMEOUT: '1' });
      assert.equal(writer.status, 2, writer.stdout + writer.stderr);
      assert.match(
        writer.stderr,
        /The warehouse database .*mdw\.duckdb is in use by process \d+; waiting up to 1 s for it \(MDW_LOCK_TIMEOUT\)\./,
      );
      assert.match(
        writer.stderr,
        /is in use by process \d+ \(a build\?\); gave up after \d+ s\. Wait for it to finish, or raise MDW_LOCK_TIMEOUT/,
      );
      for (let call = 0; call < 20; call++) {
        const show = cli(['show', '--inline', sql, '--output', 'json']);
        assert.equal(show.status, 0, show.stderr);
        assert.equal(JSON.parse(show.stdout)[0].n, published, `call ${call + 1}`);
        assert.match(
          show.stderr,
          /is in use by .*reading the last published Iceberg tables from catalog\.db/,
          `call ${call + 1} did not say it read the published tables`,
        );
      }
    } finally {
      build.kill('SIGKILL');
      assert.equal(await exited, 'SIGKILL');
    }
    // The killed build left nothing half-published: the next build succeeds and readers see it.
    const next = mdw(run, ['build']);
    assert.equal(next.code, 0, next.stdout.slice(-2000));
    const after_ = JSON.parse(cli(['show', '--inline', sql, '--output', 'json']).stdout)[0].n;
    assert.equal(after_, published);
  });
});
