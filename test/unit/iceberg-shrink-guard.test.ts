/**
 * The shrink guard on both Iceberg table writers: the plain one and the partition_by
 * transform one. An empty replacement is refused, nothing is committed; allowed, it empties.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createDuckDbAdapter } from '../../src/adapters/duckdb/index.js';
import type { Adapter, Connection } from '../../src/adapters/types.js';
import { shrinkGuardFor } from '../../src/guards/shrink.js';
import { testNode } from '../support/nodes.js';
import { makeProject } from '../support/project.js';

const count = async (conn: Connection, sql: string) => Number((await conn.query(sql)).rows[0]![0]);

describe('shrink guard on Iceberg tables', () => {
  let root: string;
  let adapter: Adapter;
  let conn: Connection;

  before(async () => {
    root = makeProject({});
    const target = {
      name: 'dev',
      profile_name: 't',
      type: 'duckdb',
      schema: 'main',
      database: '',
      threads: 1,
    };
    adapter = await createDuckDbAdapter({ ...target, path: 'sg.duckdb' }, root, { warn: () => {} });
    conn = await adapter.connect();
  });
  after(async () => {
    await conn.close();
    await adapter.close();
    rmSync(root, { recursive: true, force: true });
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
