/**
 * A project written for dbt-athena (profile database, a raw source and a model all in Athena's
 * `awsdatacatalog`) builds unchanged on the local Trino through the profile's catalog_map.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { client, trinoUrl, uniqueSchema } from './helpers.js';

const repo = resolve(import.meta.dirname, '..', '..', '..');
const schema = uniqueSchema('mdw_catalog_map');
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

function profile(catalogMap: string): string {
  const url = new URL(trinoUrl());
  return (
    `shop:\n  target: trino\n  outputs:\n    trino:\n      type: trino\n      method: none\n` +
    `      host: ${url.hostname}\n      port: ${url.port}\n      user: mdw-test\n` +
    `      database: awsdatacatalog\n      schema: ${schema}\n      threads: 2\n${catalogMap}`
  );
}

before(() => {
  project = mkdtempSync(join(tmpdir(), 'mdw-trino-catalog-map-'));
  write('dbt_project.yml', 'name: shop\nversion: "1.0"\nprofile: shop\n');
  write('landing/orders.csv', 'order_id,amount\n1,10.50\n2,7.25\n3,3.10\n');
  write(
    'models/sources.yml',
    `version: 2\nsources:\n  - name: raw\n    database: awsdatacatalog\n    schema: ${schema}_raw\n` +
      `    tables:\n      - name: orders\n        external:\n          location: landing/orders.csv\n`,
  );
  write(
    'models/orders.sql',
    `{{ config(materialized='table', database='awsdatacatalog', table_type='iceberg') }}
     select cast(order_id as integer) as order_id, cast(amount as decimal(10, 2)) as amount
     from {{ source('raw', 'orders') }}`,
  );
  write('models/order_total.sql', `select sum(amount) as total from {{ ref('orders') }}`);
});

after(async () => {
  for (const s of [schema, `${schema}_raw`]) {
    for (const catalog of ['iceberg', 'hive']) {
      const objects = await client()
        .execute(
          `select table_name, table_type from ${catalog}.information_schema.tables where table_schema = '${s}'`,
        )
        .then((r) => r.rows)
        .catch(() => []);
      for (const [name, type] of objects)
        await client()
          .execute(`drop ${type === 'VIEW' ? 'view' : 'table'} ${catalog}."${s}"."${String(name)}"`)
          .catch(() => {});
      await client()
        .execute(`drop schema if exists ${catalog}."${s}"`)
        .catch(() => {});
    }
  }
  rmSync(project, { recursive: true, force: true });
});

describe('catalog_map on the trino target', () => {
  test('without a mapping, awsdatacatalog is one sentence naming the missing catalog', () => {
    write('profiles.yml', profile(''));
    const run = mdw('build');
    assert.equal(run.status, 1, run.output);
    assert.match(run.output, /has no catalog 'awsdatacatalog'\.\n/);
  });

  test('with catalog_map {awsdatacatalog: iceberg}, the Athena project builds into iceberg', async () => {
    write('profiles.yml', profile('      catalog_map:\n        awsdatacatalog: iceberg\n'));
    const run = mdw('build');
    assert.equal(run.status, 0, run.output);
    const result = await client().execute(
      `select (select cast(count(*) as integer) from iceberg."${schema}"."orders"),
              (select cast(total as varchar) from iceberg."${schema}"."order_total")`,
    );
    assert.deepEqual(result.rows, [[3, '20.85']]);
  });
});
