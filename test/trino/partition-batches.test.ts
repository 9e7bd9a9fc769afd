/**
 * Writes of 130 daily partitions on the local Trino, whose writers keep at most 100 partitions
 * open (the server keeps the default max-partitions-per-writer, and one writer takes every
 * row, as on Athena): full builds and incremental runs of every strategy write in batches of
 * at most 100 partitions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { client, ONE_WRITER, rows, TrinoProject, trinoProfile, uniqueSchema } from './helpers.js';

const schema = uniqueSchema('mdw_partition_batches');
let project: TrinoProject;

/** 130 days from 2024-01-01, three rows a day (390 rows). */
const DAYS = `select cast(d as timestamp(6)) + r * interval '1' hour as sold_at, r as n, 'new' as state
  from unnest(sequence(date '2024-01-01', date '2024-05-09')) as t(d)
  cross join unnest(sequence(1, 3)) as u(r)`;

/** First run: one row on the first day; later runs: all 130 days (the first day's row changed). */
const GROWING = `{% if is_incremental() %} ${DAYS} {% else %}
  select timestamp '2024-01-01 01:00:00.000000' as sold_at, 1 as n, 'old' as state {% endif %}`;

const STRATEGIES = {
  merge: ", unique_key=['sold_at', 'n']",
  'delete+insert': ", unique_key=['sold_at', 'n']",
  insert_overwrite: '',
  append: '',
} as const;

const modelName = (strategy: string) => `grow_${strategy.replace('+', '_')}`;

before(() => {
  project = new TrinoProject('mdw-trino-batches');
  project.write('profiles.yml', trinoProfile({ schema, threads: 1, extra: ONE_WRITER }));
  project.write(
    'models/sales_by_day.sql',
    `{{ config(materialized='table', partition_by=['day(sold_at)']) }}\n${DAYS}`,
  );
  project.write(
    'models/sales_incremental.sql',
    `{{ config(materialized='incremental', incremental_strategy='append', partitioned_by=['day(sold_at)']) }}\n${DAYS}`,
  );
  for (const [strategy, key] of Object.entries(STRATEGIES))
    project.write(
      `models/${modelName(strategy)}.sql`,
      `{{ config(materialized='incremental', incremental_strategy='${strategy}'${key}, partitioned_by=['day(sold_at)']) }}\n${GROWING}`,
    );
});

after(() => project.remove([schema]));

async function tableCounts(table: string): Promise<unknown[][]> {
  return rows(
    `select (select cast(count(*) as integer) from iceberg."${schema}"."${table}"),
            (select cast(count(*) as integer) from iceberg."${schema}"."${table}$partitions"),
            (select cast(count(*) as integer) from iceberg."${schema}"."${table}" where state = 'old')`,
  );
}

describe('writes of more than 100 partitions on the trino target', () => {
  test('a table and an incremental full refresh of 130 daily partitions build at the default limits', async () => {
    const run = project.mdw('run', '--full-refresh', '--select', 'sales_by_day', 'sales_incremental');
    assert.equal(run.status, 0, run.output);
    for (const table of ['sales_by_day', 'sales_incremental']) {
      const result = await client().execute(
        `select (select cast(count(*) as integer) from iceberg."${schema}"."${table}"),
                (select cast(count(*) as integer) from iceberg."${schema}"."${table}$partitions"),
                (select cast(count(*) as integer) from iceberg."${schema}"."${table}$snapshots")`,
      );
      // 390 rows in 130 partitions, written by a CTAS of 100 partitions and an insert of 30
      assert.deepEqual(result.rows, [[390, 130, 2]], table);
    }
    const leftovers = await client().execute(
      `select cast(count(*) as integer) from iceberg.information_schema.tables where table_schema = '${schema}' and table_name like '%__mdw_batches'`,
    );
    assert.deepEqual(leftovers.rows, [[0]], 'the staging table is dropped');
  });

  test('incremental runs of 130 new daily partitions write in batches with every strategy', async () => {
    const models = Object.keys(STRATEGIES).map(modelName);
    const first = project.mdw('run', '--select', ...models);
    assert.equal(first.status, 0, first.output);
    for (const model of models) assert.deepEqual(await tableCounts(model), [[1, 1, 1]], model);
    // not a full refresh: 130 partitions into an existing table in one run
    const second = project.mdw('run', '--select', ...models);
    assert.equal(second.status, 0, second.output);
    // merge and delete+insert replace the changed row; insert_overwrite replaces its day
    for (const strategy of ['merge', 'delete+insert', 'insert_overwrite'])
      assert.deepEqual(await tableCounts(modelName(strategy)), [[390, 130, 0]], strategy);
    // append keeps the first run's row beside the 390 new ones
    assert.deepEqual(await tableCounts(modelName('append')), [[391, 130, 1]], 'append');
    const staged = await rows(
      `select table_name from iceberg.information_schema.tables where table_schema = '${schema}' and table_name like '%__mdw_tmp'`,
    );
    assert.deepEqual(staged, [], 'the staged rows are dropped');
  });
});
