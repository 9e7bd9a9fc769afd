/**
 * A write-audit-publish build SIGKILLed between staging and publishing (the fact staged, its
 * aggregates still building) publishes nothing: mdw and PyIceberg both read the warehouse as
 * it was. The next build discards the dead build's stage (its pointer and files) and
 * publishes, and PyIceberg agrees again.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { uriToPath } from '../../src/lakehouse/iceberg/index.js';
import { MDW_BIN } from '../support/project.js';
import { generate, mdw, newWarehouse, removeWarehouse, type WarehouseRun } from '../support/warehouse.js';
import { ensureIcebergVenv, repoRoot, runCommand } from './helpers.js';

const FACT = 'mdw_cur.mdw_cur_ft_sales';
const DAILY = 'mdw_cur.mdw_cur_daily_revenue';

interface Published {
  fact: number;
  daily: number;
  factSnapshots: string[];
}

/** What PyIceberg's SqlCatalog reads: row counts, and the fact's snapshots. */
async function pyiceberg(run: WarehouseRun): Promise<Published> {
  const bin = await ensureIcebergVenv();
  const script = path.join(repoRoot, 'test', 'iceberg', 'warehouse_check.py');
  const result = await runCommand(path.join(bin, 'python'), [
    script,
    'summary',
    run.warehouseDir,
    FACT,
    DAILY,
  ]);
  assert.equal(result.code, 0, result.stderr.slice(-3000));
  const summary = JSON.parse(result.stdout);
  return {
    fact: summary[FACT].count,
    daily: summary[DAILY].sums.sales_count,
    factSnapshots: Object.keys(summary[FACT].snapshots).sort(),
  };
}

/** What mdw reads. */
function shown(run: WarehouseRun): { fact: number; daily: number } {
  const sql = `select (select count(*) from ${FACT}) as fact, (select sum(sales_count) from ${DAILY}) as daily`;
  const result = mdw(run, ['show', '--inline', sql, '--output', 'json']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const [row] = JSON.parse(result.stdout) as { fact: number; daily: number }[];
  return { fact: Number(row!.fact), daily: Number(row!.daily) };
}

function stagedPointers(run: WarehouseRun): { table: string; metadata: string }[] {
  const db = new Database(path.join(run.warehouseDir, 'catalog.db'), { readonly: true });
  try {
    return db
      .prepare(
        'SELECT table_namespace || \'.\' || table_name AS "table", metadata_location AS metadata FROM mdw_staged_tables',
      )
      .all() as { table: string; metadata: string }[];
  } finally {
    db.close();
  }
}

/** Starts a build and SIGKILLs it once the fact is staged; resolves with the exit signal. */
function buildKilledAfterFact(run: WarehouseRun): Promise<{ signal: NodeJS.Signals | null; output: string }> {
  const child = spawn(
    process.execPath,
    [MDW_BIN, 'build', '--project-dir', run.projectDir, '--profiles-dir', run.projectDir],
    {
      env: { ...process.env, MDW_RAW_DIR: run.rawDir, MDW_WAREHOUSE_DIR: run.warehouseDir },
      stdio: ['ignore', 'pipe', 'ignore'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    if (/OK created sql incremental model mdw_cur\.mdw_cur_ft_sales/.test(output)) child.kill('SIGKILL');
  });
  return new Promise((resolve) => child.on('close', (_code, signal) => resolve({ signal, output })));
}

describe('SIGKILL between staging and publishing', () => {
  const run = newWarehouse('wap-kill');
  after(() => removeWarehouse(run));

  it('publishes nothing, and PyIceberg agrees; the next build cleans up and publishes', async () => {
    assert.equal(generate(run, ['--scale', '0.01']).code, 0);
    const sales = path.join(run.rawDir, 'sales.csv');
    const full = readFileSync(sales, 'utf8');
    writeFileSync(sales, `${full.split('\n').slice(0, 30_000).join('\n')}\n`);
    const first = mdw(run, ['build']);
    assert.equal(first.code, 0, first.stdout.slice(-3000));
    const before = await pyiceberg(run);
    assert.equal(before.fact, before.daily);
    writeFileSync(sales, full);

    const killed = await buildKilledAfterFact(run);
    assert.equal(killed.signal, 'SIGKILL', killed.output.slice(-2000));
    assert.doesNotMatch(killed.output, /Published|Finished running/, 'killed before the end of the build');
    assert.deepEqual(await pyiceberg(run), before, 'PyIceberg reads the warehouse as it was');
    assert.deepEqual(shown(run), { fact: before.fact, daily: before.daily }, 'so does mdw show');
    const left = stagedPointers(run);
    assert.ok(
      left.some((p) => p.table === FACT),
      `the fact was staged when the build died: ${JSON.stringify(left)}`,
    );
    const stagedMetadata = left.map((p) => uriToPath(p.metadata));
    for (const file of stagedMetadata) assert.ok(existsSync(file), file);

    const next = mdw(run, ['build']);
    assert.equal(next.code, 0, next.stdout.slice(-3000));
    assert.match(next.stdout, /Published \d+ Iceberg tables together/);
    assert.deepEqual(stagedPointers(run), [], "the dead build's stage was discarded");
    for (const file of stagedMetadata) assert.equal(existsSync(file), false, `${file} removed`);
    const after = await pyiceberg(run);
    assert.ok(after.fact > before.fact, `${after.fact} > ${before.fact}`);
    assert.equal(after.daily, after.fact);
    assert.deepEqual(shown(run), { fact: after.fact, daily: after.daily });
    assert.equal(after.factSnapshots.length, before.factSnapshots.length + 1, 'one new snapshot of the fact');
  });
});
