/**
 * The shrink guard on both Iceberg table writers: the plain one and the partition_by
 * transform one. An empty replacement is refused, nothing is committed; allowed, it empties.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { Adapter, Connection } from '../../src/adapters/types.js';
import { shrinkGuardFor } from '../../src/guards/shrink.js';
import { testNode } from '../support/nodes.js';
import { scratchLakehouse } from '../support/scratch-duckdb.js';

const count = async (conn: Connection, sql: string) => Number((await conn.query(sql)).rows[0]![0]);

describe('shrink guard on Iceberg tables', () => {
  const lake = scratchLakehouse('sg.duckdb');
  let adapter: Adapter;
  let conn: Connection;

  before(() => {
    ({ adapter, conn } = lake);
  });

  const cases = [
    { name: 'plain', config: {} },
    { name: 'bucketed', config: { partition_by: ['bucket(4, id)'] } },
  ];
  for (const { name, config } of cases) {
    it(`refuses emptying a ${name} table unless allowed`, async () => {
      const node = testNode('model', name, { materialized: 'table', table_type: 'iceberg', ...config });
      const relation = adapter.relation('sg', 'lake', name);
      const build = (rows: number, vars: Record<string, unknown> = {}) =>
        adapter.materialize(conn, {
          node,
          relation,
          sql: `select range as id from range(${rows})`,
          fullRefresh: true,
          shrinkGuard: shrinkGuardFor(node, vars),
        });
      await build(10);
      const snapshots = (await adapter.iceberg!.history(conn, 'lake', name)).length;
      await assert.rejects(
        build(0),
        /the table has 10 rows and this build would replace it with an empty table/,
      );
      assert.equal(await count(conn, `select count(*) from ${relation.render()}`), 10);
      assert.equal((await adapter.iceberg!.history(conn, 'lake', name)).length, snapshots);
      await build(0, { mdw_allow_shrink: true });
      assert.equal(await count(conn, `select count(*) from ${relation.render()}`), 0);
    });
  }
});
