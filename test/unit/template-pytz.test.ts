/**
 * `modules.pytz` as dbt exposes it. Each expected value is what Python's pytz + datetime print for
 * the same calls (pytz's local-mean-time offset for `tzinfo=zone` included, as dbt renders it).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTemplateEngine } from '../../src/template/engine.js';

const engine = createTemplateEngine({ macroFiles: [], adapterType: 'duckdb', rootPackage: 'p' });
const render = (source: string) => engine.render(source, 'models/m.sql', {}).sql;
const LA = "{% set tz = modules.pytz.timezone('America/Los_Angeles') %}";
const LOCAL = `${LA}{% set y = tz.localize(modules.datetime.datetime(1997, 9, 29, 6, 14)) %}`;

const CASES: [string, string][] = [
  [
    `${LA}{% set x = modules.datetime.datetime(1997, 9, 29, 6, 14, 0, tzinfo=tz) %}{{ x }} {{ x.isoformat() }} {{ tz }}`,
    '1997-09-29 06:14:00-07:53 1997-09-29T06:14:00-07:53 America/Los_Angeles',
  ],
  [
    `${LOCAL}{{ y }} {{ y.utcoffset() }} {{ tz.zone }}`,
    '1997-09-29 06:14:00-07:00 -1 day, 17:00:00 America/Los_Angeles',
  ],
  [`${LOCAL}{{ y.astimezone(modules.pytz.utc) }} {{ modules.pytz.utc }}`, '1997-09-29 13:14:00+00:00 UTC'],
  ['{{ modules.datetime.datetime(2020, 1, 1, tzinfo=modules.pytz.UTC) }}', '2020-01-01 00:00:00+00:00'],
  [
    "{{ modules.datetime.datetime(2020, 1, 1, tzinfo=modules.pytz.timezone('Asia/Kolkata')) }}",
    '2020-01-01 00:00:00+05:53',
  ],
  [
    `${LOCAL}{% set later = y + modules.datetime.timedelta(days=60) %}{{ later }} {{ tz.normalize(later) }} {{ y.strftime('%Y %z') }}`,
    '1997-11-28 06:14:00-07:00 1997-11-28 05:14:00-08:00 1997 -0700',
  ],
  [
    `${LOCAL}{{ y.replace(tzinfo=None) }} {{ modules.datetime.datetime.now(modules.pytz.utc).tzinfo }}`,
    '1997-09-29 06:14:00 UTC',
  ],
  [
    `${LOCAL}{{ (y.astimezone(modules.pytz.utc) - y).days }} {{ y.astimezone(modules.pytz.utc) == y }}`,
    '0 True',
  ],
];

describe('modules.pytz', () => {
  for (const [source, expected] of CASES)
    it(source.slice(LOCAL.length - 20), () => assert.equal(render(source), expected));

  it('an unknown zone is an error naming it', () => {
    assert.throws(() => render("{{ modules.pytz.timezone('Mars/Olympus') }}"), /Mars\/Olympus/);
  });
});
