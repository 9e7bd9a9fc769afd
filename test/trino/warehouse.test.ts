/**
 * The repository's dbt/ warehouse on the local Trino at scale 0.01: every seed, source,
 * snapshot, model and data test of a full build passes, and every std and cur table equals the
 * local target's build of the same files (row counts and checksums of the sorted rows, every
 * value compared as text, so decimals are exact). Then a day is added: Trino's incremental
 * build passes again and equals a --full-refresh of the same files on the local target.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { trinoUrl } from './helpers.js';

const repo = resolve(import.meta.dirname, '..', '..', '..');
const TABLES = [
  'mdw_std.mdw_std_dim_customers',
  'mdw_std.mdw_std_dim_date',
  'mdw_std.mdw_std_dim_employees',
  'mdw_std.mdw_std_dim_products',
  'mdw_cur.mdw_cur_ft_sales',
  'mdw_cur.mdw_cur_daily_revenue',
  'mdw_cur.mdw_cur_category_daily_sales',
  'mdw_cur.mdw_cur_customer_summary',
  'mdw_cur.mdw_cur_product_performance',
  'mdw_cur.mdw_cur_salesperson_performance',
];
let scratch: string;

function mdw(...args: string[]): { status: number | null; output: string; stdout: string } {
  const url = new URL(trinoUrl());
  const run = spawnSync(process.execPath, [join(repo, 'bin', 'mdw.js'), ...args, '--project-dir', '.'], {
    cwd: join(repo, 'dbt'),
    encoding: 'utf8',
    timeout: 900_000,
    maxBuffer: 512 * 1024 * 1024,
    env: {
      ...process.env,
      MDW_TRINO_HOST: url.hostname,
      MDW_TRINO_PORT: url.port,
      MDW_RAW_DIR: join(scratch, 'raw'),
      MDW_WAREHOUSE_DIR: join(scratch, 'warehouse'),
    },
  });
  return { status: run.status, output: `${run.stdout}\n${run.stderr}`, stdout: run.stdout };
}

function build(target: 'local' | 'trino', ...flags: string[]): void {
  const run = mdw('build', '--target', target, ...flags);
  assert.equal(run.status, 0, `${target} build ${flags.join(' ')}:\n${run.output.slice(-4000)}`);
  assert.match(run.output, /Done\. PASS=\d+ WARN=0 ERROR=0 SKIP=0/);
}

function show(target: 'local' | 'trino', sql: string): Record<string, unknown>[] {
  const run = mdw('show', '--target', target, '--inline', sql, '--limit', '-1', '--output', 'json');
  assert.equal(run.status, 0, run.output.slice(-4000));
  return JSON.parse(run.stdout.slice(run.stdout.indexOf('[')));
}

/**
 * One value as comparable text: numbers lose trailing fraction zeros (the engines agree on
 * decimal digits but not on every result scale), timestamps lose trailing zeros of their fraction.
 */
function canonical(value: unknown): string {
  if (value === null || value === undefined) return '∅';
  const text = String(value);
  if (/^-?\d+\.\d+$/.test(text)) return text.replace(/\.?0+$/, '');
  const time = /^(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d)(\.\d+)?$/.exec(text);
  if (time) return `${time[1]!.replace('T', ' ')}${(time[2] ?? '').replace(/\.?0+$/, '')}`;
  return text;
}

interface TableDigest {
  rows: number;
  checksum: string;
  sample: string[];
}

/** Every column cast to text in the engine itself (no float on the way), rows sorted, hashed. */
function digest(target: 'local' | 'trino', table: string, columns: readonly string[]): TableDigest {
  const list = columns.map((c) => `cast("${c}" as varchar) as "${c}"`).join(', ');
  const lines = show(target, `select ${list} from ${table}`)
    .map((row) => columns.map((c) => canonical(row[c])).join('|'))
    .sort();
  return {
    rows: lines.length,
    checksum: createHash('sha256').update(lines.join('\n')).digest('hex'),
    sample: lines,
  };
}

function columnsOf(table: string): string[] {
  const [schema, name] = table.split('.');
  return show(
    'local',
    `select column_name from information_schema.columns where table_schema = '${schema}' and table_name = '${name}' order by ordinal_position`,
  ).map((row) => String(row.column_name));
}

/** Every std and cur table holds the same rows on both targets. */
function assertSameTables(when: string): void {
  for (const table of TABLES) {
    const columns = columnsOf(table);
    const local = digest('local', table, columns);
    const trino = digest('trino', table, columns);
    assert.ok(local.rows > 0, `${table} is empty on the local target (${when})`);
    assert.equal(
      trino.rows,
      local.rows,
      `${table}: Trino has ${trino.rows} rows, local ${local.rows} (${when})`,
    );
    if (trino.checksum !== local.checksum) {
      const onlyTrino = trino.sample.find((line) => !local.sample.includes(line));
      const onlyLocal = local.sample.find((line) => !trino.sample.includes(line));
      assert.fail(`${table} differs (${when}): Trino has ${onlyTrino}, local has ${onlyLocal}`);
    }
  }
}

before(() => {
  scratch = mkdtempSync(join(tmpdir(), 'mdw-trino-warehouse-'));
  const generated = mdw('generate', '--scale', '0.01', '--out', join(scratch, 'raw'));
  assert.equal(generated.status, 0, generated.output);
});

after(() => rmSync(scratch, { recursive: true, force: true }));

describe('the dbt/ warehouse on Trino', () => {
  test('a full build passes every data test and equals the local build', () => {
    // The server's lakehouse outlives a test run: start from scratch.
    build('trino', '--full-refresh');
    build('local');
    const [fact] = show('trino', 'select count(*) as sales from mdw_cur.mdw_cur_ft_sales');
    // the data really arrived (a source Trino cannot read gives empty tables and green tests)
    assert.ok(Number(fact!.sales) > 60000, `the fact holds ${fact!.sales} sales`);
    assertSameTables('full build');
  });

  test('an added day built incrementally on Trino equals a --full-refresh', () => {
    const day = mdw('generate', '--day', '20180510', '--out', join(scratch, 'raw'));
    assert.equal(day.status, 0, day.output);
    build('trino');
    build('local', '--full-refresh');
    assertSameTables('after an added day');
  });
});
