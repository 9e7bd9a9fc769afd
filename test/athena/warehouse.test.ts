/**
 * The repository's dbt/ warehouse on Athena at scale 0.01, daily landing: the CSVs go up with
 * `mdw upload`, `mdw build --target athena` passes every data test, and every std and cur table
 * equals the local target's build of the same files (row counts and sorted-row checksums).
 * Then a day is added: only that day is merged into the fact, the tables equal a local
 * --full-refresh, and the run scans a small share of the full build's bytes. Last, a build
 * killed with the fact's new version written but not swapped in leaves every table readable,
 * and the next build succeeds.
 *
 * `npm run test:athena` runs it against the local stack (scripts/athena-local.sh);
 * `npm run test:athena:live` against a real account (scripts/athena-live.sh).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { GetTablesCommand } from '@aws-sdk/client-glue';
import { MDW_BIN } from '../support/project.js';
import {
  assertSameDigest,
  digestRows,
  type TableDigest,
  textSelect,
  WAREHOUSE_TABLES,
} from '../support/table-digest.js';
import {
  generate,
  mdw,
  newWarehouse,
  removeWarehouse,
  runResults,
  type WarehouseRun,
} from '../support/warehouse.js';
import { glue } from './helpers.js';

/**
 * The most an added day may scan, as a share of the full build's bytes: 5 %. The build measured
 * 4.8 % (5.3 of 112 MB). It fails when the snapshots, std dimensions, their tests and the
 * reference data's quality report are not reused (unchanged inputs told by Glue versions and S3
 * listings, about 2.7 MB); when the lifetime checks read the fact instead of taking mdw's
 * settled inputs (or, without them, Iceberg metadata), or fall back to rebuilding a summary from
 * the whole fact (about 8 MB each); when a first-seen table's delete reads the table
 * (delete+insert's literal key values let Athena skip its files); and when a snapshot writes
 * although nothing changed. What remains: the summaries' and first-seen tables' incremental
 * writes (reading their own narrow columns and the dimensions' keys), the fact's merge with its
 * dimension look-ups, and the tests of what changed.
 */
const ADDED_DAY_BYTES_CEILING = 0.05;

type Target = 'local' | 'athena';

const DAILY = ['--vars', '{sales_layout: daily}'];
const FACT = 'mdw_cur.mdw_cur_ft_sales';
/** every run of this suite gets its own raw and data prefixes: the stack or account may be shared */
const runId = randomUUID().replace(/-/g, '').slice(0, 10);
const rawUri = `${(process.env.MDW_RAW_S3_URI ?? 's3://mdw-raw/grocery').replace(/\/+$/, '')}-wh-${runId}`;
const dataDir = `${(process.env.MDW_ATHENA_S3_DATA_DIR ?? 's3://mdw-warehouse/').replace(/\/*$/, '/')}wh-${runId}/`;
/** what the Athena runs get on top of the environment: the unique prefixes */
const athenaEnv = { MDW_RAW_S3_URI: rawUri, MDW_ATHENA_S3_DATA_DIR: dataDir };

let wh: WarehouseRun;
let fullBuildBytes = 0;

function cli(
  args: string[],
  env: Record<string, string> = {},
): { code: number; output: string; stdout: string } {
  const result = mdw(wh, args, env);
  return { code: result.code, output: `${result.stdout}\n${result.stderr}`, stdout: result.stdout };
}

function build(target: Target, ...flags: string[]): void {
  const run = cli(['build', '--target', target, ...DAILY, ...flags], target === 'athena' ? athenaEnv : {});
  assert.equal(run.code, 0, `${target} build ${flags.join(' ')}:\n${run.output.slice(-6000)}`);
  assert.match(run.output, /Done\. PASS=\d+ WARN=0 ERROR=0 SKIP=0/);
}

function runModels(...flags: string[]): void {
  const run = cli(['run', '--target', 'athena', ...DAILY, ...flags], athenaEnv);
  assert.equal(run.code, 0, `athena run ${flags.join(' ')}:\n${run.output.slice(-6000)}`);
}

function upload(): string {
  const run = cli(['upload', '--from', wh.rawDir, '--to', rawUri]);
  assert.equal(run.code, 0, run.output.slice(-4000));
  return run.output;
}

function show(target: Target, sql: string): Record<string, unknown>[] {
  const args = ['show', '--target', target, ...DAILY, '--inline', sql, '--limit', '-1', '--output', 'json'];
  const run = cli(args, target === 'athena' ? athenaEnv : {});
  assert.equal(run.code, 0, run.output.slice(-4000));
  return JSON.parse(run.stdout.slice(run.stdout.indexOf('[')));
}

function digest(target: Target, table: string, columns: readonly string[]): TableDigest {
  return digestRows(show(target, textSelect(table, columns)), columns);
}

function columnsOf(table: string): string[] {
  const [schema, name] = table.split('.');
  return show(
    'local',
    `select column_name from information_schema.columns where table_schema = '${schema}' and table_name = '${name}' order by ordinal_position`,
  ).map((row) => String(row.column_name));
}

/** Every std and cur table holds the same rows on Athena as on the local target. */
function assertSameTables(when: string): void {
  for (const table of WAREHOUSE_TABLES) {
    const columns = columnsOf(table);
    const names = { expected: 'local', actual: 'Athena' };
    assertSameDigest(table, digest('local', table, columns), digest('athena', table, columns), names, when);
  }
}

/** Bytes Athena reported for the last run, summed over its nodes (run_results.json). */
function bytesScanned(): { total: number; byNode: Map<string, number> } {
  const byNode = new Map<string, number>();
  let total = 0;
  for (const result of runResults(wh)) {
    const bytes = (result.adapter_response as { data_scanned_in_bytes?: number }).data_scanned_in_bytes ?? 0;
    byNode.set(result.unique_id, bytes);
    total += bytes;
  }
  return { total, byNode };
}

/** The fact's newest Iceberg snapshot summary (what the last write did). */
function lastFactSnapshot(): Record<string, string> {
  const [row] = show(
    'athena',
    `select cast(summary as json) as summary from "mdw_cur"."mdw_cur_ft_sales$snapshots" order by committed_at desc limit 1`,
  );
  const summary = row!.summary;
  return typeof summary === 'string' ? JSON.parse(summary) : (summary as Record<string, string>);
}

function factPartitions(): number {
  const [row] = show('athena', `select count(distinct partition) as days from ${FACT}`);
  return Number(row!.days);
}

// Runs by default; MDW_ATHENA_WAREHOUSE=0 leaves it out (e.g. to iterate on the other suites).
const enabled = process.env.MDW_ATHENA_WAREHOUSE !== '0';

if (enabled) {
  before(() => {
    wh = newWarehouse('athena');
    const generated = generate(wh, ['--scale', '0.01', '--daily']);
    assert.equal(generated.code, 0, generated.stderr);
  });
  after(() => removeWarehouse(wh));
}

const skip = enabled ? false : 'MDW_ATHENA_WAREHOUSE=0 leaves the whole-warehouse suite out';

describe('the dbt/ warehouse on Athena', { skip }, () => {
  test('uploaded CSVs build with every data test passing, and equal the local build', (t) => {
    assert.match(upload(), /Uploaded \d+ files/);
    build('athena', '--full-refresh');
    fullBuildBytes = bytesScanned().total;
    t.diagnostic(`full build: ${fullBuildBytes} bytes scanned`);
    assert.ok(fullBuildBytes > 1_000_000, `the full build scanned ${fullBuildBytes} bytes`);
    build('local');
    // the data really arrived (a source Athena cannot read gives empty tables and green tests),
    // and the fact's 130 days were written through the 100-partition limit
    const [fact] = show('athena', `select count(*) as sales from ${FACT}`);
    assert.ok(Number(fact!.sales) > 60000, `the fact holds ${fact!.sales} sales`);
    assert.ok(factPartitions() > 100, `the fact has ${factPartitions()} day partitions`);
    assertSameTables('full build');
  });

  test(`an added day merges that day only, equals a --full-refresh, and scans at most ${ADDED_DAY_BYTES_CEILING * 100} % of the full build`, (t) => {
    const days = factPartitions();
    const day = generate(wh, ['--day', '20180510', '--daily']);
    assert.equal(day.code, 0, day.stderr);
    // the earlier files are unchanged and skipped; only the new day's file goes up
    const sent = /Uploaded (\d+) files? .*; (\d+) unchanged files? skipped/.exec(upload());
    assert.ok(
      sent && Number(sent[1]) <= 7 && Number(sent[2]) >= 250,
      `upload after an added day: ${sent?.[0]}`,
    );
    build('athena');
    const { total, byNode } = bytesScanned();
    const ratio = (100 * total) / fullBuildBytes;
    const nodes = [...byNode]
      .filter(([, bytes]) => bytes > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([node, bytes]) => `${node} ${bytes}`);
    t.diagnostic(
      `added day: ${total} bytes scanned, ${ratio.toFixed(2)} % of the full build's ${fullBuildBytes}`,
    );
    t.diagnostic(`added day per node: ${nodes.join(', ')}`);
    const summary = lastFactSnapshot();
    assert.equal(
      summary['changed-partition-count'],
      '1',
      `the fact's last write: ${JSON.stringify(summary)}`,
    );
    assert.equal(factPartitions(), days + 1);
    build('local', '--full-refresh');
    assertSameTables('after an added day');
    // last, so a miss still checks the rows above
    assert.ok(
      total <= fullBuildBytes * ADDED_DAY_BYTES_CEILING,
      `the added day scanned ${total} bytes (${ratio.toFixed(2)} %), the full build ${fullBuildBytes}; most: ${nodes.slice(0, 12).join(', ')}`,
    );
  });

  test('a build killed before the fact swap leaves every table readable; the next build succeeds and equals the local one', async () => {
    const [before] = show('athena', `select count(*) as sales from ${FACT}`);
    const child = spawn(
      process.execPath,
      [
        ...[MDW_BIN, 'build', '--target', 'athena', ...DAILY, '--full-refresh', '-s', 'mdw_cur_ft_sales'],
        ...['--project-dir', wh.projectDir, '--profiles-dir', wh.projectDir],
      ],
      {
        env: { ...process.env, ...athenaEnv, MDW_FAULT_PAUSE_AT: `before-commit:${FACT}` },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stderr = '';
    const paused = new Promise<void>((resolve, reject) => {
      child.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('mdw: paused at before-commit')) resolve();
      });
      child.on('exit', (code) =>
        reject(new Error(`the build exited (${code}) before the pause:\n${stderr}`)),
      );
    });
    await paused;
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('close', resolve));

    const names = new Set<string>();
    for (const schema of ['mdw_std', 'mdw_cur']) {
      const { TableList } = await glue().send(new GetTablesCommand({ DatabaseName: schema }));
      for (const table of TableList ?? []) names.add(`${schema}.${table.Name}`);
    }
    for (const table of WAREHOUSE_TABLES)
      assert.ok(names.has(table), `${table} is missing from Glue after the kill`);
    assert.ok(
      names.has(`${FACT}__mdw_tmp`),
      'the killed build had written the new version under the temporary name',
    );
    const [afterKill] = show('athena', `select count(*) as sales from ${FACT}`);
    assert.equal(afterKill!.sales, before!.sales);

    build('athena');
    const { TableList } = await glue().send(new GetTablesCommand({ DatabaseName: 'mdw_cur' }));
    assert.ok(!TableList?.some((t) => t.Name?.endsWith('__mdw_tmp')), 'the next build dropped the leftover');
    const [rebuilt] = show('athena', `select count(*) as sales from ${FACT}`);
    assert.equal(rebuilt!.sales, before!.sales);
    // and it holds the local build's rows (the local warehouse holds the same days)
    const columns = columnsOf(FACT);
    assertSameDigest(
      FACT,
      digest('local', FACT, columns),
      digest('athena', FACT, columns),
      { expected: 'local', actual: 'Athena' },
      'after a killed build',
    );
  });

  test('a run of the fact alone that changed an earlier day makes the next build rebuild the summaries: they equal a --full-refresh', () => {
    // one sale of the first day sells one more unit: same days, same number of sales
    const file = join(wh.rawDir, 'sales', 'partition=20180101', 'part-00000.csv');
    const lines = readFileSync(file, 'utf8').split('\n');
    const fields = lines[1]!.split(',');
    fields[4] = String(Number(fields[4]) === 1 ? 2 : Number(fields[4]) - 1);
    lines[1] = fields.join(',');
    writeFileSync(file, lines.join('\n'));
    assert.match(upload(), /Uploaded 1 file/);
    // models only: the data tests would rightly fail (the daily revenue no longer reconciles)
    runModels('--full-refresh', '-s', 'mdw_cur_ft_sales');
    runModels();
    const summaries = [
      'mdw_cur.mdw_cur_customer_summary',
      'mdw_cur.mdw_cur_product_performance',
      'mdw_cur.mdw_cur_salesperson_performance',
    ];
    const columns = new Map(summaries.map((table) => [table, columnsOf(table)]));
    const incremental = new Map(
      summaries.map((table) => [table, digest('athena', table, columns.get(table)!)]),
    );
    runModels('--full-refresh', '-s', ...summaries.map((table) => table.split('.')[1]!));
    for (const table of summaries)
      assertSameDigest(
        table,
        digest('athena', table, columns.get(table)!),
        incremental.get(table)!,
        { expected: '--full-refresh', actual: 'incremental' },
        'after a run of the fact the summaries missed',
      );
  });
});
