/**
 * `mdw source freshness`: dbt's statuses (pass, warn, error stale, runtime error), table
 * freshness merged over the source's, `freshness: null`, filter, selection, exit codes and
 * target/sources.json (dbt's sources/v3 schema; runtime errors are not listed, as in dbt).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { criteriaOf, freshnessStatus } from '../../src/run/freshness.js';
import { makeProject, runMdw } from '../support/project.js';

const SOURCES = `version: 2
sources:
  - name: raw
    schema: main
    loaded_at_field: loaded_at
    freshness:
      warn_after: {count: 1, period: hour}
      error_after: {count: 1, period: day}
    tables:
      - name: fresh
      - name: stale_warn
      - name: stale_err
        freshness:
          error_after: {count: 12, period: hour}
          filter: "id > 0"
      - name: nofresh
        freshness: null
      - name: missing
`;

const at = (offset: string) => `select 1 as id, (now() - interval ${offset})::timestamp as loaded_at`;

describe('mdw source freshness', () => {
  const dir = makeProject({
    'models/sources.yml': SOURCES,
    'models/fresh.sql': `{{ config(materialized='table') }} ${at("'1 minute'")}`,
    'models/stale_warn.sql': `{{ config(materialized='table') }} ${at("'3 hours'")}`,
    // the filter leaves out the fresh row (id 0)
    'models/stale_err.sql': `{{ config(materialized='table') }} ${at("'2 days'")} union all select 0, now()::timestamp`,
    'models/nofresh.sql': `{{ config(materialized='table') }} select 1 as id`,
  });

  it("gives dbt's statuses, exit 1 and sources.json", () => {
    const build = runMdw(dir, ['run']);
    assert.equal(build.code, 0, build.stdout + build.stderr);
    const result = runMdw(dir, ['source', 'freshness']);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const statuses = result.stdout
      .split('\n')
      .map((l) => /\d+ of 4 (PASS|WARN|ERROR STALE|ERROR) freshness of (raw\.\w+)/.exec(l))
      .filter((m) => m !== null)
      .map((m) => `${m[2]}: ${m[1]}`);
    assert.deepEqual(statuses, [
      'raw.fresh: PASS',
      'raw.missing: ERROR',
      'raw.stale_err: ERROR STALE',
      'raw.stale_warn: WARN',
    ]);
    assert.match(result.stdout, /Runtime Error in source missing \(models\/sources\.yml\)/);
    const doc = JSON.parse(readFileSync(join(dir, 'target', 'sources.json'), 'utf8'));
    assert.equal(doc.metadata.dbt_schema_version, 'https://schemas.getdbt.com/dbt/sources/v3.json');
    assert.deepEqual(
      doc.results.map((r: { unique_id: string; status: string }) => [r.unique_id, r.status]),
      [
        ['source.shop.raw.fresh', 'pass'],
        ['source.shop.raw.stale_err', 'error'],
        ['source.shop.raw.stale_warn', 'warn'],
      ],
    );
    const staleErr = doc.results[1];
    assert.deepEqual(staleErr.criteria, {
      warn_after: { count: 1, period: 'hour' },
      error_after: { count: 12, period: 'hour' },
      filter: 'id > 0',
    });
    assert.ok(staleErr.max_loaded_at_time_ago_in_s > 47 * 3600, 'the filter leaves the fresh row out');
  });

  it('exits 0 when the selected sources only warn', () => {
    const result = runMdw(dir, ['source', 'freshness', '-s', 'source:raw.stale_warn']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /1 of 1 WARN freshness of raw\.stale_warn/);
  });

  it('decides by error_after, then warn_after', () => {
    const criteria = {
      warn_after: { count: 1, period: 'hour' },
      error_after: { count: 1, period: 'day' },
      filter: null,
    };
    assert.equal(freshnessStatus(3599, criteria), 'pass');
    assert.equal(freshnessStatus(3601, criteria), 'warn');
    assert.equal(freshnessStatus(86_401, criteria), 'error');
    assert.throws(
      () =>
        criteriaOf({
          freshness: { warn_after: { count: 1, period: 'week' } },
          original_file_path: 'models/s.yml',
          source_name: 'raw',
          name: 't',
        } as never),
      /models\/s\.yml: source raw\.t: freshness warn_after needs a whole 'count' and a 'period' of minute, hour or day/,
    );
  });
});
