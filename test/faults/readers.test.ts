/**
 * Readers are never blocked by a build: `mdw show` during a build reads the last published
 * Iceberg snapshots; a second writer waits with a clear message, up to MDW_LOCK_TIMEOUT.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { MDW_BIN } from '../support/project.js';
import { generate, mdw, newWarehouse, removeWarehouse } from '../support/warehouse.js';

describe('readers during a build', () => {
  const run = newWarehouse('readers');
  after(() => removeWarehouse(run));
  const cli = (args: string[], env: Record<string, string> = {}) =>
    spawnSync(
      process.execPath,
      [MDW_BIN, ...args, '--project-dir', run.projectDir, '--profiles-dir', run.projectDir],
      {
        encoding: 'utf8',
        env: { ...process.env, MDW_RAW_DIR: run.rawDir, MDW_WAREHOUSE_DIR: run.warehouseDir, ...env },
      },
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
      {
        env: { ...process.env, MDW_RAW_DIR: run.rawDir, MDW_WAREHOUSE_DIR: run.warehouseDir },
        stdio: 'ignore',
      },
    );
    const finished = new Promise<number | null>((resolve) => build.on('exit', (code) => resolve(code)));
    let buildDone = false;
    void finished.then(() => {
      buildDone = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));

    const writer = cli(['run', '-s', 'mdw_stg_sales'], { MDW_LOCK_TIMEOUT: '1' });
    const overlappedWriter = !buildDone;
    let detached = 0;
    for (let call = 0; call < 20; call++) {
      const show = cli(['show', '--inline', sql, '--output', 'json']);
      assert.equal(show.status, 0, show.stderr);
      assert.equal(JSON.parse(show.stdout)[0].n, published, `call ${call + 1}`);
      if (/is in use by .*reading the last published Iceberg tables from catalog\.db/.test(show.stderr))
        detached++;
    }
    assert.equal(await finished, 0);
    assert.ok(detached > 0, 'at least one show ran while the build held the database');
    if (overlappedWriter) {
      assert.equal(writer.status, 2, writer.stdout + writer.stderr);
      assert.match(
        writer.stderr,
        /The warehouse database .*mdw\.duckdb is in use by process \d+; waiting up to 1 s for it \(MDW_LOCK_TIMEOUT\)\./,
      );
      assert.match(
        writer.stderr,
        /is in use by process \d+ \(a build\?\); gave up after \d+ s\. Wait for it to finish, or raise MDW_LOCK_TIMEOUT/,
      );
    }
  });
});
