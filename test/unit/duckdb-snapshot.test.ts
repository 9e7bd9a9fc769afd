import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createDuckDbAdapter } from '../../src/adapters/duckdb/index.js';
import type { Adapter, Connection, MaterializeResult } from '../../src/adapters/types.js';
import type { ManifestNode, NodeConfig } from '../../src/manifest/types.js';
import { ExecutionError } from '../../src/util/errors.js';
import { testNode } from '../support/nodes.js';

function makeSnapshot(name: string, config: Partial<NodeConfig>): ManifestNode {
  return testNode('snapshot', name, config, { database: 'snaps', schema: 'snapshots' });
}

const md5 = (text: string) => createHash('md5').update(text).digest('hex');
const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

describe('duckdb adapter: snapshots', () => {
  let root: string;
  let adapter: Adapter;
  let conn: Connection;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'mdw-duckdb-snapshot-'));
    adapter = await createDuckDbAdapter(
      {
        name: 'dev',
        profile_name: 'test',
        type: 'duckdb',
        schema: 'main',
        database: '',
        threads: 1,
        path: 'snaps.duckdb',
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

  const relationOf = (name: string) => adapter.relation('snaps', 'snapshots', name);

  function snapshot(name: string, config: Partial<NodeConfig>, sql: string): Promise<MaterializeResult> {
    return adapter.materialize(conn, {
      node: makeSnapshot(name, config),
      relation: relationOf(name),
      sql,
      fullRefresh: false,
    });
  }

  async function history(name: string, columns: string): Promise<unknown[][]> {
    const result = await conn.query(`select ${columns} from ${relationOf(name).render()} order by all`);
    return result.rows.map((row) => row.map(iso));
  }

  test('timestamp strategy across three runs: updates, hard deletes (invalidate) and returning keys', async () => {
    const config = {
      strategy: 'timestamp',
      unique_key: 'id',
      updated_at: 'updated_at',
      invalidate_hard_deletes: true,
    };
    await conn.query(`create table src_ts (id integer, name varchar, updated_at timestamp);
      insert into src_ts values (1, 'a', '2024-01-01'), (2, 'b', '2024-01-01'), (3, 'c', '2024-01-01')`);
    const sql = 'select * from src_ts';

    const first = await snapshot('ts_snap', config, sql);
    assert.deepEqual(first, { rowsAffected: 3, message: 'CREATE TABLE (3 rows)' });
    const columns = (await adapter.getColumns(conn, relationOf('ts_snap'))).map((column) => column.name);
    assert.deepEqual(columns, [
      'id',
      'name',
      'updated_at',
      'dbt_scd_id',
      'dbt_updated_at',
      'dbt_valid_from',
      'dbt_valid_to',
    ]);
    assert.deepEqual(await history('ts_snap', 'id, dbt_scd_id'), [
      [1, md5('1|2024-01-01 00:00:00')],
      [2, md5('2|2024-01-01 00:00:00')],
      [3, md5('3|2024-01-01 00:00:00')],
    ]);

    // run 2: 1 changes, 2 is deleted, 4 is new, 3 is untouched
    await conn.query(`update src_ts set name = 'a2', updated_at = '2024-02-01' where id = 1;
      delete from src_ts where id = 2;
      insert into src_ts values (4, 'd', '2024-02-01')`);
    const before2 = Date.now();
    const second = await snapshot('ts_snap', config, sql);
    assert.deepEqual(second, { rowsAffected: 4, message: 'INSERT 2, UPDATE 2' });

    // run 3: 2 comes back, 3 changes, 4 is deleted
    await conn.query(`insert into src_ts values (2, 'b2', '2024-03-01');
      update src_ts set name = 'c2', updated_at = '2024-03-01' where id = 3;
      delete from src_ts where id = 4`);
    await snapshot('ts_snap', config, sql);

    const rows = await history('ts_snap', 'id, name, dbt_valid_from, dbt_valid_to, dbt_updated_at');
    const deletedAt = rows.find((row) => row[0] === 2 && row[1] === 'b')![3] as string;
    assert.ok(Date.parse(`${deletedAt}`) >= before2 - 1000, 'hard delete closes the row at the run time');
    assert.deepEqual(
      rows.map((row) =>
        (row[0] === 2 && row[1] === 'b') || (row[0] === 4 && row[1] === 'd' && row[3])
          ? [...row.slice(0, 3), 'run time', row[4]]
          : row,
      ),
      [
        [1, 'a', '2024-01-01T00:00:00.000Z', '2024-02-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z'],
        [1, 'a2', '2024-02-01T00:00:00.000Z', null, '2024-02-01T00:00:00.000Z'],
        [2, 'b', '2024-01-01T00:00:00.000Z', 'run time', '2024-01-01T00:00:00.000Z'],
        [2, 'b2', '2024-03-01T00:00:00.000Z', null, '2024-03-01T00:00:00.000Z'],
        [3, 'c', '2024-01-01T00:00:00.000Z', '2024-03-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z'],
        [3, 'c2', '2024-03-01T00:00:00.000Z', null, '2024-03-01T00:00:00.000Z'],
        [4, 'd', '2024-02-01T00:00:00.000Z', 'run time', '2024-02-01T00:00:00.000Z'],
      ],
    );
    // a fourth run with no source change writes nothing
    assert.deepEqual(await snapshot('ts_snap', config, sql), {
      rowsAffected: 0,
      message: 'INSERT 0, UPDATE 0',
    });
  });

  test('without hard delete handling, deleted keys stay current', async () => {
    const config = { strategy: 'timestamp', unique_key: 'id', updated_at: 'updated_at' };
    await conn.query(
      `create table src_keep as select * from (values (1, timestamp '2024-01-01'), (2, timestamp '2024-01-01')) t(id, updated_at)`,
    );
    await snapshot('keep_snap', config, 'select * from src_keep');
    await conn.query('delete from src_keep where id = 2');
    await snapshot('keep_snap', config, 'select * from src_keep');
    assert.deepEqual(await history('keep_snap', 'id, dbt_valid_to'), [
      [1, null],
      [2, null],
    ]);
  });

  test('check strategy: one run timestamp, only checked columns open versions, hard_deletes invalidate', async () => {
    const config = { strategy: 'check', unique_key: 'id', check_cols: ['name'], hard_deletes: 'invalidate' };
    await conn.query(`create table src_check (id integer, name varchar, noise integer);
      insert into src_check values (1, 'a', 1), (2, 'b', 1), (3, null, 1)`);
    const sql = 'select * from src_check';
    await snapshot('check_snap', config, sql);
    const [[firstRun]] = (
      await conn.query(`select distinct dbt_valid_from from ${relationOf('check_snap').render()}`)
    ).rows as [Date][];
    const [[scd]] = (
      await conn.query(
        `select dbt_scd_id = md5('1|' || cast(dbt_updated_at as varchar)) from ${relationOf('check_snap').render()} where id = 1`,
      )
    ).rows as [boolean][];
    assert.equal(scd, true);

    // run 2: name of 1 changes, noise of 2 changes (not checked), NULL → value for 3
    await conn.query(`update src_check set name = 'a2' where id = 1;
      update src_check set noise = 2 where id = 2;
      update src_check set name = 'c' where id = 3`);
    const second = await snapshot('check_snap', config, sql);
    assert.equal(second.message, 'INSERT 2, UPDATE 2');
    const stamps = (
      await conn.query(`select distinct dbt_valid_from from ${relationOf('check_snap').render()}
      where dbt_valid_from <> (select min(dbt_valid_from) from ${relationOf('check_snap').render()})`)
    ).rows;
    assert.equal(stamps.length, 1, 'every new version of one run shares one timestamp');
    const secondRun = stamps[0]![0] as Date;
    assert.ok(secondRun > firstRun!);

    // run 3: 2 is deleted
    await conn.query('delete from src_check where id = 2');
    await snapshot('check_snap', config, sql);

    const rows = (await history('check_snap', 'id, name, dbt_valid_from, dbt_valid_to')) as [
      number,
      string,
      string,
      string | null,
    ][];
    const t1 = firstRun!.toISOString();
    const t2 = secondRun.toISOString();
    assert.deepEqual(
      rows.map(([id, name, from, to]) => [
        id,
        name,
        from === t1 ? 't1' : from === t2 ? 't2' : from,
        to === null ? null : to === t2 ? 't2' : to > t2 ? 't3' : to,
      ]),
      [
        [1, 'a', 't1', 't2'],
        [1, 'a2', 't2', null],
        [2, 'b', 't1', 't3'],
        [3, 'c', 't2', null],
        [3, null, 't1', 't2'],
      ],
    );
  });

  test("check_cols 'all' with a composite unique_key, and new source columns are added", async () => {
    const config = { strategy: 'check', unique_key: ['k1', 'k2'], check_cols: 'all' as const };
    await conn.query(
      `create table src_all as select * from (values (1, 'x', 'a'), (1, 'y', 'b')) t(k1, k2, v)`,
    );
    await snapshot('all_snap', config, 'select * from src_all');
    await conn.query(`update src_all set v = 'b2' where k2 = 'y'`);
    await snapshot('all_snap', config, 'select * from src_all');
    assert.deepEqual(await history('all_snap', 'k1, k2, v, dbt_valid_to is null'), [
      [1, 'x', 'a', true],
      [1, 'y', 'b', false],
      [1, 'y', 'b2', true],
    ]);
    // a new column: dbt adds it and (with check_cols 'all') opens a version for every row
    await snapshot('all_snap', config, "select *, 'new' as extra from src_all");
    assert.deepEqual(await history('all_snap', 'k1, k2, v, extra, dbt_valid_to is null'), [
      [1, 'x', 'a', 'new', true],
      [1, 'x', 'a', null, false],
      [1, 'y', 'b', null, false],
      [1, 'y', 'b2', 'new', true],
      [1, 'y', 'b2', null, false],
    ]);
  });

  test("hard_deletes 'new_record' adds a deletion version and reopens a returning key", async () => {
    const config = {
      strategy: 'timestamp',
      unique_key: 'id',
      updated_at: 'updated_at',
      hard_deletes: 'new_record',
    };
    await conn.query(
      `create table src_nr as select * from (values (1, timestamp '2024-01-01'), (2, timestamp '2024-01-01')) t(id, updated_at)`,
    );
    await snapshot('nr_snap', config, 'select * from src_nr');
    await conn.query('delete from src_nr where id = 2');
    await snapshot('nr_snap', config, 'select * from src_nr');
    await snapshot('nr_snap', config, 'select * from src_nr'); // still deleted: nothing new
    assert.deepEqual(await history('nr_snap', 'id, dbt_is_deleted, dbt_valid_to is null'), [
      [1, 'False', true],
      [2, 'False', false],
      [2, 'True', true],
    ]);
    await conn.query(`insert into src_nr values (2, timestamp '2024-05-01')`);
    await snapshot('nr_snap', config, 'select * from src_nr');
    assert.deepEqual(await history('nr_snap', 'id, dbt_is_deleted, dbt_valid_to is null'), [
      [1, 'False', true],
      [2, 'False', false],
      [2, 'False', true],
      [2, 'True', false],
    ]);
  });

  test('bad snapshot config is an ExecutionError', async () => {
    await assert.rejects(
      snapshot('bad1', { strategy: 'timestamp', unique_key: 'id' }, 'select 1 as id'),
      /updated_at/,
    );
    await assert.rejects(
      snapshot('bad2', { strategy: 'check', unique_key: 'id' }, 'select 1 as id'),
      /check_cols/,
    );
    await assert.rejects(
      snapshot('bad3', { strategy: 'magic', unique_key: 'id' }, 'select 1 as id'),
      ExecutionError,
    );
    await assert.rejects(
      snapshot('bad4', { strategy: 'check', check_cols: 'all' }, 'select 1 as id'),
      /unique_key/,
    );
  });

  test('a failing run changes nothing (one transaction)', async () => {
    const config = {
      strategy: 'timestamp',
      unique_key: 'id',
      updated_at: 'updated_at',
      invalidate_hard_deletes: true,
    };
    await conn.query(
      `create table src_fail as select * from (values (1, 10, timestamp '2024-01-01'), (2, 20, timestamp '2024-01-01')) t(id, n, updated_at)`,
    );
    await snapshot('fail_snap', config, 'select * from src_fail');
    // id 1 changes (its old version gets closed first), 2 disappears, a column is added, and
    // then the new version's n cannot be stored in the INTEGER column
    await assert.rejects(
      snapshot(
        'fail_snap',
        config,
        `select id, 'oops' as n, timestamp '2024-02-01' as updated_at, 1 as added from src_fail where id = 1`,
      ),
      (error: unknown) => error instanceof ExecutionError && /oops/.test(error.message),
    );
    assert.deepEqual(await history('fail_snap', 'id, n, dbt_valid_to'), [
      [1, 10, null],
      [2, 20, null],
    ]);
    const columns = (await adapter.getColumns(conn, relationOf('fail_snap'))).map((column) => column.name);
    assert.ok(!columns.includes('added'));
  });
});
