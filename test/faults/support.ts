/**
 * Shared by the warehouse fault tests: a small Iceberg project whose warehouse folder comes
 * from the environment (so one project builds several warehouse folders), running mdw on it,
 * and PyIceberg as the independent reader of the result.
 */
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ensureIcebergVenv, repoRoot, runCommand } from '../iceberg/helpers.js';
import { MDW_BIN, makeProject } from '../support/project.js';

/**
 * Two Iceberg models tagged with the build number (var run): a partitioned table rebuilt
 * whole, and an incremental merge that grows by 100 rows a build.
 */
export function warehouseProject(): string {
  return makeProject({
    'dbt_project.yml':
      "name: shop\nversion: '1.0.0'\nprofile: shop\nmodels:\n  shop:\n    +table_type: iceberg\n",
    'profiles.yml':
      'shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: "{{ env_var(\'WH\') }}/shop.duckdb"\n      threads: 1\n',
    'models/facts.sql':
      "{{ config(materialized='table') }}\nselect i as id, {{ var('run', 0) }} as run, strftime(date '2018-01-01' + (i % 4)::int, '%Y%m%d') as partition from range(2000) t(i)",
    'models/events.sql': [
      "{{ config(materialized='incremental', unique_key='id', incremental_strategy='merge') }}",
      "select i + {{ var('run', 0) }} * 100 as id, {{ var('run', 0) }} as run from range(100) t(i)",
    ].join('\n'),
  });
}

export function mdw(project: string, warehouse: string, args: string[]): SpawnSyncReturns<string> {
  return spawnSync(
    process.execPath,
    [MDW_BIN, ...args, '--project-dir', project, '--profiles-dir', project],
    {
      encoding: 'utf8',
      env: { ...process.env, WH: warehouse },
      timeout: 120_000,
    },
  );
}

/** Runs mdw and asserts the exit code, with the output in the failure message. */
export function mdwOk(project: string, warehouse: string, args: string[], code = 0): string {
  const result = mdw(project, warehouse, args);
  const output = result.stdout + result.stderr;
  assert.equal(result.status, code, `mdw ${args.join(' ')} (WH=${warehouse}):\n${output}`);
  assertNoNoise(output);
  return output;
}

/** No stack trace and no `internal error:` prefix. */
export function assertNoNoise(output: string): void {
  assert.doesNotMatch(output, /internal error|\n\s+at .*:\d+:\d+/, output);
}

/** `select run, count(*)` of a table through `mdw show`, as text. */
export function showRuns(project: string, warehouse: string, table: string): string {
  return mdwOk(project, warehouse, [
    'show',
    '--inline',
    `select run, count(*) as n from ${table} group by run order by run`,
    '--limit',
    '50',
  ]);
}

export interface PyTable {
  location: string;
  metadata: string;
  snapshot_id: string | null;
  total_records: string;
  rows: number;
  runs: number[];
  manifest_list?: string;
  manifests?: string[];
  files: string[];
}

/** Every table of the warehouse as PyIceberg reads it (test/faults/pyiceberg_tables.py). */
export async function pyTables(warehouse: string): Promise<Record<string, PyTable>> {
  const bin = await ensureIcebergVenv();
  const script = join(repoRoot, 'test', 'faults', 'pyiceberg_tables.py');
  const r = await runCommand(join(bin, 'python'), [script, warehouse]);
  if (r.code !== 0) throw new Error(`pyiceberg_tables.py ${warehouse} failed:\n${r.stderr.slice(-4000)}`);
  return JSON.parse(r.stdout);
}

/** path → size and mtime of every file under a folder: a fingerprint to prove nothing changed. */
export function fingerprint(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const name of readdirSync(d)) {
      const path = join(d, name);
      const st = statSync(path);
      if (st.isDirectory()) walk(path);
      else out.set(path.slice(dir.length), `${st.size}:${st.mtimeMs}`);
    }
  };
  walk(dir);
  return out;
}

/** Files under `dir` whose bytes contain `text` (e.g. another warehouse's path). */
export function filesMentioning(dir: string, text: string): string[] {
  const hits: string[] = [];
  for (const [relative] of fingerprint(dir)) {
    if (readFileSync(join(dir, relative)).includes(text)) hits.push(relative);
  }
  return hits;
}
