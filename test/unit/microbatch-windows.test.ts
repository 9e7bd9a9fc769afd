/** Microbatch windows (dbt's batches), config validation and the two --event-time flags. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveStrategy } from '../../src/materialize/incremental.js';
import {
  batchId,
  eventTimeRange,
  type MicrobatchWindow,
  microbatchConfig,
  planWindows,
  windowCondition,
  windowFromPair,
  windowPair,
} from '../../src/materialize/microbatch.js';
import { ConfigError, ExecutionError } from '../../src/util/errors.js';

const day = (text: string) => new Date(`${text}T00:00:00Z`);
const pairs = (windows: MicrobatchWindow[]) => windows.map(windowPair);
const config = (extra: Record<string, unknown> = {}) =>
  microbatchConfig(
    {
      enabled: true,
      materialized: 'incremental',
      tags: [],
      meta: {},
      incremental_strategy: 'microbatch',
      event_time: 'sold_on',
      batch_size: 'day',
      begin: '2018-03-01',
      ...extra,
    },
    'daily',
  );

describe('microbatch windows', () => {
  it('backfills the flags’ range one whole day at a time, end exclusive', () => {
    const windows = planWindows({
      config: config(),
      range: eventTimeRange('2018-03-01', '2018-03-08'),
      incremental: true,
      now: day('2026-01-01'),
    });
    assert.equal(windows.length, 7);
    assert.deepEqual(pairs(windows)[0], ['2018-03-01T00:00:00Z', '2018-03-02T00:00:00Z']);
    assert.deepEqual(pairs(windows)[6], ['2018-03-07T00:00:00Z', '2018-03-08T00:00:00Z']);
  });

  it('truncates the start to its batch and stops the last window at an explicit end', () => {
    const windows = planWindows({
      config: config(),
      range: eventTimeRange('2018-03-01 06:00:00', '2018-03-02 12:00'),
      incremental: true,
      now: day('2026-01-01'),
    });
    assert.deepEqual(pairs(windows), [
      ['2018-03-01T00:00:00Z', '2018-03-02T00:00:00Z'],
      ['2018-03-02T00:00:00Z', '2018-03-02T12:00:00Z'],
    ]);
  });

  it('starts at begin on a first run or full refresh, and runs through the current batch', () => {
    const windows = planWindows({
      config: config({ begin: '2018-03-01' }),
      range: null,
      incremental: false,
      now: new Date('2018-03-04T15:30:00Z'),
    });
    assert.deepEqual(pairs(windows).at(0), ['2018-03-01T00:00:00Z', '2018-03-02T00:00:00Z']);
    assert.deepEqual(pairs(windows).at(-1), ['2018-03-04T00:00:00Z', '2018-03-05T00:00:00Z']);
    assert.equal(windows.length, 4);
  });

  it('re-processes `lookback` batches before the current one on an incremental run (default 1)', () => {
    const now = new Date('2018-03-04T15:30:00Z');
    const plan = (lookback?: number) =>
      pairs(
        planWindows({
          config: config(lookback === undefined ? {} : { lookback }),
          range: null,
          incremental: true,
          now,
        }),
      ).map(([start]) => start.slice(0, 10));
    assert.deepEqual(plan(), ['2018-03-03', '2018-03-04']);
    assert.deepEqual(plan(0), ['2018-03-04']);
    assert.deepEqual(plan(3), ['2018-03-01', '2018-03-02', '2018-03-03', '2018-03-04']);
  });

  it('plans hours, months and years as calendar batches', () => {
    const plan = (batch_size: string, start: string, end: string) =>
      pairs(
        planWindows({
          config: config({ batch_size }),
          range: eventTimeRange(start, end),
          incremental: true,
          now: day('2026-01-01'),
        }),
      );
    assert.equal(plan('hour', '2018-03-01', '2018-03-02').length, 24);
    assert.deepEqual(plan('month', '2018-01-15', '2018-03-01'), [
      ['2018-01-01T00:00:00Z', '2018-02-01T00:00:00Z'],
      ['2018-02-01T00:00:00Z', '2018-03-01T00:00:00Z'],
    ]);
    assert.deepEqual(plan('year', '2017-06-01', '2018-06-01').at(-1), [
      '2018-01-01T00:00:00Z',
      '2018-06-01T00:00:00Z',
    ]);
  });

  it('names batches as dbt (YYYYMMDD, hours YYYYMMDDHH) and filters with half-open timestamps', () => {
    const window = { start: new Date('2018-03-04T05:00:00Z'), end: new Date('2018-03-04T06:00:00Z') };
    assert.equal(batchId(window, 'day'), '20180304');
    assert.equal(batchId(window, 'hour'), '2018030405');
    assert.equal(
      windowCondition('"ts"', window),
      `"ts" >= timestamp '2018-03-04 05:00:00' and "ts" < timestamp '2018-03-04 06:00:00'`,
    );
    assert.deepEqual(windowFromPair(windowPair(window)), window);
    assert.equal(windowFromPair(['x', 'y']), null);
  });
});

describe('microbatch config and flags', () => {
  it('needs event_time, a batch_size and begin, each refused in one sentence naming the model', () => {
    assert.throws(() => config({ event_time: undefined }), /Model daily .* has no event_time config/);
    assert.throws(
      () => config({ batch_size: 'week' }),
      /batch_size set to one of hour, day, month, year, not 'week'/,
    );
    assert.throws(() => config({ begin: undefined }), /needs a begin config/);
    assert.throws(() => config({ begin: '2018-02-30' }), /begin config '2018-02-30' is not a date/);
    assert.throws(() => config({ lookback: -1 }), /lookback config must be a whole number/);
    assert.equal(config().lookback, 1);
    assert.equal(config({ lookback: 0 }).lookback, 0);
  });

  it('follows dbt for the flags: both or neither, start before end', () => {
    assert.equal(eventTimeRange(undefined, undefined), null);
    assert.throws(() => eventTimeRange('2018-03-01', undefined), ConfigError);
    assert.throws(
      () => eventTimeRange(undefined, '2018-03-01'),
      /When specifying --event-time-start, --event-time-end must also be present \(and vice versa\)\./,
    );
    assert.throws(
      () => eventTimeRange('2018-03-08', '2018-03-01'),
      /--event-time-start \(2018-03-08T00:00:00Z\) must be before --event-time-end/,
    );
    assert.throws(() => eventTimeRange('2018-03-01', '2018-03-01'), /must be before/);
    assert.throws(
      () => eventTimeRange('March 1', '2018-03-02'),
      /--event-time-start 'March 1' is not a date/,
    );
  });

  it('is refused on an engine without the window writer, saying what it would do', () => {
    const node = {
      enabled: true,
      materialized: 'incremental',
      tags: [],
      meta: {},
      incremental_strategy: 'microbatch',
    };
    assert.throws(
      () =>
        resolveStrategy(node, 'daily', {
          engine: 'Athena',
          defaultStrategy: 'append',
          strategies: ['append'],
        }),
      (error: unknown) =>
        error instanceof ExecutionError &&
        /Model daily uses incremental_strategy 'microbatch', which mdw builds on the DuckDB and Trino targets only so far/.test(
          error.message,
        ),
    );
  });
});
