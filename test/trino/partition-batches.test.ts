/**
 * A full build of a table with 130 daily partitions on the local Trino, whose writers keep at
 * most 100 partitions open (the server keeps the default max-partitions-per-writer, and one
 * writer takes every row, as on Athena): the adapter writes it in batches of at most 100
 * partitions, as a table and as an incremental full refresh.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { client, trinoUrl, uniqueSchema } from './helpers.js';

const repo = resolve(import.meta.dirname, '..', '..', '..');
const schema = uniqueSchema('mdw_partition_batches');
let project: string;

function write(path: string, text: string): void {
  mkdirSync(dirname(join(project, path)), { recursive: true });
  writeFileSync(join(project, path), text);
}

function mdw(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync(
    process.execPath,
    [join(repo, 'bin', 'mdw.js'), ...args, '--project-dir', project, '--profiles-dir', project],
    { encoding: 'utf8', timeout: 600_000 },
  );
  return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
}

/** 130 days from 2024-01-01, three rows a day (390 rows). */
const DAYS = `select cast(d as timestamp(6)) + r * interval '1' hour as sold_at, r as n
  from unnest(sequence(date '2024-01-01', date '2024-05-09')) as t(d)
  cross join unnest(sequence(1, 3)) as u(r)`;

before(() => {
  project = mkdtempSync(join(tmpdir(), 'mdw-trino-batches-'));
  const url = new URL(trinoUrl());
  write('dbt_project.yml', 'name: shop\nversion: "1.0"\nprofile: shop\n');
  write(
    'profiles.yml',
    `shop:\n  target: trino\n  outputs:\n    trino:\n      type: trino\n      method: none\n` +
      `      host: ${url.hostname}\n      port: ${url.port}\n      user: mdw-test\n` +
      `      database: iceberg\n      schema: ${schema}\n      threads: 1\n` +
      // One writer sees every partition (as on Athena), so 130 partitions exceed its limit of 100
      // (max-partitions-per-writer stays at its default); with Trino's default write
      // partitioning the rows would be spread over writers and one statement could succeed.
      `      session_properties:\n        use_preferred_write_partitioning: false\n        scale_writers: false\n` +
      `        task_min_writer_count: 1\n        task_max_writer_count: 1\n`,
  );
  write(
    'models/sales_by_day.sql',
    `{{ config(materialized='table', partition_by=['day(sold_at)']) }}\n${DAYS}`,
  );
  write(
    'models/sales_incremental.sql',
    `{{ config(materialized='incremental', incremental_strategy='append', partitioned_by=['day(sold_at)']) }}\n${DAYS}`,
  );
});

after(async () => {
  const objects = await client()
    .execute(`select table_name from iceberg.information_schema.tables where table_schema = '${schema}'`)
    .then((r) => r.rows)
    .catch(() => []);
  for (const [name] of objects)
    await client()
      .execute(`drop table iceberg."${schema}"."${String(name)}"`)
      .catch(() => {});
  await client()
    .execute(`drop schema if exists iceberg."${schema}"`)
    .catch(() => {});
  rmSync(project, { recursive: true, force: true });
});

describe('writes of more than 100 partitions on the trino target', () => {
  test('a table and an incremental full refresh of 130 daily partitions build at the default limits', async () => {
    const run = mdw('run', '--full-refresh');
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
});
