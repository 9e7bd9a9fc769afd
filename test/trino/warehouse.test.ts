/**
 * The repository's dbt/ warehouse on the local Trino at scale 0.01: every seed, source,
 * snapshot, model and data test of a full build passes, and every std and cur table equals the
 * local target's build of the same files (row counts and checksums of the sorted rows, every
 * value compared as text, so decimals are exact). Then a day is added: Trino's incremental
 * build passes again and equals a --full-refresh of the same files on the local target.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import {
  assertSameDigest,
  digestRows,
  type TableDigest,
  textSelect,
  WAREHOUSE_TABLES,
} from '../support/table-digest.js';
import { trinoUrl } from './helpers.js';

const repo = resolve(import.meta.dirname, '..', '..', '..');
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

/** The table's rows on one target, every column as text, digested. */
function digest(target: 'local' | 'trino', table: string, columns: readonly string[]): TableDigest {
  return digestRows(show(target, textSelect(table, columns)), columns);
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
  for (const table of WAREHOUSE_TABLES) {
    const columns = columnsOf(table);
    const names = { expected: 'local', actual: 'Trino' };
    assertSameDigest(table, digest('local', table, columns), digest('trino', table, columns), names, when);
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
