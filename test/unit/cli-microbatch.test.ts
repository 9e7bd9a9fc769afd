/**
 * `incremental_strategy='microbatch'` through the CLI on DuckDB: windows filter upstream refs
 * with an event_time (`.render()` reads them whole), each window replaces its rows, a failed
 * window makes the model a partial success and `mdw retry` re-runs only that window.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeProject, runMdw } from '../support/project.js';

interface Result {
  unique_id: string;
  status: string;
  message: string | null;
  batch_results?: { successful: [string, string][]; failed: [string, string][] };
}

function lastRun(dir: string): { args: Record<string, unknown>; results: Result[] } {
  return JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8'));
}

function daily(dir: string): string {
  const shown = runMdw(dir, ['show', '--inline', 'select * from daily order by day', '--limit', '50']);
  assert.equal(shown.code, 0, shown.stdout + shown.stderr);
  return shown.stdout;
}

// 10 events a day from 2018-03-01 to 2018-03-10; `n` counts the day's events read through the
// filtered ref, `total` the whole table read through .render(), then dbt's model.batch
const EVENTS = `{{ config(materialized='table', event_time='ts') }}
select (date '2018-03-01' + to_days(i // 10))::timestamp as ts, i as id from range(100) t(i)`;
const DAILY = `{{ config(materialized='incremental', incremental_strategy='microbatch', event_time='day',
  batch_size=var('size', 'day'), begin='2018-03-01') }}
select ts::date as day, count(*) as n, (select count(*) from {{ ref('events').render() }}) as total,
  '{{ model.batch.id if model.batch else "none" }}' as batch_id,
  '{{ model.batch.event_time_end if model.batch else "none" }}' as batch_end
from {{ ref('events') }}
{% if var('broken_day', none) %}where case when ts::date = date '{{ var('broken_day') }}' then error('boom') else true end{% endif %}
group by 1`;

describe('mdw build with microbatch models', () => {
  const dir = makeProject({ 'models/events.sql': EVENTS, 'models/daily.sql': DAILY });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('backfills the flags’ range, one filtered window per line, and replaces a window on re-run', () => {
    const built = runMdw(dir, [
      'build',
      '--event-time-start',
      '2018-03-02',
      '--event-time-end',
      '2018-03-05',
    ]);
    assert.equal(built.code, 0, built.stdout + built.stderr);
    assert.match(built.stdout, /START sql microbatch model main\.daily/);
    for (const [i, id] of ['20180302', '20180303', '20180304'].entries())
      assert.match(built.stdout, new RegExp(`Batch ${i + 1} of 3 OK created batch ${id} of main\\.daily`));
    const rows = daily(dir);
    assert.match(rows, /2018-03-02 \| 10 \| {3}100 \| 20180302 \| 2018-03-03 00:00:/);
    assert.match(rows, /2018-03-04 \| 10 \| {3}100/);
    assert.doesNotMatch(rows, /^\| 2018-03-0[15]/m);
    const result = lastRun(dir).results.find((r) => r.unique_id === 'model.shop.daily')!;
    assert.equal(result.status, 'success');
    assert.deepEqual(result.batch_results?.successful[0], ['2018-03-02T00:00:00Z', '2018-03-03T00:00:00Z']);
    assert.equal(lastRun(dir).args.event_time_start, '2018-03-02T00:00:00Z');

    // the same window again replaces its rows (no duplicates)
    const again = runMdw(dir, [
      'run',
      '-s',
      'daily',
      '--event-time-start',
      '2018-03-03',
      '--event-time-end',
      '2018-03-04',
    ]);
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.equal((daily(dir).match(/^\| 2018-03-03/gm) ?? []).length, 1);
  });

  it('reports failed windows as a partial success (exit 1) and mdw retry re-runs only those', () => {
    const failed = runMdw(dir, [
      'run',
      '--event-time-start',
      '2018-03-05',
      '--event-time-end',
      '2018-03-08',
      '--vars',
      '{broken_day: 2018-03-06}',
    ]);
    assert.equal(failed.code, 1, failed.stdout);
    assert.match(failed.stdout, /Batch 2 of 3 ERROR creating batch 20180306 of main\.daily/);
    assert.match(failed.stdout, /PARTIAL SUCCESS \(2\/3\) sql microbatch model main\.daily/);
    assert.match(failed.stdout, /1 of 3 batches failed \(mdw retry re-runs them\): batch 20180306: .*boom/);
    const result = lastRun(dir).results.find((r) => r.unique_id === 'model.shop.daily')!;
    assert.equal(result.status, 'partial success');
    assert.deepEqual(result.batch_results?.failed, [['2018-03-06T00:00:00Z', '2018-03-07T00:00:00Z']]);
    assert.doesNotMatch(daily(dir), /^\| 2018-03-06/m);

    const retried = runMdw(dir, ['retry']);
    assert.equal(retried.code, 0, retried.stdout + retried.stderr);
    assert.match(retried.stdout, /Batch 1 of 1 OK created batch 20180306 of main\.daily/);
    assert.doesNotMatch(retried.stdout, /20180305|20180307/);
    const rows = daily(dir);
    for (const day of ['2018-03-05', '2018-03-06', '2018-03-07'])
      assert.match(rows, new RegExp(`${day} \\| 10`));
  });

  it('rebuilds from begin on a full refresh; other models ignore the flags', () => {
    const built = runMdw(dir, ['build', '--full-refresh', '--vars', '{size: year}']);
    assert.equal(built.code, 0, built.stdout + built.stderr);
    assert.match(built.stdout, /Batch 1 of \d+ OK created batch 20180101 of main\.daily/);
    const rows = daily(dir);
    for (let d = 1; d <= 10; d++)
      assert.match(rows, new RegExp(`2018-03-${String(d).padStart(2, '0')} \\| 10`));
  });

  it('refuses one flag alone, or an end before the start, in one sentence', () => {
    const alone = runMdw(dir, ['build', '--event-time-start', '2018-03-02']);
    assert.equal(alone.code, 2, alone.stdout + alone.stderr);
    assert.match(alone.stderr, /--event-time-end must also be present/);
    assert.doesNotMatch(alone.stderr, /\n\s+at /);
    const backwards = runMdw(dir, [
      'run',
      '--event-time-start',
      '2018-03-09',
      '--event-time-end',
      '2018-03-02',
    ]);
    assert.notEqual(backwards.code, 0);
    assert.match(backwards.stderr, /must be before --event-time-end/);
  });
});
