/**
 * Crash safety through the CLI: `mdw run` (a table and an incremental model on Iceberg) and
 * `mdw iceberg optimize` are SIGKILLed at random moments while they run (every trial asserts
 * the kill landed; test/faults/kill-phases.test.ts kills at each named phase and reads the
 * tables with PyIceberg). After every kill each table loads
 * from the catalog, is at exactly one committed snapshot (its rows equal that snapshot's
 * total-records, and are the rows some build wrote), and the next command succeeds.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { scanSql } from '../../src/adapters/duckdb/iceberg/index.js';
import { openCatalog } from '../../src/lakehouse/iceberg/index.js';
import { MDW_BIN } from '../support/project.js';

const TRIALS = Number(process.env.MDW_CRASH_TRIALS ?? 50);

function project(dir: string): void {
  const files: Record<string, string> = {
    'dbt_project.yml': 'name: crash\nprofile: crash\nmodels:\n  crash:\n    +table_type: iceberg\n',
    'profiles.yml': `crash:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${JSON.stringify(join(dir, 'warehouse', 'crash.duckdb'))}\n      threads: 2\n`,
    // Every build writes the same 20,000 rows, tagged with the build number (var run).
    'models/facts.sql':
      "{{ config(materialized='table') }}\nselect i as id, {{ var('run', 0) }} as run, strftime(date '2018-01-01' + (i % 20)::int, '%Y%m%d') as partition from range(20000) t(i)",
    'models/events.sql': [
      "{{ config(materialized='incremental', unique_key='id', incremental_strategy='merge') }}",
      "select i + {{ var('run', 0) }} * 1000 as id, {{ var('run', 0) }} as run, strftime(date '2018-01-01' + (i % 5)::int, '%Y%m%d') as partition",
      'from range(1000) t(i)',
    ].join('\n'),
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
}

function mdwArgs(dir: string, args: string[]): string[] {
  return [MDW_BIN, ...args, '--project-dir', dir, '--profiles-dir', dir];
}

/** Start mdw and SIGKILL it after `delayMs` (if still running); resolves with how it ended. */
function runAndKill(
  dir: string,
  args: string[],
  delayMs: number,
): Promise<{ signal: NodeJS.Signals | null; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, mdwArgs(dir, args), { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ signal, code });
    });
  });
}

/**
 * A kill that landed: when the child finished before the timer (a kill of an exited process
 * proves nothing), it must have succeeded, and the trial is run again with half the delay.
 */
async function killWhileRunning(dir: string, args: string[], delayMs: number): Promise<number> {
  let delay = delayMs;
  for (;;) {
    const { signal, code } = await runAndKill(dir, args, delay);
    if (signal === 'SIGKILL') return delay;
    assert.equal(code, 0, `mdw ${args.join(' ')} exited ${code} without being killed`);
    assert.ok(delay > 5, `mdw ${args.join(' ')} always finished before a kill at ${delay} ms`);
    delay /= 2;
  }
}

async function checkTables(dir: string): Promise<void> {
  const catalog = openCatalog(join(dir, 'warehouse'));
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    for (const { namespace, name } of catalog.listTables()) {
      const table = catalog.loadTable(namespace, name);
      const snapshot = table.currentSnapshot();
      if (!snapshot) continue;
      const reader = await conn.runAndReadAll(
        `select count(*)::bigint, count(distinct run)::bigint from (${scanSql(table)})`,
      );
      const [rows, runs] = reader.getRowsJS()[0] as [bigint, bigint];
      assert.equal(Number(rows), Number(snapshot.summary['total-records']), `${name}: rows = total-records`);
      // A table build writes one run's rows: never a mix of two builds.
      if (name === 'facts') assert.equal(Number(runs), 1, 'facts holds exactly one build');
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
    catalog.close();
  }
}

describe('SIGKILL during mdw commits', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mdw-cli-crash-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it(`leaves every table at the old or the new snapshot (${TRIALS} kills)`, async () => {
    project(dir);
    const first = spawnSync(process.execPath, mdwArgs(dir, ['run', '--vars', '{run: 0}']), {
      encoding: 'utf8',
    });
    assert.equal(first.status, 0, first.stdout + first.stderr);
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let trial = 1; trial <= TRIALS; trial++) {
      const args =
        trial % 5 === 0
          ? ['iceberg', 'optimize', 'main.events', '--target-file-size', '1MB']
          : ['run', '--vars', `{run: ${trial}}`];
      await killWhileRunning(dir, args, 150 + random() * 1200);
      await checkTables(dir);
    }
    const last = spawnSync(process.execPath, mdwArgs(dir, ['run', '--vars', `{run: ${TRIALS + 1}}`]), {
      encoding: 'utf8',
    });
    assert.equal(last.status, 0, last.stdout + last.stderr);
    await checkTables(dir);
    const optimize = spawnSync(process.execPath, mdwArgs(dir, ['iceberg', 'optimize', 'main.events']), {
      encoding: 'utf8',
    });
    assert.equal(optimize.status, 0, optimize.stdout + optimize.stderr);
  });
});
