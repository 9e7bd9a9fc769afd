import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createDuckDbAdapter } from '../../src/adapters/duckdb/index.js';
import type { Adapter, Connection, MaterializeResult } from '../../src/adapters/types.js';
import type { ManifestNode, NodeConfig } from '../../src/manifest/types.js';
import { ExecutionError } from '../../src/util/errors.js';
import { testNode } from '../support/nodes.js';

function makeSeed(name: string, file: string, config: Partial<NodeConfig> = {}): ManifestNode {
  return testNode('seed', name, config, { database: 'seeds', schema: 'raw', seed_file_path: file });
}

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : value);

describe('duckdb adapter: seeds', () => {
  let root: string;
  let adapter: Adapter;
  let conn: Connection;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'mdw-duckdb-seed-'));
    mkdirSync(join(root, 'seeds'));
    adapter = await createDuckDbAdapter(
      {
        name: 'dev',
        profile_name: 'test',
        type: 'duckdb',
        schema: 'main',
        database: '',
        threads: 1,
        path: 'seeds.duckdb',
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

  function seed(name: string, csv: string, config: Partial<NodeConfig> = {}): Promise<MaterializeResult> {
    const file = join(root, 'seeds', `${name}.csv`);
    writeFileSync(file, csv);
    return adapter.loadSeed(conn, makeSeed(name, file, config), adapter.relation('seeds', 'raw', name));
  }

  async function types(name: string): Promise<Record<string, string>> {
    const columns = await adapter.getColumns(conn, adapter.relation('seeds', 'raw', name));
    return Object.fromEntries(columns.map((column) => [column.name, column.dataType]));
  }

  async function contents(name: string, columns = '*'): Promise<unknown[][]> {
    const result = await conn.query(
      `select ${columns} from ${adapter.relation('seeds', 'raw', name).render()} order by 1`,
    );
    return result.rows.map((row) => row.map(iso));
  }

  test('infers dbt-duckdb seed types from the values; text keeps the word null', async () => {
    const csv = [
      'id,amount,whole,big,day,ts,iso_ts,flag,name,blank,mixed,zip',
      '1,1.5,1.0,3000000000,2024-01-05,2024-01-05 10:00:00,2024-01-05T10:00:00Z,true, Alice ,,2024-01-01,00501',
      '2,"1,234",2.00,1,2024-1-6,2024-01-06 11:30:00,2024-01-06T11:30:00.5,FALSE,null,,n/a,02134',
      '3,-$7,3,2,2024-12-31,2024-12-31 23:59:59,2024-12-31T23:59:59,,"Bob, Jr",null,,10001',
    ].join('\n');
    const result = await seed('typed', `${csv}\n`);
    assert.deepEqual(result, { rowsAffected: 3, message: 'INSERT 3' });
    assert.deepEqual(await types('typed'), {
      id: 'INTEGER',
      amount: 'DOUBLE',
      whole: 'INTEGER',
      big: 'BIGINT',
      day: 'DATE',
      ts: 'TIMESTAMP',
      iso_ts: 'TIMESTAMP',
      flag: 'BOOLEAN',
      name: 'VARCHAR',
      blank: 'INTEGER',
      mixed: 'VARCHAR',
      zip: 'INTEGER',
    });
    assert.deepEqual(await contents('typed'), [
      [
        1,
        1.5,
        1,
        3000000000,
        '2024-01-05T00:00:00.000Z',
        '2024-01-05T10:00:00.000Z',
        '2024-01-05T10:00:00.000Z',
        true,
        ' Alice ',
        null,
        '2024-01-01',
        501,
      ],
      [
        2,
        1234,
        2,
        1,
        '2024-01-06T00:00:00.000Z',
        '2024-01-06T11:30:00.000Z',
        '2024-01-06T11:30:00.500Z',
        false,
        'null',
        null,
        'n/a',
        2134,
      ],
      [
        3,
        -7,
        3,
        2,
        '2024-12-31T00:00:00.000Z',
        '2024-12-31T23:59:59.000Z',
        '2024-12-31T23:59:59.000Z',
        null,
        'Bob, Jr',
        null,
        null,
        10001,
      ],
    ]);
  });

  test("a file quoted with ' loads '' as NULL, typed from the \" reading (dbt-duckdb's COPY)", async () => {
    // dbt infers types with agate (quote "): code holds the text '' so it is text; COPY then
    // sniffs quote ' and reads every '' as a quoted empty value, which is NULL.
    const csv = ['id,note,code', "1,'',5", "2,'it''s',''", '3,plain,7'].join('\n');
    await seed('single_quoted', `${csv}\n`);
    assert.deepEqual(await types('single_quoted'), { id: 'INTEGER', note: 'VARCHAR', code: 'VARCHAR' });
    assert.deepEqual(await contents('single_quoted'), [
      [1, null, '5'],
      [2, "it's", null],
      [3, 'plain', '7'],
    ]);
  });

  test('a file quoted with " keeps \'\' as text and "" as NULL', async () => {
    const csv = ['id,note', '1,""', "2,''", '3,"say ""hi"""'].join('\n');
    await seed('double_quoted', `${csv}\n`);
    assert.deepEqual(await contents('double_quoted'), [
      [1, null],
      [2, "''"],
      [3, 'say "hi"'],
    ]);
  });

  test('column_types override inference (no coercion before the cast)', async () => {
    await seed('overridden', 'zip,amount,id\n00501,1.50,1\n02134,2,2\n', {
      column_types: { zip: 'varchar', AMOUNT: 'decimal(10,2)' },
    });
    assert.deepEqual(await types('overridden'), { zip: 'VARCHAR', amount: 'DECIMAL(10,2)', id: 'INTEGER' });
    assert.deepEqual(await contents('overridden', 'zip, amount::varchar'), [
      ['00501', '1.50'],
      ['02134', '2.00'],
    ]);
  });

  test('delimiter, quoted headers, BOM and quote_columns', async () => {
    await seed('piped', '\uFEFF"Order ID"|"a|b"\n1|x\n', { delimiter: '|' });
    assert.deepEqual(await types('piped'), { 'Order ID': 'INTEGER', 'a|b': 'VARCHAR' });
    await seed('semicolon', 'id;Label\n1;"x;y"\n', { delimiter: ';', quote_columns: false });
    assert.deepEqual(await contents('semicolon', 'id, label'), [[1, 'x;y']]);
    await assert.rejects(seed('unquoted', 'Order ID\n1\n', { quote_columns: false }), ExecutionError);
  });

  test('a header-only CSV creates an empty table of VARCHAR columns', async () => {
    const result = await seed('empty', 'id,name\n');
    assert.deepEqual(result, { rowsAffected: 0, message: 'INSERT 0' });
    assert.deepEqual(await types('empty'), { id: 'VARCHAR', name: 'VARCHAR' });
  });

  test('reloading replaces the table and cleans up', async () => {
    await seed('reloaded', 'id\n1\n2\n');
    await seed('reloaded', 'id,name\n5,x\n');
    assert.deepEqual(await contents('reloaded'), [[5, 'x']]);
    assert.equal(await adapter.getRelation(conn, 'seeds', 'raw', 'reloaded__mdw_tmp'), null);
    assert.deepEqual(
      (await conn.query("select count(*) from duckdb_tables() where database_name = 'temp'")).rows,
      [[0]],
    );
  });

  test('a malformed CSV names the file and the line', async () => {
    await seed('broken_ok', 'id\n1\n');
    await assert.rejects(seed('broken', 'id,name\n1,a\n2,b,c\n3,d\n'), (error: unknown) => {
      assert.ok(error instanceof ExecutionError);
      assert.match(error.message, /seeds\/broken\.csv/);
      assert.match(error.message, /line 3/);
      assert.match(error.message, /Expected Number of Columns: 2 Found: 3/);
      assert.doesNotMatch(error.message, /\n/);
      return true;
    });
    await assert.rejects(
      seed('unterminated', 'id,name\n1,"a\n'),
      /seeds\/unterminated\.csv, line \d+: .*quote/,
    );
  });

  test('an empty or missing file is an ExecutionError', async () => {
    await assert.rejects(
      seed('blank', ''),
      (error: unknown) => error instanceof ExecutionError && /empty/.test(error.message),
    );
    const missing = makeSeed('missing', join(root, 'seeds', 'missing.csv'));
    await assert.rejects(
      adapter.loadSeed(conn, missing, adapter.relation('seeds', 'raw', 'missing')),
      /seeds\/missing\.csv does not exist/,
    );
  });

  test('materialize() on a seed node loads it too', async () => {
    const file = join(root, 'seeds', 'via_materialize.csv');
    writeFileSync(file, 'a\n1\n');
    const result = await adapter.materialize(conn, {
      node: makeSeed('via_materialize', file),
      relation: adapter.relation('seeds', 'raw', 'via_materialize'),
      sql: '',
      fullRefresh: false,
    });
    assert.equal(result.message, 'INSERT 1');
  });
});
