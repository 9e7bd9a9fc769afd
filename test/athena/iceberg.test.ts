/**
 * `mdw iceberg …` and `mdw show --as-of` on the athena target, against the local Athena stack
 * (npm run test:athena): an Iceberg model appended three times, then history and files from
 * `"t$snapshots"` / `"t$files"`, time travel, OPTIMIZE … REWRITE DATA USING BIN_PACK, VACUUM
 * with the table's own retention property, and rollback refused in one sentence.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { athena, dataDir, run, stagingDir, uniqueName, workGroup } from './helpers.js';

const repo = resolve(import.meta.dirname, '..', '..', '..');
const schema = uniqueName('mdw_ice');
const EVENTS = `${schema}.events`;
let dir: string;

interface HistoryRow {
  snapshot_id: string;
  total_records: number;
  current: string;
}

function mdw(...args: string[]): { status: number | null; output: string } {
  const result = spawnSync(
    process.execPath,
    [join(repo, 'bin', 'mdw.js'), ...args, '--project-dir', dir, '--profiles-dir', dir],
    { encoding: 'utf8', timeout: 600_000 },
  );
  return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
}

function ok(...args: string[]): string {
  const result = mdw(...args);
  assert.equal(result.status, 0, `mdw ${args.join(' ')}:\n${result.output}`);
  return result.output;
}

function json<T = Record<string, unknown>>(...args: string[]): T[] {
  return JSON.parse(
    ok(...args, '--output', 'json')
      .trim()
      .split('\n')[0]!,
  ) as T[];
}

function write(path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

const history = () => json<HistoryRow>('iceberg', 'history', EVENTS);
const files = (...extra: string[]) =>
  json<{ partition: string; records: number }>('iceberg', 'files', EVENTS, ...extra);
const count = (...extra: string[]) =>
  Number(json('show', '--inline', `select count(*) as n from ${EVENTS}`, ...extra)[0]!.n);

let snapshots: HistoryRow[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'mdw-athena-iceberg-'));
  write('dbt_project.yml', 'name: shop\nversion: "1.0"\nprofile: shop\n');
  write(
    'profiles.yml',
    `shop:\n  target: athena\n  outputs:\n    athena:\n      type: athena\n` +
      `      region_name: ${process.env.MDW_ATHENA_REGION}\n      work_group: ${workGroup()}\n` +
      `      s3_staging_dir: ${stagingDir()}\n      s3_data_dir: ${dataDir()}\n` +
      `      database: awsdatacatalog\n      schema: ${schema}\n      threads: 1\n`,
  );
  // batches 1 and 2 land in kind=a, batch 3 in kind=b; VACUUM keeps snapshots for 1 second
  write(
    'models/events.sql',
    `{{ config(materialized='incremental', incremental_strategy='append', table_type='iceberg',
        partitioned_by=['kind'], table_properties={'vacuum_max_snapshot_age_seconds': '1'}) }}
     select cast({{ var('batch', 3) }} * 100 + n as integer) as id,
            case when {{ var('batch', 3) }} < 3 then 'a' else 'b' end as kind
     from unnest(sequence(1, 10)) as t(n)`,
  );
  for (const batch of [1, 2, 3]) ok('run', '-s', 'events', '--vars', `{batch: ${batch}}`);
  snapshots = history();
});

after(async () => {
  await run(athena(), `DROP TABLE IF EXISTS \`${schema}\`.\`events\``).catch(() => {});
  await run(athena(), `DROP DATABASE IF EXISTS \`${schema}\` CASCADE`).catch(() => {});
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('mdw iceberg on athena', () => {
  test('history comes from "t$snapshots": the appends add up to 30 rows, the last one current', () => {
    const totals = snapshots.map((s) => s.total_records);
    for (const total of [10, 20, 30]) assert.ok(totals.includes(total), `${totals}`);
    assert.equal(snapshots.at(-1)!.current, 'yes');
    assert.equal(snapshots.at(-1)!.total_records, 30);
  });

  test('files come from "t$files", now and as of a snapshot; show --as-of reads the past', () => {
    const now = files();
    assert.equal(now.length, 3);
    assert.equal(
      now.reduce((sum, f) => sum + f.records, 0),
      30,
    );
    const first = snapshots.find((s) => s.total_records === 10)!;
    assert.deepEqual(
      files('--as-of', first.snapshot_id).map((f) => [f.partition, f.records]),
      [['kind=a', 10]],
    );
    assert.equal(count('--as-of', first.snapshot_id), 10);
    assert.equal(count(), 30);
  });

  test('optimize runs OPTIMIZE … REWRITE DATA USING BIN_PACK: one file per partition, rows unchanged', () => {
    const output = ok('iceberg', 'optimize', EVENTS);
    assert.match(output, new RegExp(`Optimized ${EVENTS}: 3 data files → 2\\.`));
    assert.equal(count(), 30);
  });

  test("expire-snapshots runs VACUUM with the table's retention; --older-than is one sentence", async () => {
    const refused = mdw('iceberg', 'expire-snapshots', EVENTS, '--older-than', '0');
    assert.equal(refused.status, 2); // a request this target cannot carry out: a usage error, as dbt's exit 2
    assert.match(refused.output, /runs VACUUM, which keeps what .* vacuum_max_snapshot_age_seconds/);
    await sleep(1500); // older than the table's 1 second
    const output = ok('iceberg', 'expire-snapshots', EVENTS);
    assert.match(output, /expired \d+ snapshots/);
    const left = history();
    assert.equal(left.length, 1, JSON.stringify(left));
    assert.equal(left[0]!.current, 'yes');
    assert.equal(count(), 30);
  });

  test('rollback is refused in one sentence', () => {
    // a snapshot the table still has (the expire test above removed the older ones)
    const kept = history().at(-1)!.snapshot_id;
    const refused = mdw('iceberg', 'rollback', EVENTS, '--to', kept);
    assert.equal(refused.status, 2); // a request this target cannot carry out: a usage error, as dbt's exit 2
    assert.match(refused.output, /Athena cannot roll .* back to snapshot \d+: its SQL has no rollback/);
  });
});
