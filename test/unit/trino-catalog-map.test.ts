/**
 * The trino profile's catalog_map: a project written for Athena (sources and models in
 * `awsdatacatalog`) parses into relations in the mapped Trino catalog, with no edits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveTrinoProfile } from '../../src/adapters/trino/profile.js';
import type { TargetConfig } from '../../src/manifest/types.js';
import { loadProject } from '../../src/project/loader.js';
import { ConfigError } from '../../src/util/errors.js';
import { makeProject } from '../support/project.js';

const ATHENA_SOURCES = `version: 2
sources:
  - name: raw
    database: awsdatacatalog
    schema: landing
    tables:
      - name: orders
`;

function athenaProject(catalogMap: string): string {
  return makeProject({
    'profiles.yml': `shop:
  target: dev
  outputs:
    dev:
      type: trino
      host: 127.0.0.1
      port: 8080
      user: mdw
      database: awsdatacatalog
      schema: mdw
${catalogMap}`,
    'models/sources.yml': ATHENA_SOURCES,
    'models/orders_copy.sql':
      "{{ config(database='AwsDataCatalog') }}\nselect * from {{ source('raw', 'orders') }}\n",
    'models/orders_count.sql': "select count(*) as n from {{ ref('orders_copy') }}\n",
  });
}

const target = (extra: Record<string, unknown>): TargetConfig => ({
  name: 'dev',
  profile_name: 'shop',
  type: 'trino',
  schema: 'mdw',
  database: '',
  threads: 1,
  host: 'localhost',
  user: 'ann',
  ...extra,
});

describe('trino catalog_map', () => {
  it('resolves sources, models and the default catalog declared as awsdatacatalog to the mapped catalog', () => {
    const dir = athenaProject('      catalog_map:\n        awsdatacatalog: iceberg\n');
    const { manifest } = loadProject({ projectDir: dir, profilesDir: dir, partialParse: false });
    const source = manifest.sources['source.shop.raw.orders']!;
    assert.equal(source.database, 'iceberg');
    assert.equal(source.relation_name, '"iceberg"."landing"."orders"');
    const copy = manifest.nodes['model.shop.orders_copy']!;
    assert.equal(copy.database, 'iceberg', 'a model configured with database=AwsDataCatalog (any case)');
    assert.equal(copy.relation_name, '"iceberg"."mdw"."orders_copy"');
    const count = manifest.nodes['model.shop.orders_count']!;
    assert.equal(count.relation_name, '"iceberg"."mdw"."orders_count"', "the profile's own database");
  });

  it('leaves catalogs the map does not name alone', () => {
    const dir = athenaProject('      catalog_map:\n        other: hive\n');
    const { manifest } = loadProject({ projectDir: dir, profilesDir: dir, partialParse: false });
    assert.equal(manifest.sources['source.shop.raw.orders']!.database, 'awsdatacatalog');
  });

  it("maps the profile's catalog for the connection, and names a malformed map in one sentence", () => {
    const profile = resolveTrinoProfile(
      target({ database: 'awsdatacatalog', catalog_map: { awsdatacatalog: 'iceberg' } }),
    );
    assert.equal(profile.catalog, 'iceberg');
    assert.deepEqual(profile.catalogMap, { awsdatacatalog: 'iceberg' });
    for (const [catalogMap, message] of [
      [
        ['iceberg'],
        "'catalog_map' must map catalog names to Trino catalogs, e.g. {awsdatacatalog: iceberg}.",
      ],
      [
        { awsdatacatalog: { name: 'iceberg' } },
        `'catalog_map.awsdatacatalog' must be a Trino catalog name, not {"name":"iceberg"}.`,
      ],
      [
        { awsdatacatalog: 'ice berg' },
        `'catalog_map.awsdatacatalog' must be a Trino catalog name, not "ice berg".`,
      ],
    ] as const) {
      assert.throws(
        () => resolveTrinoProfile(target({ database: 'iceberg', catalog_map: catalogMap })),
        (e: unknown) => e instanceof ConfigError && e.message === `Profile shop, target dev: ${message}`,
      );
    }
  });
});
