/**
 * The trino target end to end: a small dbt project (seed, Hive external CSV source with daily
 * partition folders, a view, partitioned tables with dbt-trino and Athena configs, every
 * incremental strategy, data tests with store_failures) built twice with `mdw build` on the
 * local Trino, the second time after a new day landed and a row changed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { rows, scalar, TrinoProject, trinoProfile, uniqueSchema } from './helpers.js';

const schema = uniqueSchema('mdw_adapter');
let project: TrinoProject;
const write = (path: string, text: string) => project.write(path, text);
const mdw = (...args: string[]) => project.mdw(...args);

const ORDERS_HEADER = 'order_id,customer_id,amount,ordered_at\n';

before(() => {
  project = new TrinoProject('mdw-trino-adapter');
  write('profiles.yml', trinoProfile({ schema, catalogKey: 'catalog' }));
  write(
    'seeds/customers.csv',
    'id,name,signup_date,score\n1,Ann,2024-01-02,1.5\n2,"Bob, Jr",2024-01-03,\n3,Cy,2024-02-01,3\n',
  );
  write(
    'landing/orders/partition=20240101/a.csv',
    `${ORDERS_HEADER}1,1,10.50,2024-01-01 09:00:00\n2,2,"7.25",2024-01-01 17:30:00\n`,
  );
  write(
    'landing/orders/partition=20240102/b.csv',
    `${ORDERS_HEADER}3,1,3.10,2024-01-02 08:00:00\n4,3,99.99,2024-01-02 23:59:59\n`,
  );
  write(
    'models/sources.yml',
    `version: 2\nsources:\n  - name: raw\n    schema: ${schema}_raw\n    tables:\n      - name: orders\n` +
      `        external:\n          location: "landing/orders/partition=*/*.csv"\n` +
      `        columns:\n          - name: order_id\n            tests: [not_null]\n` +
      `          - name: customer_id\n          - name: amount\n          - name: ordered_at\n` +
      `models:\n  - name: stg_orders\n    columns:\n      - name: order_id\n        tests: [unique, not_null]\n` +
      `  - name: orders_merge\n    columns:\n      - name: order_id\n        tests: [unique]\n`,
  );
  write(
    'models/stg_orders.sql',
    `select cast(order_id as integer) as order_id, cast(customer_id as integer) as customer_id,
       cast(amount as decimal(10, 2)) as amount, cast(ordered_at as timestamp(6)) as ordered_at, "partition"
     from {{ source('raw', 'orders') }}`,
  );
  write(
    'models/orders_by_day.sql',
    `{{ config(materialized='table', partition_by=[{'field': 'ordered_at', 'granularity': 'day'}]) }}
     select * from {{ ref('stg_orders') }}`,
  );
  // dbt-athena's configs: Athena's bucket(N, col) order, format, compression, table_properties
  write(
    'models/customers_athena.sql',
    `{{ config(materialized='table', table_type='iceberg', partitioned_by=['bucket(2, id)'], format='parquet',
        write_compression='zstd', table_properties={'mdw.owner': 'tests'}) }}
     select * from {{ ref('customers') }}`,
  );
  // the cast to timestamp gives timestamp(3), which a staging *view* on Iceberg would reject
  const incremental = (strategy: string, extra: string) =>
    `{{ config(materialized='incremental', incremental_strategy='${strategy}'${extra}) }}
     select order_id, customer_id, amount, cast(ordered_at as timestamp) as ordered_at, "partition"
     from {{ ref('stg_orders') }}
     {% if is_incremental() %} where "partition" >= (select max("partition") from {{ this }}) {% endif %}`;
  write('models/orders_merge.sql', incremental('merge', ", unique_key='order_id'"));
  write('models/orders_di.sql', incremental('delete+insert', ", unique_key=['order_id', 'customer_id']"));
  write('models/orders_ow.sql', incremental('insert_overwrite', ", partitioned_by=['partition']"));
  write('models/orders_append.sql', incremental('append', ''));
  write(
    'snapshots/customers_history.sql',
    `{% snapshot customers_history %}
     {{ config(target_schema='${schema}', unique_key='id', strategy='check', check_cols=['name'], hard_deletes='invalidate') }}
     select id, name from {{ ref('customers') }}
     {% endsnapshot %}`,
  );
});

after(() => project.remove([schema, `${schema}_raw`, `${schema}_dbt_test__audit`]));

describe('the trino target', () => {
  test('builds seeds, sources, views, tables, incrementals and tests', async () => {
    const run = mdw('build', '--store-failures');
    assert.equal(run.status, 0, run.output);
    const t = (name: string) => `iceberg."${schema}"."${name}"`;
    assert.deepEqual(await rows(`select id, name, signup_date, score from ${t('customers')} order by id`), [
      [1, 'Ann', '2024-01-02', 1.5],
      [2, 'Bob, Jr', '2024-01-03', null],
      [3, 'Cy', '2024-02-01', 3],
    ]);
    assert.equal(await scalar(`select sum(amount) from ${t('stg_orders')}`), '120.84');
    assert.equal(await scalar(`select count(*) from ${t('orders_by_day')}`), 4n);
    assert.equal(await scalar(`select count(*) from iceberg."${schema}"."orders_by_day$partitions"`), 2n);
    const created = String(await scalar(`show create table ${t('customers_athena')}`));
    assert.match(created, /partitioning = ARRAY\['bucket\(id, 2\)'\]/);
    assert.match(created, /format = 'PARQUET'/);
    assert.equal(
      await scalar(
        `select value from iceberg."${schema}"."customers_athena$properties" where key = 'mdw.owner'`,
      ),
      'tests',
    );
    assert.equal(
      await scalar(`select count(*) from iceberg."${schema}_dbt_test__audit"."unique_stg_orders_order_id"`),
      0n,
    );
  });

  test('a new day and a changed row: each strategy writes what dbt would', async () => {
    write(
      'landing/orders/partition=20240102/b.csv',
      `${ORDERS_HEADER}3,1,3.10,2024-01-02 08:00:00\n4,3,50.00,2024-01-02 23:59:59\n`,
    );
    write('landing/orders/partition=20240103/c.csv', `${ORDERS_HEADER}5,2,1.00,2024-01-03 12:00:00\n`);
    write('seeds/customers.csv', 'id,name,signup_date,score\n1,Ann,2024-01-02,1.5\n2,Bea,2024-01-03,\n');
    const run = mdw('build');
    assert.equal(run.status, 0, run.output);
    const t = (name: string) => `iceberg."${schema}"."${name}"`;
    const total = (name: string) =>
      scalar(`select cast(count(*) as varchar) || ':' || cast(sum(amount) as varchar) from ${t(name)}`);
    // merge, delete+insert and insert_overwrite replace day 2 and add day 3
    assert.equal(await total('orders_merge'), '5:71.85');
    assert.equal(await total('orders_di'), '5:71.85');
    assert.equal(await total('orders_ow'), '5:71.85');
    // append adds day 2 again (both rows) and day 3
    assert.equal(await total('orders_append'), '7:174.94');
    // the snapshot closed Bob's version (renamed) and Cy's (gone), and added Bea's
    assert.deepEqual(
      await rows(
        `select id, name, dbt_valid_to is null from ${t('customers_history')} order by id, dbt_valid_from`,
      ),
      [
        [1, 'Ann', true],
        [2, 'Bob, Jr', false],
        [2, 'Bea', true],
        [3, 'Cy', false],
      ],
    );
  });
});
