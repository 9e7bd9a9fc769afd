/**
 * The DuckDB adapter's catalog cache: statements are read conservatively (a change it cannot
 * place forgets everything), and look-ups through it agree with DuckDB's catalog after
 * creates, drops, comments, renames, rollbacks and failed statements, with one listing per
 * database in between.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { findRelation, viewSql } from '../../src/adapters/duckdb/catalog.js';
import { DuckDbConnection } from '../../src/adapters/duckdb/connection.js';
import { LocalLakehouse } from '../../src/adapters/duckdb/iceberg/lakehouse.js';
import { DuckDbRelation } from '../../src/adapters/duckdb/relation.js';
import { catalogEffect, RelationCache } from '../../src/adapters/duckdb/relation-cache.js';

describe('catalogEffect', () => {
  it('places creates, drops and view comments on fully qualified names', () => {
    assert.deepEqual(catalogEffect('create or replace view "mdw"."Cur"."My ""X""" as select 1'), {
      change: 'created',
      kind: 'view',
      database: 'mdw',
      schema: 'cur',
      identifier: 'my "x"',
    });
    assert.deepEqual(catalogEffect('  -- note\n/* c */ CREATE TABLE mdw.s.t AS SELECT 1;'), {
      change: 'created',
      kind: 'table',
      database: 'mdw',
      schema: 's',
      identifier: 't',
    });
    assert.deepEqual(catalogEffect('drop view if exists "mdw"."s"."v"'), {
      change: 'dropped',
      kind: 'view',
      database: 'mdw',
      schema: 's',
      identifier: 'v',
    });
    assert.deepEqual(catalogEffect(`comment on view "mdw"."s"."v" is 'iceberg:file:///w/it''s'`), {
      change: 'commented',
      kind: 'view',
      database: 'mdw',
      schema: 's',
      identifier: 'v',
      comment: "iceberg:file:///w/it's",
    });
  });

  it('lets queries, writes and temporary objects pass, and forgets on anything it cannot place', () => {
    const passes = [
      'select 1',
      'with a as (select 1) select * from a',
      'insert into mdw.s.t values (1)',
      'begin transaction',
      'commit',
      'create or replace temp table "temp"."main"."x" as select 1',
      'create temporary view v as select 1',
      'create schema if not exists "mdw"."s"',
      'comment on table "mdw"."s"."t" is \'x\'',
      "copy (select 1) to '/tmp/x.parquet' (format parquet)",
    ];
    const forgets = [
      'alter view mdw.s.v rename to w',
      "attach 'x.duckdb' as x",
      'detach x',
      'use mdw',
      'rollback',
      'call dbgen(sf = 0.01)',
      'create view v as select 1',
      'create view s.v as select 1',
      'drop table mdw.s.t cascade',
      'drop schema mdw.s cascade',
      'create view mdw.s.a as select 1; create view mdw.s.b as select 2',
    ];
    for (const [sql, effect] of [
      ...passes.map((sql) => [sql, 'none'] as const),
      ...forgets.map((sql) => [sql, 'unknown'] as const),
    ])
      assert.equal(catalogEffect(sql), effect, sql);
  });
});

describe('RelationCache on a DuckDB database', () => {
  let instance: DuckDBInstance;
  let conn: DuckDbConnection;
  let other: DuckDbConnection;
  let listings = 0;
  const cache = new RelationCache();
  const connect = async () => {
    const opened: DuckDbConnection = new DuckDbConnection(
      await instance.connect(),
      undefined,
      null,
      (sql, failed) => {
        if (sql.includes('from duckdb_tables() where')) listings++;
        cache.observe(sql, failed);
      },
    );
    cache.attach(opened);
    return opened;
  };
  const kind = async (name: string) => (await findRelation(conn, 'memory', 's', name))?.type ?? null;

  before(async () => {
    instance = await DuckDBInstance.create(':memory:');
    conn = await connect();
    other = await connect();
    await conn.query('create schema s');
  });
  after(async () => {
    await conn.close();
    await other.close();
    instance.closeSync();
  });

  it('answers from one listing while the connections create, comment and drop', async () => {
    await conn.query('create table memory.s.t as select 1 as a');
    listings = 0;
    assert.equal(await kind('t'), 'table');
    assert.equal(await kind('v'), null);
    await other.query('create view "memory"."s"."v" as select a from memory.s.t');
    assert.equal(await kind('v'), 'view');
    const view = new DuckDbRelation('memory', 's', 'v', 'view');
    assert.equal(await LocalLakehouse.isIcebergView(conn, view), false);
    await other.query(`comment on view "memory"."s"."v" is 'iceberg:file:///somewhere'`);
    assert.equal(await LocalLakehouse.isIcebergView(conn, view), true);
    assert.match((await viewSql(conn, view)) ?? '', /select a from memory\.s\.t/i);
    await other.query('drop view "memory"."s"."v"');
    assert.equal(await kind('v'), null);
    assert.equal(await viewSql(conn, view), null);
    assert.equal(listings, 1, 'one listing for every look-up in between');
  });

  it('lists again after a rename, a rollback or a failed statement, and agrees with DuckDB', async () => {
    await conn.query('create view memory.s.old as select 1 as a');
    assert.equal(await kind('old'), 'view');
    await conn.query('alter view memory.s.old rename to renamed');
    assert.equal(await kind('old'), null);
    assert.equal(await kind('renamed'), 'view');

    await conn.query('begin transaction');
    await conn.query('create table memory.s.rolled as select 1 as a');
    await conn.query('rollback');
    assert.equal(await kind('rolled'), null);

    await assert.rejects(conn.query('create table memory.s.broken as select * from memory.s.missing'));
    assert.equal(await kind('broken'), null);
    await conn.query('create table s.unqualified as select 1 as a');
    assert.equal(await kind('unqualified'), 'table');
  });
});
