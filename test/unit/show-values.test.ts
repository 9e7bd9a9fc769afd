/**
 * `mdw show` prints values as dbt 1.11 + dbt-duckdb print them (agate's print_table defaults and
 * to_json). The expected texts below are dbt's own output for the same queries.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plainDecimal, roundHalfEven } from '../../src/cli/preview-table.js';
import { makeProject, runMdw } from '../support/project.js';

const TYPES_QUERY = `select date '2018-01-01' as d, timestamp '2018-01-01 10:11:12' as ts,
  timestamp '2018-01-01 10:11:12.5' as ts2, timestamptz '2018-01-01 10:11:12+00' as tstz,
  476871.8870::decimal(18,4) as dec, 12 as i, 1.5::double as f, 'abc' as s, true as b, null as n,
  12345678901234::bigint as big, [1,2] as lst, {'a': 1} as st, time '10:11:12' as t
union all select date '2018-12-31', timestamp '2018-01-01 00:00:00', null, null, 1.0, 1234567, -0.001,
  'a longer string', false, null, 1, [], {'a': 22}, time '00:00:00'`;

function show(dir: string, sql: string, json = false): string {
  const result = runMdw(dir, ['show', '--inline', sql, ...(json ? ['--output', 'json'] : [])]);
  assert.equal(result.code, 0, result.stderr + result.stdout);
  return result.stdout;
}

describe('mdw show values', () => {
  const dir = makeProject({ 'models/a.sql': 'select 1 as id' });

  it('prints dates, timestamps and decimals as dbt does, at most 6 columns, numbers right-aligned', () => {
    assert.equal(
      show(dir, TYPES_QUERY),
      `Previewing inline node:
|          d |                  ts |                  ts2 |                 tstz |         dec |       i | ... |
| ---------- | ------------------- | -------------------- | -------------------- | ----------- | ------- | --- |
| 2018-01-01 | 2018-01-01 10:11:12 | 2018-01-01 10:11:... | 2018-01-01 10:11:... | 476,871.887 |      12 | ... |
| 2018-12-31 | 2018-01-01 00:00:00 |                      |                      |       1.000 | 1234567 | ... |
`,
    );
  });

  it('formats number columns to their most decimal places (at most 3, marked …)', () => {
    const sql = `select 1.5::double as f, 1e20::double as bigf, 100.0::double as fl2, 1.23456::double as g, 12 as i, -7 as j
      union all select -0.001, 0.1, 2.5, 2, 1234567, null`;
    assert.equal(
      show(dir, sql),
      `Previewing inline node:
|      f |                 bigf |   fl2 |      g |       i |  j |
| ------ | -------------------- | ----- | ------ | ------- | -- |
|  1.500 | 100,000,000,000,0... | 100.0 | 1.235… |      12 | -7 |
| -0.001 |                  0.1 |   2.5 | 2.000… | 1234567 |    |
`,
    );
  });

  it('left-aligns text (times too) and right-aligns booleans and all-NULL columns', () => {
    const sql = `select true as b, time '10:11:12' as t, null::varchar as nv, 'x' as s, timestamptz '2018-01-01 10:11:12.123+00' as tz
      union all select false, null, null, 'longer text', null`;
    assert.equal(
      show(dir, sql),
      `Previewing inline node:
|     b | t        | nv | s           |                   tz |
| ----- | -------- | -- | ----------- | -------------------- |
|  True | 10:11:12 |    | x           | 2018-01-01 10:11:... |
| False |          |    | longer text |                      |
`,
    );
  });

  it('writes JSON values as dbt does: civil dates and times, numbers, containers as JSON text', () => {
    const rows = JSON.parse(show(dir, TYPES_QUERY, true));
    assert.deepEqual(rows[0], {
      d: '2018-01-01',
      ts: '2018-01-01T10:11:12',
      ts2: '2018-01-01T10:11:12.500000',
      tstz: '2018-01-01T10:11:12+00:00',
      dec: 476871.887,
      i: 12,
      f: 1.5,
      s: 'abc',
      b: true,
      n: null,
      big: 12345678901234,
      lst: '[1, 2]',
      st: '{"a": 1}',
      t: '10:11:12',
    });
  });

  it('rounds half to even on the decimal digits and expands exponents', () => {
    assert.equal(roundHalfEven('2.0005', 3), '2.000');
    assert.equal(roundHalfEven('2.0015', 3), '2.002');
    assert.equal(roundHalfEven('-0.0004', 3), '-0.000');
    assert.equal(roundHalfEven('9.9996', 3), '10.000');
    assert.equal(plainDecimal(1e21), '1000000000000000000000');
    assert.equal(plainDecimal(1e-7), '0.0000001');
  });
});

describe('mdw ls', () => {
  it("prints sources as dbt does: source:package.source.table, not the declaring folder's path", () => {
    const dir = makeProject({
      'models/staging/sources.yml':
        'version: 2\nsources:\n  - name: raw\n    tables:\n      - name: orders\n',
      'models/staging/stg_orders.sql': "select * from {{ source('raw', 'orders') }}",
    });
    const result = runMdw(dir, ['ls']);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split('\n').sort(), [
      'shop.staging.stg_orders',
      'source:shop.raw.orders',
    ]);
  });
});
