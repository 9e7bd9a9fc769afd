/** partition_by mistakes and filters read by `mdw iceberg files --where`: one clear sentence, non-zero exit. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseColumnFilter } from '../../src/lakehouse/iceberg/prune.js';
import { makeProject, runMdw } from '../support/project.js';

describe('partition_by on Iceberg models', () => {
  it('names the model and the problem for an unknown transform, a missing column or a wrong type', () => {
    const dir = makeProject({
      'models/bad_transform.sql':
        "{{ config(materialized='table', table_type='iceberg', partition_by=['week(sales_at)']) }}select now() as sales_at",
      'models/bad_column.sql':
        "{{ config(materialized='table', table_type='iceberg', partition_by=['day(nope)']) }}select now() as sales_at",
      'models/bad_type.sql':
        "{{ config(materialized='table', table_type='iceberg', partition_by=['hour(d)']) }}select current_date as d",
    });
    const result = runMdw(dir, ['run']);
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      /model bad_transform \(models\/bad_transform\.sql\): .*unknown partition transform 'week'/,
    );
    assert.match(
      result.stdout,
      /model bad_column \(models\/bad_column\.sql\): .*partition_by column 'nope' is not a column/,
    );
    assert.match(
      result.stdout,
      /model bad_type \(models\/bad_type\.sql\): .*hour does not apply to a column of Iceberg type date/,
    );
    assert.doesNotMatch(result.stdout + result.stderr, /\n\s+at /, 'no stack trace');
  });
});

describe('mdw iceberg files --where', () => {
  it('reads column, operator and literal', () => {
    assert.deepEqual(parseColumnFilter("sales_at >= '2018-03-01'"), {
      column: 'sales_at',
      op: '>=',
      literal: '2018-03-01',
    });
    assert.deepEqual(parseColumnFilter('"Order Id" = 7'), { column: 'Order Id', op: '=', literal: '7' });
    assert.deepEqual(parseColumnFilter("name < 'O''Brien'"), { column: 'name', op: '<', literal: "O'Brien" });
  });
  it('refuses anything else with one sentence', () => {
    assert.throws(() => parseColumnFilter('sales_at between 1 and 2'), /expected <column> <op> <value>/);
  });
});
