import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createDuckDbAdapter } from '../../src/adapters/duckdb/index.js';
import type { Adapter, Connection } from '../../src/adapters/types.js';
import type { SourceDefinition } from '../../src/manifest/types.js';
import { ExecutionError } from '../../src/util/errors.js';
import { testSource } from '../support/nodes.js';

function makeSource(
  name: string,
  external: SourceDefinition['external'],
  identifier = name,
): SourceDefinition {
  return testSource(name, external, { database: 'ext', schema: 'raw_files', identifier });
}

describe('duckdb adapter: external sources', () => {
  let root: string;
  let adapter: Adapter;
  let conn: Connection;

  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'mdw-duckdb-external-'));
    write('data/customers.csv', 'id,name,joined\n1,Ann,2024-01-01\n2,Bob,2024-02-01\n');
    write('data/orders/2024-01.csv', 'order_id,amount\n1,10.5\n');
    write('data/orders/2024-02.csv', 'order_id,amount\n2,20\n3,30\n');
    write('data/events/partition=20240101/part-0.csv', 'event,user_id\nclick,1\n');
    write('data/events/partition=20240102/part-0.csv', 'event,user_id\nview,2\nbuy,2\n');
    write('data/piped.txt', "a|b\n'x|y'|2\n");
    adapter = await createDuckDbAdapter(
      {
        name: 'dev',
        profile_name: 'test',
        type: 'duckdb',
        schema: 'main',
        database: '',
        threads: 1,
        path: 'ext.duckdb',
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

  async function read(identifier: string, orderBy = '1'): Promise<unknown[][]> {
    return (await conn.query(`select * from "ext"."raw_files"."${identifier}" order by ${orderBy}`)).rows;
  }

  async function types(identifier: string): Promise<string[]> {
    const columns = await adapter.getColumns(conn, adapter.relation('ext', 'raw_files', identifier));
    return columns.map((column) => `${column.name} ${column.dataType}`);
  }

  test('a single CSV (with {name}) becomes an all-VARCHAR view in its schema', async () => {
    await adapter.createExternalSource(conn, makeSource('customers', { location: 'data/{name}.csv' }), root);
    assert.equal((await adapter.getRelation(conn, 'ext', 'raw_files', 'customers'))?.type, 'view');
    assert.deepEqual(await types('customers'), ['id VARCHAR', 'name VARCHAR', 'joined VARCHAR']);
    assert.deepEqual(await read('customers'), [
      ['1', 'Ann', '2024-01-01'],
      ['2', 'Bob', '2024-02-01'],
    ]);
  });

  test('{identifier} and an absolute glob read every matching file', async () => {
    const source = makeSource('orders', { location: join(root, 'data', '{identifier}', '*.csv') }, 'orders');
    await adapter.createExternalSource(conn, source, root);
    assert.deepEqual(await read('orders'), [
      ['1', '10.5'],
      ['2', '20'],
      ['3', '30'],
    ]);
  });

  test('hive-partitioned folders add the partition key as VARCHAR', async () => {
    await adapter.createExternalSource(conn, makeSource('events', { location: 'data/events/*/*.csv' }), root);
    assert.deepEqual(await types('events'), ['event VARCHAR', 'user_id VARCHAR', 'partition VARCHAR']);
    assert.deepEqual(await read('events', 'partition, event'), [
      ['click', '1', '20240101'],
      ['buy', '2', '20240102'],
      ['view', '2', '20240102'],
    ]);
    // a key=value pattern in the location itself, and a bare folder, work too
    await adapter.createExternalSource(
      conn,
      makeSource('events_eq', { location: 'data/events/partition=*/*.csv' }),
      root,
    );
    assert.equal((await read('events_eq')).length, 3);
    await adapter.createExternalSource(conn, makeSource('events_dir', { location: 'data/events' }), root);
    assert.deepEqual(await types('events_dir'), ['event VARCHAR', 'user_id VARCHAR', 'partition VARCHAR']);
  });

  test('reader options pass through', async () => {
    const source = makeSource('piped', { location: 'data/piped.txt', options: { delim: '|', quote: "'" } });
    await adapter.createExternalSource(conn, source, root);
    assert.deepEqual(await read('piped'), [['x|y', '2']]);
  });

  async function viewSql(identifier: string): Promise<string> {
    const result = await conn.query(
      `select sql from duckdb_views() where database_name = 'ext' and view_name = '${identifier}'`,
    );
    return String(result.rows[0]?.[0]);
  }

  test('a pinned dialect and one header: the view names its columns and never sniffs, same rows', async () => {
    write('data/visits/partition=20240101/part-0.csv', 'visit,note\r\n1,"a,b"\r\n2,\r\n');
    write('data/visits/partition=20240102/part-0.csv', 'visit,note\n3,"say ""hi"""\n');
    const options = { delim: ',', quote: '"', escape: '"' };
    await adapter.createExternalSource(
      conn,
      makeSource('visits', { location: 'data/visits/*/*.csv', options }),
      root,
    );
    const sql = await viewSql('visits');
    assert.match(sql, /auto_detect = CAST\('f'/);
    assert.match(sql, /struct_pack\(visit := 'VARCHAR', note := 'VARCHAR'\)/);
    assert.deepEqual(await types('visits'), ['visit VARCHAR', 'note VARCHAR', 'partition VARCHAR']);
    assert.deepEqual(await read('visits'), [
      ['1', 'a,b', '20240101'],
      ['2', null, '20240101'],
      ['3', 'say "hi"', '20240102'],
    ]);
    // files whose headers differ, or no pinned delimiter: DuckDB sniffs as before
    write('data/mixed/a.csv', 'x,y\n1,2\n');
    write('data/mixed/b.csv', 'y,x\n3,4\n');
    await adapter.createExternalSource(
      conn,
      makeSource('mixed', { location: 'data/mixed/*.csv', options }),
      root,
    );
    assert.doesNotMatch(await viewSql('mixed'), /auto_detect/);
    await adapter.createExternalSource(conn, makeSource('plain', { location: 'data/customers.csv' }), root);
    assert.doesNotMatch(await viewSql('plain'), /auto_detect/);
  });

  test('a missing file, folder or glob is one clear ExecutionError naming the path', async () => {
    const expectError = async (location: string, pattern: RegExp) => {
      await assert.rejects(
        adapter.createExternalSource(conn, makeSource('nothing', { location }), root),
        (error: unknown) => {
          assert.ok(error instanceof ExecutionError);
          assert.match(error.message, pattern);
          assert.match(error.message, /raw\.nothing/);
          assert.doesNotMatch(error.message, /\n/);
          return true;
        },
      );
    };
    await expectError('data/nope.csv', /data\/nope\.csv does not exist/);
    await expectError('data/no_folder/*.csv', /folder data\/no_folder does not exist/);
    await expectError('data/orders/*.parquet', /no files match data\/orders\/\*\.parquet/);
    await assert.rejects(
      adapter.createExternalSource(conn, makeSource('no_location', { options: {} }), root),
      /no external location/,
    );
  });
});
