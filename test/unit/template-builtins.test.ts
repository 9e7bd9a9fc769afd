import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { createTemplateEngine } from '../../src/template/engine.js';

const duckdb = createTemplateEngine({ macroFiles: [], adapterType: 'duckdb', rootPackage: 'proj' });
const trino = createTemplateEngine({ macroFiles: [], adapterType: 'trino', rootPackage: 'proj' });
const athena = createTemplateEngine({ macroFiles: [], adapterType: 'athena', rootPackage: 'proj' });

const target = { schema: 'analytics', database: 'warehouse' };
const noWhere = { get: () => null };

let instance: DuckDBInstance;
let conn: DuckDBConnection;

async function rows(sql: string): Promise<unknown[][]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowsJS().map((row) => row.map((v) => (typeof v === 'bigint' ? Number(v) : v)));
}

/** Render a generic test macro and return its failing rows, sorted. */
async function failing(
  test: string,
  kwargs: Record<string, unknown>,
  config: unknown = noWhere,
): Promise<unknown[][]> {
  const model = duckdb.callMacro('get_where_subquery', [kwargs.model], {}, { config });
  const sql = duckdb.callMacro(test, [], { ...kwargs, model }, { config }) as string;
  return (await rows(`select * from (${sql}) order by all`)) as unknown[][];
}

before(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
  await conn.run(`
    create table customers as select * from (values (1), (2), (3)) t(id);
    create table orders as select * from (values
      (1, 'placed', 1), (2, 'shipped', 2), (2, 'shipped', 9), (3, 'lost', null),
      (null, 'placed', 3), (4, null, 1), (5, 'it''s', 8), (5, 'placed', 1), (5, 'returned', 1)
    ) t(id, status, customer_id);
  `);
});

after(() => {
  conn?.closeSync();
  instance?.closeSync();
});

describe('generic tests on DuckDB', () => {
  it('unique returns each duplicated non-null value with its count', async () => {
    assert.deepEqual(await failing('test_unique', { model: 'orders', column_name: 'id' }), [
      [2, 2],
      [5, 3],
    ]);
  });

  it('not_null returns the null rows', async () => {
    assert.deepEqual(await failing('test_not_null', { model: 'orders', column_name: 'status' }), [[null]]);
    assert.deepEqual(await failing('test_not_null', { model: 'orders', column_name: 'id' }), [[null]]);
  });

  it('accepted_values returns values outside the list with counts, quoting (and escaping) by default', async () => {
    const values = ['placed', 'shipped', 'returned'];
    assert.deepEqual(
      await failing('test_accepted_values', { model: 'orders', column_name: 'status', values }),
      [
        ["it's", 1],
        ['lost', 1],
      ],
    );
    assert.deepEqual(
      await failing('test_accepted_values', {
        model: 'orders',
        column_name: 'status',
        values: [...values, "it's", 'lost'],
      }),
      [],
    );
    assert.deepEqual(
      await failing('test_accepted_values', {
        model: 'orders',
        column_name: 'id',
        values: [1, 2, 3],
        quote: false,
      }),
      [
        [4, 1],
        [5, 3],
      ],
    );
  });

  it('relationships returns child values without a parent, ignoring null children', async () => {
    assert.deepEqual(
      await failing('test_relationships', {
        model: 'orders',
        column_name: 'customer_id',
        to: 'customers',
        field: 'id',
      }),
      [[8], [9]],
    );
  });

  it("applies the test's where config through get_where_subquery", async () => {
    const config = { get: (key: string) => (key === 'where' ? "status = 'shipped'" : null) };
    assert.equal(
      duckdb.callMacro('get_where_subquery', ['orders'], {}, { config }),
      "(select * from orders where status = 'shipped') dbt_subquery",
    );
    assert.equal(duckdb.callMacro('get_where_subquery', ['orders'], {}, { config: noWhere }), 'orders');
    assert.deepEqual(await failing('test_unique', { model: 'orders', column_name: 'id' }, config), [[2, 2]]);
    assert.deepEqual(
      await failing(
        'test_relationships',
        { model: 'orders', column_name: 'customer_id', to: 'customers', field: 'id' },
        config,
      ),
      [[9]],
    );
  });
});

describe('cross-database macros on DuckDB', () => {
  async function value(expression: string): Promise<unknown> {
    const sql = duckdb.render(`select ${expression} as v`, 'models/x.sql', {}).sql;
    return (await rows(sql))[0][0];
  }
  const day = (iso: string) => new Date(`${iso}T00:00:00.000Z`).getTime();
  const time = (v: unknown) => (v instanceof Date ? v.getTime() : v);

  it('date_trunc, dateadd, datediff, last_day, date', async () => {
    assert.equal(
      time(await value("{{ dbt.date_trunc('month', \"timestamp '2024-05-17 10:00'\") }}")),
      day('2024-05-01'),
    );
    assert.equal(time(await value("{{ dbt.dateadd('day', 1, \"date '2024-02-28'\") }}")), day('2024-02-29'));
    assert.equal(
      time(await value("{{ dbt.dateadd('month', -1, \"date '2024-03-31'\") }}")),
      day('2024-02-29'),
    );
    assert.equal(await value("{{ dbt.datediff(\"date '2024-01-31'\", \"date '2024-02-01'\", 'month') }}"), 1);
    // dbt-duckdb's weeks start on Sunday: 2024-01-06 is a Saturday, 2024-01-07 a Sunday
    const weeks = (a: string, b: string) => value(`{{ dbt.datediff("${a}", "${b}", 'week') }}`);
    assert.equal(await weeks("timestamp '2024-01-06 23:00'", "timestamp '2024-01-07 01:00'"), 1);
    assert.equal(await weeks("timestamp '2024-01-07 23:00'", "timestamp '2024-01-08 01:00'"), 0);
    assert.equal(await weeks("date '2024-01-07'", "date '2024-01-14'"), 1);
    // backwards, dbt-duckdb's formula truncates toward zero: Monday -> the Sunday before is 0
    assert.equal(await weeks("date '2024-01-08'", "date '2024-01-07'"), 0);
    assert.equal(await weeks("date '2023-11-26'", "date '2024-11-25'"), 52);
    assert.equal(await value("{{ dbt.datediff(\"date '2024-01-01'\", \"date '2024-03-01'\", 'day') }}"), 60);
    assert.equal(time(await value("{{ dbt.last_day(\"date '2024-02-10'\", 'month') }}")), day('2024-02-29'));
    assert.equal(time(await value('{{ dbt.date(2024, 3, 9) }}')), day('2024-03-09'));
    assert.ok((await value('{{ current_timestamp() }}')) instanceof Date);
  });

  it('types, safe_cast, cast_bool_to_text', async () => {
    // dbt-duckdb renders dbt's default__safe_cast: a plain cast
    assert.equal(duckdb.render('{{ dbt.safe_cast("x", "int") }}', 'models/x.sql', {}).sql, 'cast(x as int)');
    assert.equal(await value('{{ safe_cast("\'12\'", type_bigint()) }}'), 12);
    assert.equal(await value("{{ cast_bool_to_text('true') }}"), 'true');
    assert.equal(
      await value(
        "cast(1.5 as {{ type_numeric() }}) + cast(1 as {{ type_float() }}) = 2.5 and cast('x' as {{ type_string() }}) = 'x' and cast('2024-01-01' as {{ type_timestamp() }}) is not null and cast(true as {{ type_boolean() }})",
      ),
      true,
    );
  });

  it('string macros', async () => {
    assert.equal(await value("{{ dbt.concat([\"'a'\", \"'b'\", '1']) }}"), 'ab1');
    assert.equal(await value("{{ dbt.concat([\"'a'\", 'null']) }}"), null);
    assert.equal(await value('{{ dbt.hash("\'1\'") }}'), 'c4ca4238a0b923820dcc509a6f75849b');
    assert.equal(await value('{{ split_part("\'a,b,c\'", "\',\'", 2) }}'), 'b');
    assert.equal(await value('{{ dbt.replace("\'a-b\'", "\'-\'", "\'_\'") }}'), 'a_b');
    assert.equal(await value('{{ dbt.length("\'abcd\'") }}'), 4);
    assert.equal(await value('{{ position("\'c\'", "\'abc\'") }}'), 3);
    assert.equal(await value('{{ dbt.right("\'hello\'", 3) }}'), 'llo');
    assert.equal(await value('{{ string_literal("it\'s") }}'), "it's");
    assert.equal(await value("'{{ escape_single_quotes(\"o'k\") }}'"), "o'k");
  });

  it('aggregates: any_value, listagg, bool_or', async () => {
    const from = "from (values ('b', 2), ('a', 1), ('c', 3)) t(x, n)";
    const agg = async (expression: string) =>
      (await rows(duckdb.render(`select ${expression} ${from}`, 'models/x.sql', {}).sql))[0][0];
    assert.ok(['a', 'b', 'c'].includes((await agg("{{ any_value('x') }}")) as string));
    assert.equal(await agg("{{ listagg('x', \"'|'\", 'order by n') }}"), 'a|b|c');
    assert.equal(await agg("{{ listagg('x', \"','\", 'order by n desc', 2) }}"), 'c,b');
    assert.equal(await agg("{{ bool_or('n > 2') }}"), true);
  });
});

describe('cross-database macros on Trino and Athena', () => {
  const sql = (e: typeof trino, source: string) => e.render(source, 'models/x.sql', {}).sql;

  it('renders the Trino dialect', () => {
    assert.equal(sql(trino, "{{ dateadd('day', 3, 'd') }}"), "date_add('day', cast(3 as bigint), d)");
    assert.equal(sql(trino, "{{ hash('c') }}"), 'lower(to_hex(md5(to_utf8(cast(c as varchar)))))');
    assert.equal(sql(trino, "{{ concat(['a', 'b']) }}"), 'concat(a, b)');
    assert.equal(sql(trino, "{{ right('s', 2) }}"), "case when (2) = 0 then '' else substr(s, -(2)) end");
    assert.equal(
      sql(trino, "{{ any_value('x') }} {{ safe_cast('x', 'int') }} {{ type_timestamp() }}"),
      'arbitrary(x) try_cast(x as int) timestamp(6)',
    );
    assert.equal(
      sql(trino, "{{ listagg('x', \"','\", 'order by y') }}"),
      "array_join(array_agg(x order by y), ',')",
    );
  });

  it('renders Athena like Trino where the SQL is the same', () => {
    assert.equal(
      sql(athena, "{{ dateadd('month', 1, 'd') }} {{ hash('c') }} {{ any_value('x') }}"),
      sql(trino, "{{ dateadd('month', 1, 'd') }} {{ hash('c') }} {{ any_value('x') }}"),
    );
    assert.equal(sql(athena, "{{ dbt.safe_cast('x', 'int') }}"), 'try_cast(x as int)');
    assert.equal(
      sql(athena, '{{ current_timestamp() }} {{ type_timestamp() }}'),
      'current_timestamp timestamp',
    );
  });
});

describe('naming macros', () => {
  const node = { name: 'orders', version: null };

  it('generate_schema_name appends a trimmed custom schema to the target schema', () => {
    assert.equal(duckdb.callMacro('generate_schema_name', [null, node], {}, { target }), 'analytics');
    assert.equal(
      duckdb.callMacro('generate_schema_name', [' marts ', node], {}, { target }),
      'analytics_marts',
    );
  });

  it('generate_alias_name uses the alias, else the (versioned) node name', () => {
    assert.equal(duckdb.callMacro('generate_alias_name', [null, node], {}, { target }), 'orders');
    assert.equal(duckdb.callMacro('generate_alias_name', ['ord', node], {}, { target }), 'ord');
    assert.equal(
      duckdb.callMacro('generate_alias_name', [null, { name: 'orders', version: 2 }], {}, { target }),
      'orders_v2',
    );
  });

  it('generate_database_name uses the target database unless one is given', () => {
    assert.equal(duckdb.callMacro('generate_database_name', [null, node], {}, { target }), 'warehouse');
    assert.equal(duckdb.callMacro('generate_database_name', ['raw', node], {}, { target }), 'raw');
  });
});
