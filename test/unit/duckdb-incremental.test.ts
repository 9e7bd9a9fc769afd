import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createDuckDbAdapter } from '../../src/adapters/duckdb/index.js';
import type { Adapter, Connection, MaterializeResult, Relation } from '../../src/adapters/types.js';
import type { ManifestNode, NodeConfig } from '../../src/manifest/types.js';
import { ExecutionError } from '../../src/util/errors.js';
import { testNode } from '../support/nodes.js';

function makeNode(name: string, config: Partial<NodeConfig> = {}): ManifestNode {
  return testNode(
    'model',
    name,
    { materialized: 'incremental', ...config },
    { database: 'inc', schema: 'marts' },
  );
}

describe('duckdb adapter: incremental models', () => {
  let root: string;
  let adapter: Adapter;
  let conn: Connection;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'mdw-duckdb-incremental-'));
    adapter = await createDuckDbAdapter(
      {
        name: 'dev',
        profile_name: 'test',
        type: 'duckdb',
        schema: 'main',
        database: '',
        threads: 1,
        path: 'inc.duckdb',
      },
      root,
      { warn: () => {} },
    );
    conn = await adapter.connect();
  });
  after(async () => {
    await adapter.close();
    rmSync(root, { recursive: true, force: true });
  });

  const relationOf = (name: string) => adapter.relation('inc', 'marts', name);

  function run(
    name: string,
    sql: string,
    config: Partial<NodeConfig> = {},
    fullRefresh = false,
  ): Promise<MaterializeResult> {
    return adapter.materialize(conn, {
      node: makeNode(name, config),
      relation: relationOf(name),
      sql,
      fullRefresh,
    });
  }

  async function contents(relation: Relation, orderBy = '1'): Promise<unknown[][]> {
    return (await conn.query(`select * from ${relation.render()} order by ${orderBy}`)).rows;
  }

  async function columnsOf(relation: Relation): Promise<string[]> {
    return (await adapter.getColumns(conn, relation)).map((column) => `${column.name} ${column.dataType}`);
  }

  test('first run builds a table; without unique_key later runs append (dbt-duckdb default)', async () => {
    const first = await run('events', "select 1 as id, 'a' as v union all select 2, 'b'");
    assert.deepEqual(first, { rowsAffected: 2, message: 'CREATE TABLE (2 rows)' });
    assert.equal((await adapter.getRelation(conn, 'inc', 'marts', 'events'))?.type, 'table');
    const second = await run('events', "select 2 as id, 'b2' as v union all select 3, 'c'");
    assert.deepEqual(second, { rowsAffected: 2, message: 'INSERT 2' });
    assert.deepEqual(await contents(relationOf('events'), 'id, v'), [
      [1, 'a'],
      [2, 'b'],
      [2, 'b2'],
      [3, 'c'],
    ]);
  });

  test('with a unique_key the default strategy is delete+insert', async () => {
    await run('customers', "select 1 as id, 'a' as v union all select 2, 'b'", { unique_key: 'id' });
    const result = await run('customers', "select 2 as id, 'b2' as v union all select 3, 'c'", {
      unique_key: 'id',
    });
    assert.deepEqual(result, { rowsAffected: 2, message: 'INSERT 2' });
    assert.deepEqual(await contents(relationOf('customers')), [
      [1, 'a'],
      [2, 'b2'],
      [3, 'c'],
    ]);
  });

  test('append strategy inserts even with a unique_key', async () => {
    await run('appended', 'select 1 as id', { unique_key: 'id', incremental_strategy: 'append' });
    await run('appended', 'select 1 as id', { unique_key: 'id', incremental_strategy: 'append' });
    assert.deepEqual(await contents(relationOf('appended')), [[1], [1]]);
  });

  test('delete+insert with a composite key and incremental_predicates', async () => {
    const config = {
      unique_key: ['k1', 'k2'],
      incremental_strategy: 'delete+insert',
      incremental_predicates: ['DBT_INTERNAL_DEST.k1 <> 9'],
    };
    await run(
      'pairs',
      "select * from (values (1, 'x', 'old'), (1, 'y', 'old'), (9, 'x', 'keep')) t(k1, k2, v)",
      config,
    );
    await run('pairs', "select * from (values (1, 'x', 'new'), (9, 'x', 'dup')) t(k1, k2, v)", config);
    assert.deepEqual(await contents(relationOf('pairs'), 'k1, k2, v'), [
      [1, 'x', 'new'],
      [1, 'y', 'old'],
      [9, 'x', 'dup'],
      [9, 'x', 'keep'],
    ]);
  });

  test('merge updates matched rows and inserts new ones (single and composite keys)', async () => {
    await run('merged', "select 1 as id, 'a' as v, 10 as n union all select 2, 'b', 20", {
      unique_key: 'id',
      incremental_strategy: 'merge',
    });
    const result = await run('merged', "select 2 as id, 'B' as v, 21 as n union all select 3, 'c', 30", {
      unique_key: 'id',
      incremental_strategy: 'merge',
      merge_exclude_columns: ['n'],
    });
    assert.deepEqual(result, { rowsAffected: 2, message: 'MERGE 2' });
    assert.deepEqual(await contents(relationOf('merged')), [
      [1, 'a', 10],
      [2, 'B', 20],
      [3, 'c', 30],
    ]);

    const composite = { unique_key: ['a', 'b'], incremental_strategy: 'merge' };
    await run('merged2', "select 1 as a, 1 as b, 'x' as v union all select 1, 2, 'y'", composite);
    await run('merged2', "select 1 as a, 2 as b, 'Y' as v union all select 2, 1, 'z'", composite);
    assert.deepEqual(await contents(relationOf('merged2'), 'a, b'), [
      [1, 1, 'x'],
      [1, 2, 'Y'],
      [2, 1, 'z'],
    ]);
  });

  test('insert_overwrite replaces the partitions present in the new rows', async () => {
    const seed = `select * from (values (date '2024-01-01', 1), (date '2024-01-01', 2), (date '2024-01-02', 3), (null, 4)) t(day, id)`;
    const config = { incremental_strategy: 'insert_overwrite', partition_by: 'day' };
    await run('daily', seed, config);
    const result = await run(
      'daily',
      `select * from (values (date '2024-01-01', 10), (null, 40), (date '2024-01-03', 50)) t(day, id)`,
      config,
    );
    assert.deepEqual(result, { rowsAffected: 3, message: 'INSERT 3' });
    assert.deepEqual(
      (await contents(relationOf('daily'), 'id')).map((row) => row[1]),
      [3, 10, 40, 50],
    );

    // {field: ...} dicts (and lists of them) work too
    const dictConfig = {
      incremental_strategy: 'insert_overwrite',
      partition_by: [{ field: 'region' }, 'day'],
    };
    await run(
      'regional',
      "select * from (values ('eu', 1, 'a'), ('eu', 2, 'b'), ('us', 1, 'c')) t(region, day, v)",
      dictConfig,
    );
    await run('regional', "select * from (values ('eu', 1, 'A')) t(region, day, v)", dictConfig);
    assert.deepEqual(await contents(relationOf('regional'), 'region, day'), [
      ['eu', 1, 'A'],
      ['eu', 2, 'b'],
      ['us', 1, 'c'],
    ]);
  });

  test('full refresh rebuilds, unless the model pins full_refresh: false', async () => {
    await run('refreshed', 'select 1 as id');
    const rebuilt = await run('refreshed', 'select 2 as id', {}, true);
    assert.equal(rebuilt.message, 'CREATE TABLE (1 row)');
    assert.deepEqual(await contents(relationOf('refreshed')), [[2]]);
    await run('refreshed', 'select 3 as id', { full_refresh: false }, true);
    assert.deepEqual(await contents(relationOf('refreshed')), [[2], [3]]);
  });

  test('the model SELECT runs exactly once per incremental run', async () => {
    await conn.query('create sequence if not exists inc_seq');
    const sql = "select nextval('inc_seq') as n from range(3)";
    await run('once', sql, { unique_key: 'n', incremental_strategy: 'merge' });
    await run('once', sql, { unique_key: 'n', incremental_strategy: 'merge' });
    assert.deepEqual(await conn.query("select currval('inc_seq')").then((r) => r.rows), [[6]]);
    assert.equal((await contents(relationOf('once'))).length, 6);
  });

  test("on_schema_change 'ignore' writes only the target's columns", async () => {
    await run('ignored', "select 1 as id, 'a' as keep_me, 'x' as dropped");
    await run('ignored', "select 2 as id, 'b' as keep_me, 'new' as added");
    assert.deepEqual(await columnsOf(relationOf('ignored')), [
      'id INTEGER',
      'keep_me VARCHAR',
      'dropped VARCHAR',
    ]);
    assert.deepEqual(await contents(relationOf('ignored')), [
      [1, 'a', 'x'],
      [2, 'b', null],
    ]);
  });

  test("on_schema_change 'fail' names the added and removed columns", async () => {
    await run('strict', "select 1 as id, 'x' as old_col", { on_schema_change: 'fail' });
    await assert.rejects(
      run('strict', "select 2 as id, 'y' as new_col", { on_schema_change: 'fail' }),
      (error: unknown) => {
        assert.ok(error instanceof ExecutionError);
        assert.match(error.message, /strict/);
        assert.match(error.message, /added columns: new_col/);
        assert.match(error.message, /removed columns: old_col/);
        return true;
      },
    );
    assert.deepEqual(await contents(relationOf('strict')), [[1, 'x']]);
    // an unchanged schema passes
    await run('strict', "select 2 as id, 'y' as old_col", { on_schema_change: 'fail' });
    assert.equal((await contents(relationOf('strict'))).length, 2);
  });

  test("on_schema_change 'append_new_columns' adds columns and keeps removed ones", async () => {
    const config = { on_schema_change: 'append_new_columns' };
    await run('appending', "select 1 as id, 'x' as old_col", config);
    await run('appending', 'select 2 as id, 10 as extra', config);
    assert.deepEqual(await columnsOf(relationOf('appending')), [
      'id INTEGER',
      'old_col VARCHAR',
      'extra INTEGER',
    ]);
    assert.deepEqual(await contents(relationOf('appending')), [
      [1, 'x', null],
      [2, null, 10],
    ]);
  });

  test("on_schema_change 'sync_all_columns' adds, drops and retypes columns", async () => {
    const config = { on_schema_change: 'sync_all_columns', unique_key: 'id' };
    await run('synced', "select 1 as id, 'x' as old_col, 5 as amount", config);
    await run('synced', "select 2 as id, 7.5::double as amount, 'n' as new_col", config);
    assert.deepEqual(await columnsOf(relationOf('synced')), [
      'id INTEGER',
      'amount DOUBLE',
      'new_col VARCHAR',
    ]);
    assert.deepEqual(await contents(relationOf('synced')), [
      [1, 5, null],
      [2, 7.5, 'n'],
    ]);
  });

  test('a failing run rolls back schema changes and deletes (one transaction)', async () => {
    const config = { on_schema_change: 'append_new_columns', unique_key: 'id' };
    await run('atomic_inc', "select 1 as id, 'a' as v", config);
    // the new rows stage fine (VARCHAR), but cannot be inserted into the INTEGER id column
    await assert.rejects(
      run('atomic_inc', "select 'one' as id, 'b' as v, 1 as extra", config),
      ExecutionError,
    );
    assert.deepEqual(await columnsOf(relationOf('atomic_inc')), ['id INTEGER', 'v VARCHAR']);
    assert.deepEqual(await contents(relationOf('atomic_inc')), [[1, 'a']]);
    // the connection is usable afterwards (no transaction left open)
    await run('atomic_inc', "select 2 as id, 'c' as v", config);
    assert.equal((await contents(relationOf('atomic_inc'))).length, 2);
  });

  test('an unknown strategy is an ExecutionError listing the valid ones', async () => {
    await run('strategy_check', 'select 1 as id');
    await assert.rejects(
      run('strategy_check', 'select 1 as id', { incremental_strategy: 'insert_by_period' }),
      (error: unknown) =>
        error instanceof ExecutionError &&
        /insert_by_period/.test(error.message) &&
        /merge/.test(error.message) &&
        /microbatch/.test(error.message),
    );
  });

  test('an existing view is replaced by a table', async () => {
    await conn.query(
      `create schema if not exists inc.marts; create view ${relationOf('was_view').render()} as select 1 as id`,
    );
    const result = await run('was_view', 'select 5 as id', { unique_key: 'id' });
    assert.equal(result.message, 'CREATE TABLE (1 row)');
    assert.equal((await adapter.getRelation(conn, 'inc', 'marts', 'was_view'))?.type, 'table');
  });
});
