/** The state machines' JSONata, evaluated with the jsonata library (Step Functions' language). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import jsonata from 'jsonata';
import {
  ALONE,
  BACKFILL_DAYS,
  DAILY_PARTITION,
  DAY_PATTERN,
  MAX_BACKFILL_DAYS,
  MDW_VARS,
} from '../lib/run-expressions.js';

const body = (template: string) => template.replace(/^\{%\s*/, '').replace(/\s*%\}$/, '');
const evaluate = (template: string, bindings: Record<string, unknown>) =>
  jsonata(body(template)).evaluate({}, bindings);

describe('state machine expressions', () => {
  it('the daily run builds the day before the scheduled time, or the given partition', async () => {
    const scheduled = (time: string) =>
      evaluate(DAILY_PARTITION, { states: { input: { scheduledTime: time } } });
    assert.equal(await scheduled('2018-05-10T05:00:00Z'), '20180509');
    assert.equal(await scheduled('2018-03-01T05:00:00Z'), '20180228');
    assert.equal(await scheduled('2020-01-01T00:30:00Z'), '20191231');
    assert.equal(
      await evaluate(DAILY_PARTITION, { states: { input: { partition: '20180105' } } }),
      '20180105',
    );
    assert.equal(await evaluate(DAILY_PARTITION, { states: { input: { partition: 20180105 } } }), '20180105');
    assert.equal(await evaluate(DAILY_PARTITION, { states: { input: {} } }), '');
  });

  it('only a YYYYMMDD partition reaches the command line', async () => {
    assert.equal(await evaluate(DAY_PATTERN, { partition: '20180105' }), true);
    for (const bad of ['', '2018-01-05', '20180105; rm -rf /', '201801051']) {
      assert.equal(await evaluate(DAY_PATTERN, { partition: bad }), false, bad);
    }
  });

  it('builds only when its own execution is the only one running', async () => {
    const running = (count: number) =>
      evaluate(ALONE, {
        states: { input: { Executions: Array.from({ length: count }, (_, i) => ({ name: `run-${i}` })) } },
      });
    assert.equal(await running(1), true);
    assert.equal(await running(2), false);
  });

  it('passes the day to mdw build as a YAML vars mapping', async () => {
    assert.equal(
      await evaluate(MDW_VARS, { partition: '20180105' }),
      '{sales_layout: daily, run_date: "20180105"}',
    );
  });

  it('lists every day of a backfill range, inclusive, across month ends', async () => {
    const days = (from: unknown, to: unknown) => evaluate(BACKFILL_DAYS, { states: { input: { from, to } } });
    assert.deepEqual(await days('20180227', '20180302'), ['20180227', '20180228', '20180301', '20180302']);
    assert.deepEqual(await days('20180105', '20180105'), ['20180105']);
    const year = (await days('20180101', '20181231')) as string[];
    assert.equal(year.length, 365);
    assert.equal(year.at(-1), '20181231');
  });

  it('gives an empty list for a reversed, malformed or too long range', async () => {
    const days = (from: unknown, to: unknown) => evaluate(BACKFILL_DAYS, { states: { input: { from, to } } });
    assert.deepEqual(await days('20180110', '20180101'), []);
    assert.deepEqual(await days('2018-01-01', '20180105'), []);
    assert.deepEqual(await days(undefined, '20180105'), []);
    assert.ok(MAX_BACKFILL_DAYS > 365);
    assert.deepEqual(await days('20180101', '20200101'), []);
  });
});
