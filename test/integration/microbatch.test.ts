/**
 * A microbatch backfill killed and resumed. The fixture (test/fixtures/microbatch-sales) builds sales
 * per product and day over generated daily sales, one batch per day. A 7-day backfill
 * (`mdw build --event-time-start 2018-03-01 --event-time-end 2018-03-08`) is SIGKILLed inside
 * day 4's batch (MDW_FAULT_PAUSE_AT=during-batch, after the day's old rows are deleted and
 * before its new rows are inserted), the test asserts the signal really killed it, then
 * `mdw retry` resumes it, and the table must equal an uninterrupted backfill's (rows and an
 * order-independent checksum):
 * - on a DuckDB table each batch commits on its own, so the retry builds only days 4 to 7;
 * - on an Iceberg table under write-audit-publish the batches were staged, which the kill
 *   discards, so the checkpoint counts none as done and the retry builds all 7 days.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { type CliResult, MDW_BIN, REPO_ROOT } from '../support/project.js';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'microbatch-sales');
const BACKFILL = ['--event-time-start', '2018-03-01', '--event-time-end', '2018-03-08'];
const DAY_4 = '2018-03-04T00:00:00Z';

interface Warehouse {
  project: string;
  env: Record<string, string>;
}

function newWarehouse(root: string, name: string, rawDir: string): Warehouse {
  const project = join(root, name, 'project');
  cpSync(FIXTURE, project, { recursive: true });
  const warehouse = join(root, name, 'warehouse');
  mkdirSync(warehouse);
  return { project, env: { MDW_RAW_DIR: rawDir, MDW_WAREHOUSE_DIR: warehouse } };
}

function mdw(wh: Warehouse, args: string[]): CliResult {
  const result = spawnSync(
    process.execPath,
    [MDW_BIN, ...args, '--project-dir', wh.project, '--profiles-dir', wh.project],
    { encoding: 'utf8', env: { ...process.env, ...wh.env }, timeout: 600_000 },
  );
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

/** Runs the backfill paused inside day 4's batch and SIGKILLs it there. */
function killedDuringDay4(
  wh: Warehouse,
  vars: string[],
): Promise<{ signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [MDW_BIN, 'build', ...BACKFILL, ...vars, '--project-dir', wh.project, '--profiles-dir', wh.project],
      {
        env: { ...process.env, ...wh.env, MDW_FAULT_PAUSE_AT: `during-batch:${DAY_4}` },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the backfill never reached day 4:\n${stderr}`));
    }, 300_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('mdw: paused at during-batch')) child.kill('SIGKILL');
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve({ signal, stderr });
    });
  });
}

/** Rows and an order-independent checksum of the model's table, read by DuckDB directly. */
async function tableSummary(wh: Warehouse): Promise<{ rows: number; days: number; checksum: string }> {
  const instance = await DuckDBInstance.create(join(wh.env.MDW_WAREHOUSE_DIR!, 'mb.duckdb'), {
    access_mode: 'READ_ONLY',
  });
  try {
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(
      `select count(*)::bigint as rows, count(distinct sale_day)::bigint as days,
              coalesce(bit_xor(hash(t::varchar)), 0)::varchar as checksum
       from main.daily_product_sales as t`,
    );
    const [row] = reader.getRowObjectsJson() as Record<string, unknown>[];
    connection.closeSync();
    return { rows: Number(row!.rows), days: Number(row!.days), checksum: String(row!.checksum) };
  } finally {
    instance.closeSync();
  }
}

interface BatchResults {
  successful: [string, string][];
  failed: [string, string][];
}

function modelResult(wh: Warehouse): { status: string; batch_results?: BatchResults } {
  const document = JSON.parse(readFileSync(join(wh.project, 'target', 'run_results.json'), 'utf8'));
  return document.results.find((r: { unique_id: string }) => r.unique_id.endsWith('.daily_product_sales'));
}

const startsOf = (pairs: [string, string][] = []) => pairs.map(([start]) => start.slice(0, 10));

describe('a microbatch backfill killed during day 4 and resumed with mdw retry', () => {
  const root = mkdtempSync(join(tmpdir(), 'mdw-microbatch-'));
  const rawDir = join(root, 'raw');
  after(() => rmSync(root, { recursive: true, force: true }));

  it('generates the daily sales', () => {
    const result = spawnSync(
      process.execPath,
      [MDW_BIN, 'generate', '--out', rawDir, '--daily', '--scale', '0.01', '--quiet'],
      { encoding: 'utf8', timeout: 600_000 },
    );
    assert.equal(result.status, 0, result.stderr);
  });

  for (const variant of [
    { name: 'DuckDB table: batches commit one by one', vars: [] as string[], resumed: 4 },
    { name: 'Iceberg table under write-audit-publish', vars: ['--vars', '{iceberg: true}'], resumed: 7 },
  ]) {
    it(`equals an uninterrupted backfill (${variant.name})`, async () => {
      const label = variant.vars.length ? 'iceberg' : 'native';
      const whole = newWarehouse(root, `${label}-whole`, rawDir);
      const built = mdw(whole, ['build', ...BACKFILL, ...variant.vars]);
      assert.equal(built.code, 0, built.stdout + built.stderr);
      const expected = await tableSummary(whole);
      assert.equal(expected.days, 7);

      const resumed = newWarehouse(root, `${label}-resumed`, rawDir);
      const killed = await killedDuringDay4(resumed, variant.vars);
      assert.equal(killed.signal, 'SIGKILL', `the backfill was killed, not finished:\n${killed.stderr}`);
      assert.match(killed.stderr, /paused at during-batch of 2018-03-04T00:00:00Z/);

      // the run_results.json the killed run left says which days are done
      const checkpoint = modelResult(resumed);
      const todo = ['2018-03-04', '2018-03-05', '2018-03-06', '2018-03-07'];
      const done = ['2018-03-01', '2018-03-02', '2018-03-03'];
      assert.deepEqual(
        startsOf(checkpoint.batch_results?.failed),
        variant.resumed === 4 ? todo : [...done, ...todo],
      );

      const retried = mdw(resumed, ['retry']);
      assert.equal(retried.code, 0, retried.stdout + retried.stderr);
      assert.match(
        retried.stdout,
        new RegExp(`Batch ${variant.resumed} of ${variant.resumed} OK created batch 20180307`),
      );
      assert.doesNotMatch(retried.stdout, new RegExp(`of ${variant.resumed + 1} `));
      assert.equal(modelResult(resumed).status, 'success');
      assert.deepEqual(await tableSummary(resumed), expected);
    });
  }
});
