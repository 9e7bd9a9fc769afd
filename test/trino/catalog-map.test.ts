/**
 * A project written for dbt-athena (profile database, a raw source and a model all in Athena's
 * `awsdatacatalog`) builds unchanged on the local Trino through the profile's catalog_map.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { client, TrinoProject, trinoProfile, uniqueSchema } from './helpers.js';

const schema = uniqueSchema('mdw_catalog_map');
let project: TrinoProject;
const write = (path: string, text: string) => project.write(path, text);
const mdw = (...args: string[]) => project.mdw(...args);

function profile(catalogMap: string): string {
  return trinoProfile({ schema, database: 'awsdatacatalog', extra: catalogMap });
}

before(() => {
  project = new TrinoProject('mdw-trino-catalog-map');
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

after(() => project.remove([schema, `${schema}_raw`]));

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
