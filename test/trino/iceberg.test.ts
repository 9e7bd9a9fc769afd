/**
 * `mdw iceberg …` and `mdw show --as-of` on the trino target, against the local Trino: an
 * incremental model appended three times (three snapshots), then history, files, partitions,
 * time travel by snapshot id and by time (refs in a model and names written by hand), rollback,
 * optimize, expire-snapshots (with --retain-last) and remove-orphans, each read back through
 * the CLI and checked against the table itself.
 */
import assert from 'node:assert/strict';
import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { scalar, TrinoProject, trinoProfile, uniqueSchema } from './helpers.js';

const schema = uniqueSchema('mdw_ice');
const EVENTS = `${schema}.events`;
let project: TrinoProject;

interface HistoryRow {
  snapshot_id: string;
  committed_at: string;
  total_records: number;
  current: string;
}

function ok(...args: string[]): string {
  const run = project.mdw(...args);
  assert.equal(run.status, 0, `mdw ${args.join(' ')}:\n${run.output}`);
  return run.output;
}

function json<T = Record<string, unknown>>(...args: string[]): T[] {
  const run = project.mdw(...args, '--output', 'json');
  assert.equal(run.status, 0, `mdw ${args.join(' ')}:\n${run.output}`);
  return JSON.parse(run.output.trim().split('\n')[0]!) as T[];
}

const history = () => json<HistoryRow>('iceberg', 'history', EVENTS);
const files = (...extra: string[]) =>
  json<{ path: string; partition: string; records: number; bytes: number }>(
    'iceberg',
    'files',
    EVENTS,
    ...extra,
  );
const count = (...extra: string[]) =>
  Number(json('show', '--inline', `select count(*) as n from ${EVENTS}`, ...extra)[0]!.n);

let snapshots: HistoryRow[] = [];

before(() => {
  project = new TrinoProject('mdw-trino-iceberg');
  project.write('profiles.yml', trinoProfile({ schema, threads: 1 }));
  // batch 1 and 2 land in kind=a, batch 3 in kind=b: ten rows each
  project.write(
    'models/events.sql',
    `{{ config(materialized='incremental', incremental_strategy='append', partition_by=['kind']) }}
     select cast({{ var('batch', 3) }} * 100 + n as integer) as id,
            case when {{ var('batch', 3) }} < 3 then 'a' else 'b' end as kind
     from unnest(sequence(1, 10)) as t(n)`,
  );
  project.write('models/event_count.sql', `select count(*) as n from {{ ref('events') }}`);
  project.write(
    'models/schema.yml',
    'version: 2\nmodels:\n  - name: event_count\n    config:\n      materialized: ephemeral\n',
  );
  for (const batch of [1, 2, 3]) ok('run', '-s', 'events', '--vars', `{batch: ${batch}}`);
  snapshots = history();
});

after(async () => {
  await project?.remove([schema]);
});

describe('mdw iceberg on trino', () => {
  test('history lists the three appends, oldest first, the last one current', () => {
    assert.equal(snapshots.length, 3);
    assert.deepEqual(
      snapshots.map((s) => [s.total_records, s.current]),
      [
        [10, ''],
        [20, ''],
        [30, 'yes'],
      ],
    );
    assert.ok(Date.parse(snapshots[0]!.committed_at) <= Date.parse(snapshots[2]!.committed_at));
  });

  test('files and partitions come from the metadata tables, now and as of a snapshot', () => {
    const now = files();
    assert.equal(now.length, 3);
    assert.equal(
      now.reduce((sum, f) => sum + f.records, 0),
      30,
    );
    assert.ok(now.every((f) => f.bytes > 0 && /^kind=(a|b)$/.test(f.partition)));
    const first = files('--as-of', snapshots[0]!.snapshot_id);
    assert.deepEqual(
      first.map((f) => [f.partition, f.records]),
      [['kind=a', 10]],
    );
    assert.ok(first[0]!.bytes > 0, 'a past file keeps its size');
    assert.deepEqual(
      files('--where', "kind = 'b'").map((f) => f.partition),
      ['kind=b'],
    );
    const partitions = json<{ partition: string; records: number; files: number }>(
      'iceberg',
      'partitions',
      EVENTS,
    );
    assert.deepEqual(
      partitions.map((p) => [p.partition, p.records, p.files]),
      [
        ['kind=a', 20, 2],
        ['kind=b', 10, 1],
      ],
    );
    const past = json<{ partition: string; records: number }>(
      'iceberg',
      'partitions',
      EVENTS,
      '--as-of',
      snapshots[1]!.snapshot_id,
    );
    assert.deepEqual(
      past.map((p) => [p.partition, p.records]),
      [['kind=a', 20]],
    );
  });

  test('show --as-of reads a snapshot or a time, in hand-written SQL and through refs', () => {
    assert.equal(count('--as-of', snapshots[0]!.snapshot_id), 10);
    assert.equal(count('--as-of', snapshots[1]!.snapshot_id), 20);
    assert.equal(count(), 30);
    // a time between the second and third commits
    const between = new Date(Date.parse(snapshots[1]!.committed_at) + 1).toISOString();
    assert.ok(between < snapshots[2]!.committed_at, 'the appends are at least 1 ms apart');
    assert.equal(count('--as-of', between), 20);
    const model = json('show', '-s', 'event_count', '--as-of', snapshots[0]!.snapshot_id);
    assert.equal(Number(model[0]!.n), 10);
    const typo = project.mdw('show', '--inline', `select 1 from ${EVENTS}`, '--as-of', '42');
    assert.equal(typo.status, 1);
    assert.match(typo.output, /No Iceberg table of this warehouse has a snapshot 42\./);
  });

  test('rollback makes an earlier snapshot current', async () => {
    ok('iceberg', 'rollback', EVENTS, '--to', snapshots[1]!.snapshot_id);
    assert.equal(Number(await scalar(`select count(*) from iceberg.${EVENTS}`)), 20);
    const after = history();
    assert.equal(after.find((s) => s.snapshot_id === snapshots[1]!.snapshot_id)?.current, 'yes');
    assert.equal(after.find((s) => s.snapshot_id === snapshots[2]!.snapshot_id)?.current, 'rolled back');
    const wrong = project.mdw('iceberg', 'rollback', EVENTS, '--to', '42');
    assert.equal(wrong.status, 1);
    assert.match(wrong.output, new RegExp(`Iceberg table ${EVENTS} has no snapshot 42\\.`));
  });

  test('optimize packs the small files of a partition into one, rows unchanged', async () => {
    const sum = () => scalar(`select sum(id) from iceberg.${EVENTS}`);
    const before = await sum();
    assert.equal(files().length, 2);
    const output = ok('iceberg', 'optimize', EVENTS, '--target-file-size', '1MB');
    assert.match(output, new RegExp(`Optimized ${EVENTS}: 2 data files → 1\\.`));
    assert.equal(files().length, 1);
    assert.equal(await sum(), before);
  });

  test('expire-snapshots keeps the newest with --retain-last and reports the files it deleted', () => {
    // every data file any snapshot read; the rolled-back append's file only expired snapshots held
    const seen = new Set(
      [...snapshots.map((s) => files('--as-of', s.snapshot_id)), files()]
        .flat()
        .map((f) => localPath(f.path)),
    );
    const rolledBack = files('--as-of', snapshots[2]!.snapshot_id)
      .filter((f) => f.partition === 'kind=b')
      .map((f) => localPath(f.path));
    assert.equal(rolledBack.length, 1);
    assert.ok([...seen].every((f) => existsSync(f)));
    const output = ok('iceberg', 'expire-snapshots', EVENTS, '--older-than', '0', '--retain-last', '1');
    const left = history();
    assert.equal(left.length, 1);
    assert.equal(left[0]!.current, 'yes');
    const expired = /expired (\d+) snapshots, deleted (\d+) files/.exec(output);
    assert.ok(expired, output);
    // three appends and optimize's commit (a rollback commits no snapshot), less the one kept
    assert.equal(Number(expired[1]), 3);
    assert.equal(existsSync(rolledBack[0]!), false, 'the rolled-back append is deleted');
    const deleted = [...seen].filter((f) => !existsSync(f));
    assert.equal(Number(expired[2]), deleted.length, `${output}\ndeleted: ${deleted.join(', ')}`);
    assert.equal(count(), 20);
    const gone = project.mdw(
      'show',
      '--inline',
      `select count(*) from ${EVENTS}`,
      '--as-of',
      snapshots[0]!.snapshot_id,
    );
    assert.notEqual(gone.status, 0, 'an expired snapshot is no longer readable');
  });

  test('remove-orphans deletes unreferenced files older than the cutoff and nothing newer', () => {
    const dataDir = dirname(localPath(files()[0]!.path));
    const old = join(dataDir, 'orphan-left-by-a-crash.parquet');
    const fresh = join(dataDir, 'orphan-being-written.parquet');
    writeFileSync(old, 'not referenced by any snapshot');
    writeFileSync(fresh, 'a writer may still commit this one');
    const threeHoursAgo = new Date(Date.now() - 3 * 3600_000);
    utimesSync(old, threeHoursAgo, threeHoursAgo);
    ok('iceberg', 'remove-orphans', EVENTS, '--older-than', '1h');
    assert.equal(existsSync(old), false);
    assert.equal(existsSync(fresh), true);
    assert.equal(count(), 20);
  });

  test('a table that is not Iceberg is one sentence', () => {
    const run = project.mdw('iceberg', 'history', `${schema}.no_such_table`);
    assert.equal(run.status, 1);
    assert.match(
      run.output,
      new RegExp(`${schema}\\.no_such_table is not an Iceberg table of this warehouse\\.`),
    );
  });
});

/** The local file behind the server's `local:///…` URI. */
function localPath(uri: string): string {
  return uri.replace(/^local:\/\//, '');
}
