/**
 * A merge on an Iceberg table whose new rows replace whole rows is written as the live rows
 * without a new key plus the new rows (adapters/duckdb/iceberg/merge-by-replacement.ts); any
 * other merge goes through the working table. Both must give what DuckDB's MERGE gives. New
 * rows that touch no file of the table (an added day) are written as they landed.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Adapter, Connection } from '../../src/adapters/types.js';
import { testNode } from '../support/nodes.js';
import { scratchLakehouse } from '../support/scratch-duckdb.js';

describe('Iceberg merge by replacement', () => {
  const lake = scratchLakehouse('mergerep.duckdb');
  let adapter: Adapter;
  let conn: Connection;

  before(() => {
    ({ adapter, conn } = lake);
  });

  async function merged(name: string, first: string, next: string, extra: Record<string, unknown> = {}) {
    const config = {
      materialized: 'incremental',
      table_type: 'iceberg',
      incremental_strategy: 'merge',
      unique_key: 'id',
      ...extra,
    };
    const node = testNode('model', name, config);
    const relation = adapter.relation('mergerep', 'lake', name);
    await adapter.materialize(conn, { node, relation, sql: first, fullRefresh: true });
    const outcome = await adapter.materialize(conn, { node, relation, sql: next, fullRefresh: false });
    const rows = await conn.query(`select * from ${relation.render()} order by all`);
    return {
      outcome,
      rows: rows.rows.map((row) => row.map((value) => (value === null ? '-' : value)).join(':')),
    };
  }

  it('updates matched rows, inserts new ones and keeps rows whose key is null', async () => {
    const { outcome, rows } = await merged(
      'whole',
      `select * from (values (1, 'a', 10), (2, 'b', 20), (null, 'n', 0)) as v(id, label, amount)`,
      `select * from (values (2, 'B', 21), (3, 'c', 30), (null, 'm', 1)) as v(id, label, amount)`,
    );
    assert.deepEqual(outcome, { rowsAffected: 3, message: 'MERGE 3' });
    assert.deepEqual(rows, ['1:a:10', '2:B:21', '3:c:30', '-:m:1', '-:n:0']);
  });

  it('new rows holding one key twice update the live row once, as MERGE does', async () => {
    const { rows } = await merged(
      'twice',
      `select * from (values (1, 'a'), (2, 'b')) as v(id, label)`,
      `select * from (values (2, 'x'), (2, 'x'), (3, 'z'), (3, 'z')) as v(id, label)`,
    );
    assert.deepEqual(rows, ['1:a', '2:x', '3:z', '3:z']);
  });

  it('merge_exclude_columns keeps the excluded columns of matched rows', async () => {
    const { rows } = await merged(
      'excluded',
      `select * from (values (1, 'a', 10), (2, 'b', 20)) as v(id, label, amount)`,
      `select * from (values (2, 'B', 21), (3, 'c', 30)) as v(id, label, amount)`,
      { merge_exclude_columns: ['amount'] },
    );
    assert.deepEqual(rows, ['1:a:10', '2:B:20', '3:c:30']);
  });

  it('new rows without a column of the table leave it as it was (on_schema_change ignore)', async () => {
    const { rows } = await merged(
      'narrower',
      `select * from (values (1, 'a', 10), (2, 'b', 20)) as v(id, label, amount)`,
      `select * from (values (2, 'B'), (3, 'c')) as v(id, label)`,
    );
    assert.deepEqual(rows, ['1:a:10', '2:B:20', '3:c:-']);
  });

  it('new rows of a new partition only are added as they landed, columns matched by name', async () => {
    const { outcome, rows } = await merged(
      'added_day',
      `select * from (values (1, 'a', '20180101'), (2, 'b', '20180102')) as v(id, label, day)`,
      `select * from (values ('20180103', 'c', 3), ('20180103', 'd', 4)) as v(day, label, id)`,
      { partition_by: ['day'] },
    );
    assert.deepEqual(outcome, { rowsAffected: 2, message: 'MERGE 2' });
    assert.deepEqual(rows, ['1:a:20180101', '2:b:20180102', '3:c:20180103', '4:d:20180103']);
  });

  it('new rows of a new partition with a new column follow on_schema_change', async () => {
    const { rows } = await merged(
      'added_column',
      `select * from (values (1, 'a', '20180101')) as v(id, label, day)`,
      `select * from (values (2, 'b', '20180102', 7)) as v(id, label, day, extra)`,
      { partition_by: ['day'], on_schema_change: 'append_new_columns' },
    );
    assert.deepEqual(rows, ['1:a:20180101:-', '2:b:20180102:7']);
  });
});
