/**
 * Crash tests that prove their kills. MDW_FAULT_PAUSE_AT (src/util/fault-pause.ts) stops the
 * build at a named phase of one table — before its data files, during them, with every file
 * written but the pointer not moved, between the catalog commit and its report, after the
 * whole run — and the test SIGKILLs it there. Each trial asserts the child died by the signal
 * (not by exiting first), then PyIceberg, which shares no code with mdw, reads every table:
 * rows equal the snapshot's total-records, the table build is one run (never a mix), each
 * table is at the old or the new snapshot as the phase says; then the next build is correct.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { MDW_BIN } from '../support/project.js';
import { assertNoNoise, mdwOk, type PyTable, pyTables, showRuns, warehouseProject } from './support.js';

interface Killed {
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

/** Runs a build that pauses at `phase`, SIGKILLs it there, and reports how it ended. */
function buildKilledAt(project: string, warehouse: string, run: number, phase: string): Promise<Killed> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [MDW_BIN, 'run', '--vars', `{run: ${run}}`, '--project-dir', project, '--profiles-dir', project],
      {
        env: { ...process.env, WH: warehouse, MDW_FAULT_PAUSE_AT: phase },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the build never reached ${phase}:\n${stderr}`));
    }, 120_000);
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (stderr.includes('mdw: paused at')) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ signal, code, stderr });
    });
  });
}

/** What PyIceberg must find after the kill: each table's runs. */
interface Expected {
  facts: number[];
  events: number[];
}

function checkTables(tables: Record<string, PyTable>, expected: Expected, when: string): void {
  for (const [name, table] of Object.entries(tables))
    assert.equal(
      table.rows,
      Number(table.total_records),
      `${when}: ${name} rows = its snapshot's total-records`,
    );
  assert.deepEqual(tables['main.facts']!.runs, expected.facts, `${when}: facts`);
  assert.deepEqual(tables['main.events']!.runs, expected.events, `${when}: events`);
  assert.equal(tables['main.events']!.rows, 100 * expected.events.length, `${when}: events rows`);
}

describe('SIGKILL at every phase of a build', () => {
  const root = mkdtempSync(join(tmpdir(), 'mdw-kill-phases-'));
  const project = warehouseProject();
  const wh = join(root, 'wh');
  after(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  });

  // events is built before facts. Under Write-Audit-Publish (the default) a build publishes
  // every table in one catalog transaction after its tests, so a kill at any phase before
  // `after` leaves every table at its published snapshot; `committed` says what run 2k reached.
  const trials: { phase: string; committed: ('facts' | 'events')[] }[] = [
    { phase: 'before-files:main.events', committed: [] },
    { phase: 'during-files:main.events', committed: [] },
    { phase: 'before-commit:main.events', committed: [] },
    { phase: 'after-commit:main.events', committed: [] },
    { phase: 'before-files:main.facts', committed: [] },
    { phase: 'during-files:main.facts', committed: [] },
    { phase: 'before-commit:main.facts', committed: [] },
    { phase: 'after-commit:main.facts', committed: [] },
    { phase: 'after', committed: ['events', 'facts'] },
  ];

  it(`kills land at ${trials.length} phases; PyIceberg reads every table; the next build is correct`, async () => {
    mdwOk(project, wh, ['run', '--vars', '{run: 1}']);
    let facts = [1];
    let events = [1];
    for (const [index, { phase, committed }] of trials.entries()) {
      const run = 2 * (index + 1);
      const killed = await buildKilledAt(project, wh, run, phase);
      assert.equal(
        killed.signal,
        'SIGKILL',
        `${phase}: the child must die by the signal, not exit (${killed.code})`,
      );
      assert.equal(killed.code, null);
      assert.match(killed.stderr, new RegExp(`mdw: paused at ${phase.replace(':', ' of ')} `));
      assertNoNoise(killed.stderr);
      if (committed.includes('facts')) facts = [run];
      if (committed.includes('events')) events = [...events, run];
      checkTables(await pyTables(wh), { facts, events }, `after the kill at ${phase}`);
      // mdw's own reader agrees (its DuckDB views catch up with a commit whose report was cut off)
      assert.match(showRuns(project, wh, 'main.facts'), new RegExp(`\\| +${facts[0]} \\| 2000 \\|\\n$`));
      mdwOk(project, wh, ['run', '--vars', `{run: ${run + 1}}`]);
      facts = [run + 1];
      events = [...events, run + 1];
      checkTables(await pyTables(wh), { facts, events }, `the build after the kill at ${phase}`);
    }
    // the files the killed builds left are orphans; removing them leaves every table whole
    mdwOk(project, wh, ['iceberg', 'remove-orphans', '--older-than', '0']);
    checkTables(await pyTables(wh), { facts, events }, 'after remove-orphans');
  });
});
