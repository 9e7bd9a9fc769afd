import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { rawTableFiles } from '../../scripts/raw-table-files.js';
import {
  athenaCreateTable,
  RAW_S3_URI_PLACEHOLDER,
  rawTableDefinitions,
  withRawS3Uri,
} from '../../src/adapters/athena/raw-tables.js';
import type { SourceDefinition } from '../../src/manifest/types.js';

// dist/test/unit → repository root
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

const source = (name: string, external: Record<string, unknown>, dataType = 'string'): SourceDefinition =>
  ({
    source_name: 'grocery',
    name,
    identifier: name,
    schema: 'mdw_raw',
    description: `the ${name} table`,
    original_file_path: 'models/raw/schema.yml',
    columns: { Id: { name: 'Id', data_type: dataType, description: "it's the key" } },
    external,
  }) as unknown as SourceDefinition;

const csvExternal = (extra: Record<string, unknown> = {}) => ({
  location: 'local.csv',
  s3_location: `${RAW_S3_URI_PLACEHOLDER}/t/`,
  row_format: "serde 'org.apache.hadoop.hive.serde2.OpenCSVSerde'",
  serde_properties: { separatorChar: ',', escapeChar: '\\' },
  table_properties: { 'skip.header.line.count': '1' },
  ...extra,
});

describe('raw table generator', () => {
  it('committed scripts/database/*.sql and infra/generated/raw-tables.json match the sources YAML', () => {
    const files = rawTableFiles(repoRoot);
    for (const [path, text] of files) {
      const committed = join(repoRoot, path);
      assert.ok(existsSync(committed), `${path} is missing: run npm run gen:raw-ddl`);
      assert.equal(
        readFileSync(committed, 'utf8'),
        text,
        `${path} drifted from the YAML: run npm run gen:raw-ddl`,
      );
    }
    const scripts = readdirSync(join(repoRoot, 'scripts', 'database')).filter((name) =>
      name.endsWith('.sql'),
    );
    assert.deepEqual(
      scripts.map((name) => `scripts/database/${name}`).sort(),
      [...files.keys()].filter((path) => path.startsWith('scripts/')).sort(),
      'a script has no table in the YAML: run npm run gen:raw-ddl',
    );
  });

  it('generates the seven grocery tables, all string, with projection on the daily sales partition', () => {
    const tables = JSON.parse(rawTableFiles(repoRoot).get('infra/generated/raw-tables.json')!).tables;
    assert.deepEqual(
      tables.map((t: { name: string }) => t.name),
      ['categories', 'cities', 'countries', 'customers', 'employees', 'products', 'sales'],
    );
    const sales = tables.find((t: { name: string }) => t.name === 'sales');
    assert.deepEqual(
      sales.partitionKeys.map((k: { name: string }) => k.name),
      ['partition'],
    );
    assert.equal(sales.tableProperties['projection.partition.type'], 'date');
    assert.equal(sales.tableProperties['projection.partition.format'], 'yyyyMMdd');
    assert.equal(
      sales.tableProperties['storage.location.template'],
      `${RAW_S3_URI_PLACEHOLDER}/sales/partition=\${partition}/`,
    );
    for (const table of tables) {
      assert.equal(table.database, 'mdw_raw');
      assert.equal(table.serde.library, 'org.apache.hadoop.hive.serde2.OpenCSVSerde');
      assert.equal(table.tableProperties['skip.header.line.count'], '1');
      assert.ok(table.columns.every((c: { type: string }) => c.type === 'string'));
    }
  });

  it('renders Athena DDL with the prefix filled in and Hive string escapes', () => {
    const [definition] = rawTableDefinitions({ a: source('t', csvExternal()) });
    const ddl = athenaCreateTable(definition!, 's3://bucket/raw/');
    assert.match(
      ddl,
      /^create external table if not exists `mdw_raw`\.`t` \(\n {4}`Id` string comment 'it\\'s the key'\n\)/,
    );
    assert.match(ddl, /row format serde 'org\.apache\.hadoop\.hive\.serde2\.OpenCSVSerde'/);
    assert.match(ddl, /'escapeChar' = '\\\\'/);
    assert.match(ddl, /location 's3:\/\/bucket\/raw\/t\/'/);
    assert.match(ddl, /tblproperties \(\n {4}'skip\.header\.line\.count' = '1'\n\);\n$/);
    assert.equal(withRawS3Uri(definition!, 's3://b').location, 's3://b/t/');
  });

  it('skips sources without s3_location', () => {
    assert.deepEqual(rawTableDefinitions({ a: source('t', { location: 'x.csv' }) }), []);
  });

  it('names the source when a column is typed, the prefix is hard-coded or projection is missing', () => {
    assert.throws(
      () => rawTableDefinitions({ a: source('t', csvExternal(), 'int') }),
      /models\/raw\/schema\.yml \(source grocery\.t\): column 'Id' has data_type 'int'/,
    );
    assert.throws(
      () => rawTableDefinitions({ a: source('t', csvExternal({ s3_location: 's3://fixed/t/' })) }),
      /source grocery\.t\): external\.s3_location must start with var\('raw_s3_uri'\)/,
    );
    assert.throws(
      () =>
        rawTableDefinitions({
          a: source('t', csvExternal({ partitions: [{ name: 'partition', data_type: 'string' }] })),
        }),
      /partition 'partition' needs partition projection; add table_properties projection\.enabled, projection\.partition\.type, storage\.location\.template/,
    );
    assert.throws(
      () => rawTableDefinitions({ a: source('t', csvExternal({ row_format: 'delimited' })) }),
      /external\.row_format must read serde '<class>'/,
    );
  });
});
