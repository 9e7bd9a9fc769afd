/**
 * Clear sentences instead of engine noise: a 0-byte landing file, a damaged catalog.db,
 * DuckDB running out of memory. Never a stack trace or an `internal error:` prefix.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { makeProject, runMdw } from '../support/project.js';

function assertNoNoise(output: string): void {
  assert.doesNotMatch(output, /internal error|\n\s+at .*:\d+:\d+/);
}

const ICEBERG_PROJECT =
  "name: shop\nversion: '1.0.0'\nprofile: shop\nmodels:\n  shop:\n    +table_type: iceberg\n";
const SOURCES = `version: 2
sources:
  - name: shop
    schema: raw
    tables:
      - name: orders
        external:
          location: "data/orders.csv"
        columns:
          - name: id
          - name: amount
`;

describe('messages', () => {
  it('a 0-byte landing file gives an empty source and a warning naming it, not a missing column', async () => {
    const dir = makeProject({
      'models/sources.yml': SOURCES,
      'models/orders_copy.sql': "select id, amount from {{ source('shop', 'orders') }}",
      'data/orders.csv': '',
    });
    const result = runMdw(dir, ['run']);
    const output = result.stdout + result.stderr;
    assert.equal(result.code, 0, output);
    assert.match(output, /data\/orders\.csv is empty \(0 bytes\): it adds no rows to source shop\.orders\./);
    assertNoNoise(output);
    const instance = await DuckDBInstance.create(join(dir, 'target', 'shop.duckdb'), {
      access_mode: 'READ_ONLY',
    });
    const connection = await instance.connect();
    const rows = (
      await connection.runAndReadAll('select count(*)::int as n from main.orders_copy')
    ).getRowsJS();
    connection.closeSync();
    instance.closeSync();
    assert.deepEqual(rows, [[0]]);
  });

  it('a damaged catalog.db is named, with what to do', () => {
    const dir = makeProject({ 'dbt_project.yml': ICEBERG_PROJECT, 'models/a.sql': 'select 1 as id' });
    assert.equal(runMdw(dir, ['run']).code, 0);
    writeFileSync(join(dir, 'target', 'catalog.db'), 'this is not a database, just some text '.repeat(200));
    const result = runMdw(dir, ['run']);
    const output = result.stdout + result.stderr;
    assert.notEqual(result.code, 0);
    assert.match(
      output,
      /Iceberg catalog .*target[\\/]catalog\.db cannot be used: it is not a SQLite database \(damaged or overwritten\)\. Fix or restore the file, or move it aside and run `mdw iceberg recover` to rebuild it from the tables' metadata files\./,
    );
    assertNoNoise(output);
  });

  it('--as-of before the first snapshot says so, with the first snapshot time', () => {
    const dir = makeProject({
      'dbt_project.yml': ICEBERG_PROJECT,
      'models/a.sql': "{{ config(materialized='table') }} select 1 as id",
    });
    assert.equal(runMdw(dir, ['run']).code, 0);
    const result = runMdw(dir, [
      'show',
      '--inline',
      'select * from main.a',
      '--as-of',
      '2001-01-01 00:00:00',
    ]);
    const output = result.stdout + result.stderr;
    assert.equal(result.code, 1, output);
    assert.match(
      output,
      /--as-of 2001-01-01T00:00:00\.000Z is before the first Iceberg snapshot of this warehouse \(\d{4}-\d\d-\d\dT[\d:.]+Z\); use a later time, or a snapshot id from `mdw iceberg history`\./,
    );
    assertNoNoise(output);
  });

  it('out of memory says how to raise the limit', () => {
    const dir = makeProject({
      'models/big.sql':
        "{{ config(materialized='table') }} select length(list(repeat(i::varchar, 100))) as n from range(1000000) t(i)",
    });
    writeFileSync(
      join(dir, 'profiles.yml'),
      `shop:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${JSON.stringify(join(dir, 'target', 'shop.duckdb'))}\n      settings:\n        memory_limit: 64MB\n        threads: 1\n`,
    );
    const result = runMdw(dir, ['run']);
    const output = result.stdout + result.stderr;
    assert.equal(result.code, 1, output);
    assert.match(output, /raise it with MDW_DUCKDB_MEMORY_LIMIT/);
    assertNoNoise(output);
  });
});
