/**
 * An incremental run whose new rows the runner already kept in a table (MaterializeRequest
 * newRows) merges them from that table: the model's SQL is not evaluated again, and the kept
 * table is left for the runner to drop. The runner keeps them beside its connection, in memory.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Adapter, Connection, Relation } from '../../src/adapters/types.js';
import { testNode } from '../support/nodes.js';
import { scratchLakehouse } from '../support/scratch-duckdb.js';

describe('kept new rows of an incremental run', () => {
  const lake = scratchLakehouse('kept.duckdb');
  let adapter: Adapter;
  let conn: Connection;

  before(() => {
    ({ adapter, conn } = lake);
  });

  it('merges the kept table without evaluating the SQL again', async () => {
    const config = {
      materialized: 'incremental',
      table_type: 'iceberg',
      incremental_strategy: 'merge',
      unique_key: 'id',
    };
    const node = testNode('model', 'kept', config);
    const relation = adapter.relation('kept', 'lake', 'kept');
    const build = (sql: string, fullRefresh: boolean, newRows?: Relation) =>
      adapter.materialize(conn, { node, relation, sql, fullRefresh, ...(newRows ? { newRows } : {}) });
    await build(`select range::integer as id, 'old' as label from range(5)`, true);

    const query: Relation = {
      database: 'kept',
      schema: 'lake',
      identifier: 'kept__new_rows',
      render: () => `(select * from (values (3, 'new'), (7, 'new')) as v(id, label))`,
      toString: () => 'kept new rows',
    };
    const kept = (await adapter.viewCopies!.create(conn, query, '', { connectionOnly: true })).relation;
    // kept beside the connection: the scratch database of shared copies is not even attached
    const scratch = await conn.query(
      `select count(*) from duckdb_databases() where database_name = 'mdw_view_copies'`,
    );
    assert.equal(Number(scratch.rows[0]![0]), 0);
    // a SQL that fails if run: the rows must come from the kept table
    const outcome = await build('select * from no_such_table', false, kept);
    assert.equal(outcome.rowsAffected, 2);
    const rows = await conn.query(`select id, label from ${relation.render()} order by id`);
    assert.deepEqual(
      rows.rows.map(([id, label]) => `${id}:${label}`),
      ['0:old', '1:old', '2:old', '3:new', '4:old', '7:new'],
    );
    const left = await conn.query(`select count(*) from ${kept.render()}`);
    assert.equal(Number(left.rows[0]![0]), 2);
  });
});
