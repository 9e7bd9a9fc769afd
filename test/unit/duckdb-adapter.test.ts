import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { conciseDuckDbMessage } from '../../src/adapters/duckdb/errors.js';
import { createDuckDbAdapter } from '../../src/adapters/duckdb/index.js';
import { catalogName } from '../../src/adapters/duckdb/profile.js';
import type { Adapter, Connection } from '../../src/adapters/types.js';
import { parseFirstRecord } from '../../src/csv/header.js';
import type { ManifestNode, NodeConfig, TargetConfig } from '../../src/manifest/types.js';
import { ConfigError, ExecutionError } from '../../src/util/errors.js';
import { testNode } from '../support/nodes.js';

function makeNode(
  name: string,
  config: Partial<NodeConfig> = {},
  extra: Partial<ManifestNode> = {},
): ManifestNode {
  return testNode('model', name, config, extra);
}

function makeTarget(extra: Record<string, unknown> = {}): TargetConfig {
  return {
    name: 'dev',
    profile_name: 'test',
    type: 'duckdb',
    schema: '',
    database: '',
    threads: 2,
    path: 'data/warehouse.duckdb',
    ...extra,
  };
}

async function rows(conn: Connection, sql: string): Promise<unknown[][]> {
  return (await conn.query(sql)).rows;
}

describe('duckdb adapter: profile and connections', () => {
  let root: string;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'mdw-duckdb-profile-'));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  test('resolves a relative path against the project root, creates folders, names the catalog after the stem', async () => {
    const adapter = await createDuckDbAdapter(makeTarget({ path: 'nested/dir/mdw.duckdb' }), root, {
      warn: () => {},
    });
    try {
      assert.equal(adapter.type, 'duckdb');
      assert.equal(adapter.target.database, 'mdw');
      assert.equal(adapter.target.schema, 'main');
      assert.ok(existsSync(join(root, 'nested', 'dir', 'mdw.duckdb')));
      const conn = await adapter.connect();
      assert.deepEqual(await rows(conn, 'select current_database()'), [['mdw']]);
    } finally {
      await adapter.close();
    }
  });

  test("the profile's threads (nodes at once) leave DuckDB's own thread count alone, as dbt-duckdb does", async () => {
    const adapter = await createDuckDbAdapter(makeTarget({ path: ':memory:', threads: 1 }), root, {
      warn: () => {},
    });
    try {
      const conn = await adapter.connect();
      const [[threads]] = (await rows(conn, "select current_setting('threads')")) as [[number]];
      assert.equal(Number(threads), availableParallelism());
    } finally {
      await adapter.close();
    }
  });

  test('view copies live in a scratch file beside the database, deleted on close and after a crash', async () => {
    const database = join(root, 'copies', 'mdw.duckdb');
    const scratch = `${database}.view-copies`;
    mkdirSync(join(root, 'copies'), { recursive: true });
    writeFileSync(scratch, 'left behind by a killed build');
    const adapter = await createDuckDbAdapter(makeTarget({ path: database }), root, { warn: () => {} });
    assert.ok(!existsSync(scratch), 'a leftover scratch file is removed when the database opens');
    try {
      const conn = await adapter.connect();
      await conn.query('create view main.v as select range as id from range(1000)');
      const copy = await adapter.viewCopies!.create(conn, adapter.relation('mdw', 'main', 'v'));
      assert.equal(copy.rows, 1000);
      assert.ok(existsSync(scratch));
      assert.deepEqual(await rows(conn, `select count(*) from ${copy.relation.render()}`), [[1000]]);
    } finally {
      await adapter.close();
    }
    assert.ok(!existsSync(scratch), 'the scratch file is deleted when the adapter closes');
  });

  test(':memory: databases are called memory', async () => {
    const adapter = await createDuckDbAdapter(makeTarget({ path: ':memory:', schema: 'analytics' }), root, {
      warn: () => {},
    });
    try {
      assert.equal(adapter.target.database, 'memory');
      assert.equal(adapter.target.schema, 'analytics');
    } finally {
      await adapter.close();
    }
  });

  test('applies memory_limit and settings, warns about extensions', async () => {
    const warnings: string[] = [];
    const adapter = await createDuckDbAdapter(
      makeTarget({
        path: 'settings.duckdb',
        memory_limit: '512MB',
        settings: { default_null_order: 'nulls_first' },
        extensions: ['httpfs'],
      }),
      root,
      { warn: (message) => warnings.push(message) },
    );
    try {
      const conn = await adapter.connect();
      const [[memory, nullOrder]] = (await rows(
        conn,
        "select current_setting('memory_limit'), current_setting('default_null_order')",
      )) as [string, string][];
      assert.match(memory!, /^488/);
      assert.equal(nullOrder.toLowerCase(), 'nulls_first');
      assert.equal(warnings.length, 1);
      assert.match(warnings[0]!, /extensions/);
    } finally {
      await adapter.close();
    }
  });

  test('an unknown setting is a ConfigError', async () => {
    await assert.rejects(
      createDuckDbAdapter(makeTarget({ path: 'bad.duckdb', settings: { no_such_setting: 1 } }), root, {
        warn: () => {},
      }),
      (error: unknown) => error instanceof ConfigError && /no_such_setting/.test(error.message),
    );
  });

  test('data persists in the file after close', async () => {
    const first = await createDuckDbAdapter(makeTarget({ path: 'persist.duckdb' }), root, { warn: () => {} });
    const conn = await first.connect();
    await conn.query('create table kept as select 42 as answer');
    await first.close();
    const second = await createDuckDbAdapter(makeTarget({ path: 'persist.duckdb' }), root, {
      warn: () => {},
    });
    try {
      const again = await second.connect();
      assert.deepEqual(await rows(again, 'select answer from kept'), [[42]]);
    } finally {
      await second.close();
    }
  });
});

describe('duckdb adapter: queries, relations and models', () => {
  let root: string;
  let adapter: Adapter;
  let conn: Connection;
  const db = 'warehouse';

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'mdw-duckdb-adapter-'));
    adapter = await createDuckDbAdapter(makeTarget(), root, { warn: () => {} });
    conn = await adapter.connect();
  });
  after(async () => {
    await adapter.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('relations render fully quoted with escaped quotes', () => {
    const relation = adapter.relation('db', 'my schema', 'odd"name', 'table');
    assert.equal(relation.render(), '"db"."my schema"."odd""name"');
    assert.equal(String(relation), relation.render());
    assert.equal(adapter.quoteIdentifier('a"b'), '"a""b"');
  });

  test('query runs several statements, returns the last result, numbers as numbers', async () => {
    const result = await conn.query(
      'create table q_numbers as select range as n from range(3); select count(*) as c, sum(n) as s from q_numbers',
    );
    assert.deepEqual(result.columnNames, ['c', 's']);
    assert.deepEqual(result.columnTypes, ['BIGINT', 'HUGEINT']);
    assert.deepEqual(result.rows, [[3, 3]]);
    const inserted = await conn.query('insert into q_numbers values (7), (8)');
    assert.equal(inserted.rowsAffected, 2);
  });

  test('connect() gives independent connections that work in parallel', async () => {
    const a = await adapter.connect();
    const b = await adapter.connect();
    try {
      await a.query('create temp table only_in_a as select 1 as x');
      await assert.rejects(b.query('select * from only_in_a'), ExecutionError);
      const [ra, rb] = await Promise.all([
        a.query('select count(*) from range(100000)'),
        b.query('select count(*) from range(200000)'),
      ]);
      assert.deepEqual([ra.rows, rb.rows], [[[100000]], [[200000]]]);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('getRelation tells tables from views, case-insensitively, and null when missing', async () => {
    await conn.query('create schema if not exists rel; create or replace table rel.t1 as select 1 as id');
    await conn.query('create or replace view rel.v1 as select * from rel.t1');
    assert.equal((await adapter.getRelation(conn, db, 'rel', 't1'))?.type, 'table');
    assert.equal((await adapter.getRelation(conn, db, 'REL', 'V1'))?.type, 'view');
    assert.equal(await adapter.getRelation(conn, db, 'rel', 'missing'), null);
    assert.equal(await adapter.getRelation(conn, db, 'nope', 't1'), null);
  });

  test('getColumns lists names and types in order', async () => {
    await conn.query(
      "create schema if not exists rel; create or replace table rel.cols as select 1::bigint as id, 'x' as name, 1.5::double as amount, date '2024-01-01' as day",
    );
    const columns = await adapter.getColumns(conn, adapter.relation(db, 'rel', 'cols'));
    assert.deepEqual(columns, [
      { name: 'id', dataType: 'BIGINT' },
      { name: 'name', dataType: 'VARCHAR' },
      { name: 'amount', dataType: 'DOUBLE' },
      { name: 'day', dataType: 'DATE' },
    ]);
  });

  test('view: creates its schema, replaces itself, and replaces a table of the same name', async () => {
    const relation = adapter.relation(db, 'views_schema', 'v_orders');
    const node = makeNode('v_orders', { materialized: 'view' });
    const first = await adapter.materialize(conn, {
      node,
      relation,
      sql: 'select 1 as id',
      fullRefresh: false,
    });
    assert.deepEqual(first, { rowsAffected: null, message: 'CREATE VIEW' });
    assert.equal((await adapter.getRelation(conn, db, 'views_schema', 'v_orders'))?.type, 'view');
    // trailing comment and semicolon must not break the DDL
    await adapter.materialize(conn, {
      node,
      relation,
      sql: 'select 2 as id -- note;\n;',
      fullRefresh: false,
    });
    assert.deepEqual(await rows(conn, `select id from ${relation.render()}`), [[2]]);

    await conn.query(`drop view ${relation.render()}; create table ${relation.render()} as select 9 as id`);
    await adapter.materialize(conn, { node, relation, sql: 'select 3 as id', fullRefresh: false });
    assert.equal((await adapter.getRelation(conn, db, 'views_schema', 'v_orders'))?.type, 'view');
    assert.deepEqual(await rows(conn, `select id from ${relation.render()}`), [[3]]);
  });

  test('table: builds, reports rows, replaces tables and views, leaves no staging table', async () => {
    const relation = adapter.relation(db, 'tables_schema', 'orders');
    const node = makeNode('orders', { materialized: 'table' });
    const built = await adapter.materialize(conn, {
      node,
      relation,
      sql: 'select range as id from range(123)',
      fullRefresh: false,
    });
    assert.deepEqual(built, { rowsAffected: 123, message: 'CREATE TABLE (123 rows)' });
    const again = await adapter.materialize(conn, {
      node,
      relation,
      sql: 'select 1 as id',
      fullRefresh: false,
    });
    assert.deepEqual(again, { rowsAffected: 1, message: 'CREATE TABLE (1 row)' });
    assert.deepEqual(await rows(conn, `select id from ${relation.render()}`), [[1]]);

    await conn.query(`drop table ${relation.render()}; create view ${relation.render()} as select 5 as id`);
    await adapter.materialize(conn, { node, relation, sql: 'select 6 as id', fullRefresh: false });
    assert.equal((await adapter.getRelation(conn, db, 'tables_schema', 'orders'))?.type, 'table');
    assert.equal(await adapter.getRelation(conn, db, 'tables_schema', 'orders__mdw_tmp'), null);

    // views built on the table keep working across a rebuild
    await conn.query(`create view tables_schema.orders_view as select * from ${relation.render()}`);
    await adapter.materialize(conn, { node, relation, sql: 'select 8 as id', fullRefresh: false });
    assert.deepEqual(await rows(conn, 'select id from tables_schema.orders_view'), [[8]]);

    // a schema dropped behind the adapter's back is created again
    await conn.query('drop schema tables_schema cascade');
    await adapter.materialize(conn, { node, relation, sql: 'select 7 as id', fullRefresh: false });
    assert.deepEqual(await rows(conn, `select id from ${relation.render()}`), [[7]]);
  });

  test('table: a reader on another connection never sees the table missing while it is replaced', async () => {
    const relation = adapter.relation(db, 'atomic', 'facts');
    const node = makeNode('facts', { materialized: 'table' });
    await adapter.materialize(conn, {
      node,
      relation,
      sql: 'select range as id from range(1000)',
      fullRefresh: false,
    });
    const reader = await adapter.connect();
    let running = true;
    let reads = 0;
    const counts = new Set<number>();
    const readLoop = (async () => {
      while (running) {
        const [[count]] = (await rows(reader, `select count(*) from ${relation.render()}`)) as [number][];
        counts.add(count!);
        reads += 1;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    try {
      for (let round = 0; round < 15; round += 1) {
        const size = round % 2 === 0 ? 2000 : 1000;
        await adapter.materialize(conn, {
          node,
          relation,
          sql: `select range as id from range(${size})`,
          fullRefresh: false,
        });
      }
    } finally {
      running = false;
      await readLoop; // rejects (fails the test) if any read errored
      await reader.close();
    }
    assert.ok(reads > 0);
    assert.deepEqual(
      [...counts].sort((a, b) => a - b).filter((count) => count !== 1000 && count !== 2000),
      [],
    );
  });

  test('models built in parallel into one new schema do not conflict on creating it', async () => {
    const conns = await Promise.all(Array.from({ length: 8 }, () => adapter.connect()));
    try {
      for (let round = 0; round < 6; round += 1) {
        const schema = `parallel_${round}`;
        await Promise.all(
          conns.map((c, i) =>
            adapter.materialize(c, {
              node: makeNode(`m${i}`, { materialized: i % 2 ? 'table' : 'view' }),
              relation: adapter.relation(db, schema, `m${i}`),
              sql: `select range as id from range(${i + 1})`,
              fullRefresh: false,
            }),
          ),
        );
        const [[count]] = (await rows(
          conn,
          `select count(*) from duckdb_tables() where schema_name = '${schema}'`,
        )) as [number][];
        assert.equal(count, 4);
      }
    } finally {
      await Promise.all(conns.map((c) => c.close()));
    }
  });

  test('a SQL error becomes an ExecutionError with the engine message and keeps the old table', async () => {
    const relation = adapter.relation(db, 'errors', 'kept');
    const node = makeNode('kept', { materialized: 'table' });
    await adapter.materialize(conn, { node, relation, sql: 'select 1 as id', fullRefresh: false });
    await assert.rejects(
      adapter.materialize(conn, { node, relation, sql: 'select * from no_such_table', fullRefresh: false }),
      (error: unknown) => {
        assert.ok(error instanceof ExecutionError);
        assert.match(error.message, /^Catalog Error: Table with name no_such_table does not exist!/);
        assert.doesNotMatch(error.message, /LINE 1|\n/);
        return true;
      },
    );
    assert.deepEqual(await rows(conn, `select id from ${relation.render()}`), [[1]]);
    assert.equal(await adapter.getRelation(conn, db, 'errors', 'kept__mdw_tmp'), null);
    await assert.rejects(
      adapter.materialize(conn, { node, relation, sql: 'selec 1', fullRefresh: false }),
      /^ExecutionError|Parser Error: syntax error at or near "selec"/,
    );
  });

  test('ephemeral builds nothing; unknown materializations are refused', async () => {
    const relation = adapter.relation(db, 'eph', 'cte_only');
    const result = await adapter.materialize(conn, {
      node: makeNode('cte_only', { materialized: 'ephemeral' }),
      relation,
      sql: 'select 1',
      fullRefresh: false,
    });
    assert.deepEqual(result, { rowsAffected: null, message: 'EPHEMERAL' });
    assert.equal(await adapter.getRelation(conn, db, 'eph', 'cte_only'), null);
    await assert.rejects(
      adapter.materialize(conn, {
        node: makeNode('odd', { materialized: 'materialized_view' }),
        relation,
        sql: 'select 1',
        fullRefresh: false,
      }),
      (error: unknown) => error instanceof ExecutionError && /materialized_view/.test(error.message),
    );
  });
});

describe('duckdb adapter: runTest', () => {
  let root: string;
  let adapter: Adapter;
  let conn: Connection;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'mdw-duckdb-tests-'));
    adapter = await createDuckDbAdapter(makeTarget({ path: 'tests.duckdb' }), root, { warn: () => {} });
    conn = await adapter.connect();
    await conn.query(
      'create table people as select range as id, case when range % 3 = 0 then null else range end as v from range(30)',
    );
  });
  after(async () => {
    await adapter.close();
    rmSync(root, { recursive: true, force: true });
  });

  const testNode = (config: Partial<NodeConfig> = {}) =>
    makeNode('not_null_people_v', { materialized: 'test', ...config }, { resource_type: 'test' });

  test('counts failing rows', async () => {
    const result = await adapter.runTest(conn, testNode(), 'select * from people where v is null;', null);
    assert.deepEqual(result, { failures: 10, storedIn: null });
    const passing = await adapter.runTest(conn, testNode(), 'select * from people where id < 0', null);
    assert.equal(passing.failures, 0);
  });

  test('honours limit', async () => {
    const result = await adapter.runTest(
      conn,
      testNode({ limit: 4 }),
      'select * from people where v is null',
      null,
    );
    assert.equal(result.failures, 4);
  });

  test('honours fail_calc', async () => {
    const result = await adapter.runTest(
      conn,
      testNode({ fail_calc: 'coalesce(sum(id), 0)' }),
      'select id from people where id < 3 -- trailing comment',
      null,
    );
    assert.equal(result.failures, 3);
  });

  test('store_failures keeps every failing row in the audit table (in a new schema)', async () => {
    const audit = adapter.relation(adapter.target.database, 'main_dbt_test__audit', 'not_null_people_v');
    const result = await adapter.runTest(
      conn,
      testNode({ limit: 2 }),
      'select * from people where v is null',
      audit,
    );
    assert.equal(result.failures, 2);
    assert.equal(result.storedIn, audit.render());
    assert.deepEqual(await rows(conn, `select count(*) from ${audit.render()}`), [[10]]);
    // a second run replaces the stored rows
    await adapter.runTest(conn, testNode(), 'select * from people where id = 1', audit);
    assert.deepEqual(await rows(conn, `select id from ${audit.render()}`), [[1]]);
  });
});

describe('duckdb adapter: helpers', () => {
  test('conciseDuckDbMessage keeps the first line and the suggestion', () => {
    const raw =
      'Catalog Error: Table with name ordrs does not exist!\nDid you mean "orders"?\n\nLINE 1: select * from ordrs\n                      ^';
    assert.equal(
      conciseDuckDbMessage(raw),
      'Catalog Error: Table with name ordrs does not exist! Did you mean "orders"?',
    );
    assert.equal(
      conciseDuckDbMessage('Parser Error: syntax error at or near "x"\n\nLINE 1: x'),
      'Parser Error: syntax error at or near "x"',
    );
  });

  test('catalogName follows DuckDB (file stem, memory)', () => {
    assert.equal(catalogName('/a/b/mdw.duckdb'), 'mdw');
    assert.equal(catalogName('/a/b/my.data.db'), 'my.data');
    assert.equal(catalogName('/a/b/plain'), 'plain');
    assert.equal(catalogName(':memory:'), 'memory');
  });

  test('parseFirstRecord reads a quoted header and knows when it needs more text', () => {
    assert.deepEqual(parseFirstRecord('\uFEFFa,"b,c","d""e"\r\n1,2,3', ',', false), ['a', 'b,c', 'd"e']);
    assert.deepEqual(parseFirstRecord('"multi\nline",x\n', ',', false), ['multi\nline', 'x']);
    assert.equal(parseFirstRecord('a,"unfinished', ',', false), undefined);
    assert.deepEqual(parseFirstRecord('a||b', '||', true), ['a', 'b']);
    assert.equal(parseFirstRecord('   ', ',', true), null);
  });
});
