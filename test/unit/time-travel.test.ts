import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import type { Adapter, Connection, IcebergOperations } from '../../src/adapters/types.js';
import { testNode } from '../support/nodes.js';
import { makeProject, runMdw } from '../support/project.js';
import { scratchLakehouse } from '../support/scratch-duckdb.js';

const count = async (conn: Connection, sql: string) => Number((await conn.query(sql)).rows[0]![0]);

describe('time travel as relations the adapter resolves', () => {
  let adapter: Adapter;
  let conn: Connection;
  let iceberg: IcebergOperations;

  const lake = scratchLakehouse('tt.duckdb');

  before(async () => {
    ({ adapter, conn } = lake);
    iceberg = adapter.iceberg!;
    const node = testNode('model', 'facts', { materialized: 'table', table_type: 'iceberg' });
    const relation = adapter.relation('tt', 'lake', 'facts');
    for (const rows of [3, 5]) {
      await adapter.materialize(conn, {
        node,
        relation,
        sql: `select range as id from range(${rows})`,
        fullRefresh: false,
      });
    }
  });

  it('lists the tables and their history through a connection', async () => {
    assert.deepEqual(await iceberg.listTables(conn), [{ schema: 'lake', table: 'facts' }]);
    assert.equal(await iceberg.isIcebergTable(conn, 'lake', 'facts'), true);
    assert.equal(await iceberg.isIcebergTable(conn, 'lake', 'nothing'), false);
    assert.equal((await iceberg.history(conn, 'lake', 'facts')).length, 2);
  });

  it('reads a past snapshot through relationAsOf, leaving the present alone', async () => {
    const [first, second] = await iceberg.history(conn, 'lake', 'facts');
    const present = adapter.relation('tt', 'lake', 'facts');
    const past = await iceberg.relationAsOf(conn, present, { snapshotId: first!.snapshotId });
    assert.notEqual(past.render(), present.render());
    assert.equal(await count(conn, `select count(*) from ${past.render()}`), 3);
    assert.equal(await count(conn, `select count(*) from ${present.render()}`), 5);
    const later = await iceberg.relationAsOf(conn, present, { timestampMs: second!.committedAt.getTime() });
    assert.equal(await count(conn, `select count(*) from ${later.render()}`), 5);
    await assert.rejects(iceberg.relationAsOf(conn, present, { snapshotId: '42' }), /has a snapshot 42/);
  });

  it('resolves hand-written schema.table names as of a snapshot', async () => {
    const [first] = await iceberg.history(conn, 'lake', 'facts');
    const other = await adapter.connect();
    try {
      await iceberg.resolveNamesAsOf(other, { snapshotId: first!.snapshotId });
      assert.equal(await count(other, 'select count(*) from lake.facts'), 3);
    } finally {
      await other.close();
    }
  });
});

describe('mdw show --as-of', () => {
  it('compiles refs to Iceberg tables as their past relations', () => {
    const dir = makeProject({
      'models/facts.sql':
        "{{ config(materialized='table', table_type='iceberg') }}\nselect range as id from range({{ var('n') }})",
      'models/fact_count.sql':
        "{{ config(materialized='view') }}\nselect count(*) as n from {{ ref('facts') }}",
    });
    try {
      assert.equal(runMdw(dir, ['run', '--vars', '{n: 2}']).code, 0);
      assert.equal(runMdw(dir, ['run', '--vars', '{n: 7}']).code, 0);
      const history = runMdw(dir, [
        'iceberg',
        'history',
        'main.facts',
        '--output',
        'json',
        '--vars',
        '{n: 7}',
      ]);
      const first = JSON.parse(history.stdout)[0].snapshot_id as string;
      const show = (extra: string[]) =>
        JSON.parse(
          runMdw(dir, ['show', '-s', 'fact_count', '--output', 'json', '--vars', '{n: 7}', ...extra]).stdout,
        );
      assert.deepEqual(show([]), [{ n: 7 }]);
      assert.deepEqual(show(['--as-of', first]), [{ n: 2 }]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
