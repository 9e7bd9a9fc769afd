/**
 * Readers during a write-audit-publish build (scale 0.01): `mdw show` calls, five at a time,
 * run while a build adds sales (at least 20 of them before its last node finishes). Every call succeeds and sees either the old warehouse or the fully
 * published new one — the fact and its daily aggregate always agree — and no call that ended
 * before the build's last node finished (so before its tests had passed) sees the new data.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MDW_BIN } from '../support/project.js';
import { generate, mdw, newWarehouse, removeWarehouse, type WarehouseRun } from '../support/warehouse.js';

const TOTALS =
  'select (select count(*) from mdw_cur.mdw_cur_ft_sales) as fact, (select sum(sales_count) from mdw_cur.mdw_cur_daily_revenue) as daily';

interface Read {
  endedAt: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

function start(run: WarehouseRun, args: string[]) {
  return spawn(
    process.execPath,
    [MDW_BIN, ...args, '--project-dir', run.projectDir, '--profiles-dir', run.projectDir],
    {
      env: { ...process.env, MDW_RAW_DIR: run.rawDir, MDW_WAREHOUSE_DIR: run.warehouseDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
}

function show(run: WarehouseRun): Promise<Read> {
  const child = start(run, ['show', '--inline', TOTALS, '--output', 'json']);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => {
    stdout += d;
  });
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  return new Promise((resolve) =>
    child.on('close', (code) => resolve({ endedAt: performance.now(), code, stdout, stderr })),
  );
}

function totals(read: Read): { fact: number; daily: number } {
  assert.equal(read.code, 0, read.stderr + read.stdout);
  const [row] = JSON.parse(read.stdout) as { fact: number; daily: number }[];
  return { fact: Number(row!.fact), daily: Number(row!.daily) };
}

describe('readers during a write-audit-publish build', () => {
  const run = newWarehouse('wap-readers');
  after(() => removeWarehouse(run));

  it('see the old or the fully published warehouse, never a table of the build before its tests passed', async () => {
    assert.equal(generate(run, ['--scale', '0.01']).code, 0);
    const sales = join(run.rawDir, 'sales.csv');
    const full = readFileSync(sales, 'utf8');
    writeFileSync(sales, `${full.split('\n').slice(0, 30_000).join('\n')}\n`);
    const first = mdw(run, ['build']);
    assert.equal(first.code, 0, first.stdout.slice(-3000));
    const old = totals(await show(run));
    assert.equal(old.fact, old.daily);
    writeFileSync(sales, full);

    const build = start(run, ['build']);
    let output = '';
    let nodesDoneAt = Number.POSITIVE_INFINITY;
    build.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      // "N of T <result>" lines (not START): once T of them are out, every node has finished.
      const ends = output.match(/^\S+ {2}\d+ of \d+ (?!START)/gm) ?? [];
      const total = Number(/ of (\d+) START/.exec(output)?.[1] ?? Number.NaN);
      if (ends.length === total && nodesDoneAt === Number.POSITIVE_INFINITY) nodesDoneAt = performance.now();
    });
    build.stderr.resume();
    let buildDone = false;
    const finished = new Promise<number | null>((resolve) =>
      build.on('close', (code) => {
        buildDone = true;
        resolve(code);
      }),
    );

    const reads: Read[] = [];
    // Hold the build (SIGSTOP) once the fact is written, so that 20 reads surely land while it
    // runs however fast the machine is; then let it go on (SIGCONT).
    const factWritten = /^\S+ {2}\d+ of \d+ OK [^\n]*mdw_cur_ft_sales/m;
    while (!buildDone && !factWritten.test(output)) await new Promise((r) => setTimeout(r, 50));
    if (!buildDone) {
      assert.ok(build.kill('SIGSTOP'));
      for (let wave = 0; wave < 4; wave++)
        reads.push(...(await Promise.all([1, 2, 3, 4, 5].map(() => show(run)))));
      assert.ok(build.kill('SIGCONT'));
    }

    // Then five calls in flight at a time while the build runs (and at least 20 in all).

    const inFlight = new Set<Promise<void>>();
    while (!buildDone || reads.length + inFlight.size < 20) {
      if (inFlight.size >= 5) {
        await Promise.race(inFlight);
        continue;
      }
      const call: Promise<void> = show(run).then((read) => {
        reads.push(read);
        inFlight.delete(call);
      });
      inFlight.add(call);
    }
    await Promise.all(inFlight);
    assert.equal(await finished, 0, output.slice(-3000));
    const now = totals(await show(run));
    assert.ok(now.fact > old.fact, `${now.fact} > ${old.fact}`);
    assert.equal(now.fact, now.daily);

    let during = 0;
    reads.forEach((read, index) => {
      const seen = totals(read);
      assert.equal(seen.fact, seen.daily, `call ${index + 1}: the fact and its daily aggregate agree`);
      assert.ok(seen.fact === old.fact || seen.fact === now.fact, `call ${index + 1}: ${seen.fact} sales`);
      if (read.endedAt < nodesDoneAt) {
        assert.equal(seen.fact, old.fact, `call ${index + 1} ended before the build's tests passed`);
        if (/reading the last published Iceberg tables from catalog\.db/.test(read.stderr)) during++;
      }
    });
    assert.ok(during >= 20, `${during} of ${reads.length} calls read while the build ran`);
  });
});
