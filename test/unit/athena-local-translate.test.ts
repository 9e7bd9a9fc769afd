/**
 * The local Athena server's translation of Athena SQL (test/support/athena-server), without a
 * stack: Hive DDL → Glue CreateTable input, CTAS properties → Trino's, Athena-only statements
 * → their Trino equivalents, and Athena's result text.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { noOpAnswer } from '../support/athena-server/glue-proxy.js';
import { trinoType } from '../support/athena-server/hive-ddl.js';
import { javaDouble, renderValue, textRows, toCsv } from '../support/athena-server/results.js';
import { type Plan, type TranslateContext, translate } from '../support/athena-server/translate.js';

const kinds: Record<string, 'ICEBERG' | 'HIVE'> = { 'mdw.orders': 'ICEBERG', 'mdw.raw': 'HIVE' };
const ctx: TranslateContext = {
  schema: 'mdw',
  defaultCtasLocation: 's3://results/tables/q1/',
  tableKind: async (schema, table) => kinds[`${schema}.${table}`],
  partitionKeys: async () => ['partition'],
};

const trinoSql = (plan: Plan) => plan.steps.map((s) => (s.kind === 'trino' ? s.sql : s.kind));

describe('local Athena translation', () => {
  test('CREATE EXTERNAL TABLE becomes Glue CreateTable with the SerDe, header skip and projection', async () => {
    const plan = await translate(
      `create external table if not exists \`mdw_raw\`.\`Sales\` (
        \`SalesID\` string comment 'Sale id.', \`Price\` decimal(10, 2)
      ) comment 'Sales.'
      partitioned by (\`partition\` string comment 'Day.')
      row format serde 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
      with serdeproperties ('separatorChar' = ',', 'quoteChar' = '"', 'escapeChar' = '\\\\')
      stored as textfile
      location 's3://raw/sales/'
      tblproperties ('skip.header.line.count' = '1', 'projection.enabled' = 'true',
        'storage.location.template' = 's3://raw/sales/partition=\${partition}/')`,
      ctx,
    );
    assert.equal(plan.statementType, 'DDL');
    const [step] = plan.steps;
    assert.equal(step.kind, 'glue-create-table');
    if (step.kind !== 'glue-create-table') return;
    assert.equal(step.database, 'mdw_raw');
    assert.equal(step.ifNotExists, true);
    const input = step.input as any;
    assert.equal(input.Name, 'sales');
    assert.equal(input.Description, 'Sales.');
    assert.equal(input.TableType, 'EXTERNAL_TABLE');
    assert.deepEqual(input.StorageDescriptor.Columns, [
      { Name: 'salesid', Type: 'string', Comment: 'Sale id.' },
      { Name: 'price', Type: 'decimal(10,2)' },
    ]);
    assert.deepEqual(input.PartitionKeys, [{ Name: 'partition', Type: 'string', Comment: 'Day.' }]);
    assert.equal(input.StorageDescriptor.Location, 's3://raw/sales/');
    assert.equal(input.StorageDescriptor.InputFormat, 'org.apache.hadoop.mapred.TextInputFormat');
    assert.deepEqual(input.StorageDescriptor.SerdeInfo, {
      SerializationLibrary: 'org.apache.hadoop.hive.serde2.OpenCSVSerde',
      Parameters: { separatorChar: ',', quoteChar: '"', escapeChar: '\\' },
    });
    assert.deepEqual(input.Parameters, {
      EXTERNAL: 'TRUE',
      'skip.header.line.count': '1',
      'projection.enabled': 'true',
      'storage.location.template': 's3://raw/sales/partition=${partition}/',
    });
  });

  test('an Iceberg CTAS goes to the Iceberg catalog with Trino property names', async () => {
    const plan = await translate(
      `create table mdw.fact with (table_type = 'ICEBERG', is_external = false, location = 's3://wh/fact/',
         partitioning = ARRAY['day(ts)'], format = 'parquet', write_compression = 'ZSTD',
         vacuum_max_snapshot_age_seconds = '60')
       as select 1 as id, 'a, b' as s`,
      ctx,
    );
    assert.equal(plan.substatementType, 'CREATE_TABLE_AS_SELECT');
    assert.deepEqual(trinoSql(plan), [
      `CREATE TABLE "awsdatacatalog_iceberg"."mdw"."fact" WITH (location = 's3://wh/fact/', ` +
        `partitioning = ARRAY [ 'day(ts)' ], format = 'PARQUET', ` +
        `extra_properties = MAP(ARRAY['vacuum_max_snapshot_age_seconds'], ARRAY['60'])) as select 1 as id, 'a, b' as s`,
    ]);
  });

  test('a Hive CTAS defaults to Parquet under the output location, as Athena does', async () => {
    const plan = await translate(
      `CREATE TABLE t WITH (partitioned_by = ARRAY['k']) AS SELECT 1 AS v, 2 AS k`,
      ctx,
    );
    assert.deepEqual(trinoSql(plan), [
      `CREATE TABLE "awsdatacatalog"."mdw"."t" WITH (partitioned_by = ARRAY [ 'k' ], format = 'PARQUET', ` +
        `external_location = 's3://results/tables/q1/') AS SELECT 1 AS v, 2 AS k`,
    ]);
  });

  test('OPTIMIZE, VACUUM, MSCK REPAIR, DROP and RENAME find the table kind and catalog', async () => {
    assert.deepEqual(
      trinoSql(await translate('OPTIMIZE orders REWRITE DATA USING BIN_PACK WHERE day > 1', ctx)),
      [`ALTER TABLE "awsdatacatalog_iceberg"."mdw"."orders" EXECUTE optimize WHERE day > 1`],
    );
    assert.deepEqual((await translate('VACUUM `mdw`.`orders`', ctx)).steps, [
      { kind: 'vacuum', schema: 'mdw', table: 'orders' },
    ]);
    await assert.rejects(
      translate('VACUUM raw', ctx),
      /NOT_SUPPORTED: VACUUM is only supported for Iceberg tables/,
    );
    await assert.rejects(translate('OPTIMIZE nope REWRITE DATA USING BIN_PACK', ctx), /TABLE_NOT_FOUND/);
    assert.deepEqual(trinoSql(await translate('MSCK REPAIR TABLE `raw`', ctx)), [
      `CALL awsdatacatalog.system.sync_partition_metadata('mdw', 'raw', 'ADD')`,
    ]);
    assert.deepEqual(trinoSql(await translate('DROP TABLE IF EXISTS `mdw`.`orders`', ctx)), [
      `DROP TABLE IF EXISTS "awsdatacatalog_iceberg"."mdw"."orders"`,
    ]);
    assert.deepEqual(trinoSql(await translate('ALTER TABLE orders RENAME TO orders_old', ctx)), [
      `ALTER TABLE "awsdatacatalog_iceberg"."mdw"."orders" RENAME TO "awsdatacatalog_iceberg"."mdw"."orders_old"`,
    ]);
    assert.deepEqual(trinoSql(await translate('alter table `mdw`.`orders` drop column `rank`', ctx)), [
      `ALTER TABLE "awsdatacatalog_iceberg"."mdw"."orders" DROP COLUMN "rank"`,
    ]);
    assert.deepEqual(trinoSql(await translate('CREATE DATABASE IF NOT EXISTS `mdw_raw`', ctx)), [
      `CREATE SCHEMA IF NOT EXISTS "awsdatacatalog"."mdw_raw"`,
    ]);
  });

  test('queries pass through unchanged, with a header row only for queries', async () => {
    const select = await translate('  -- c\nWITH a AS (SELECT 1) SELECT * FROM a', ctx);
    assert.equal(select.header, true);
    assert.deepEqual(trinoSql(select), ['  -- c\nWITH a AS (SELECT 1) SELECT * FROM a']);
    assert.equal((await translate('INSERT INTO t SELECT 1', ctx)).header, false);
    assert.equal((await translate('SHOW TABLES', ctx)).header, false);
  });

  test('Hive types become Trino types', () => {
    assert.equal(trinoType('string'), 'varchar');
    assert.equal(
      trinoType('array<struct<a:int,b:map<string,double>>>'),
      'array(row("a" integer, "b" map(varchar, double)))',
    );
    assert.equal(trinoType('decimal(12,2)'), 'decimal(12,2)');
  });

  test('values render as Athena text and CSV', () => {
    assert.equal(javaDouble(1), '1.0');
    assert.equal(javaDouble(0.5), '0.5');
    assert.equal(javaDouble(1.5e10), '1.5E10');
    assert.equal(javaDouble(1e-4), '1.0E-4');
    assert.equal(renderValue(123n, 'bigint'), '123');
    assert.equal(renderValue([1, 2], 'array'), '[1, 2]');
    assert.equal(renderValue(null, 'varchar'), null);
    assert.equal(toCsv(['a', 'b'], [['x "y"', null]]), '"a","b"\n"x ""y""",\n');
  });

  test('the Glue proxy answers only the column-statistics calls', () => {
    assert.deepEqual(noOpAnswer('AWSGlue.UpdateColumnStatisticsForTable'), { Errors: [] });
    assert.deepEqual(noOpAnswer('AWSGlue.GetColumnStatisticsForPartition'), {
      ColumnStatisticsList: [],
      Errors: [],
    });
    assert.equal(noOpAnswer('AWSGlue.CreateTable'), undefined);
    assert.equal(noOpAnswer(undefined), undefined);
  });
});

describe('the stack prints values as Athena does', () => {
  test('a ROW (sent by Trino as a positional array) prints by field name, as "t$files".partition', () => {
    const varchar = { rawType: 'varchar', arguments: [] };
    const partition = {
      name: 'partition',
      type: 'row(kind varchar, day date)',
      typeSignature: {
        rawType: 'row',
        arguments: [
          { kind: 'NAMED_TYPE', value: { fieldName: { name: 'kind' }, typeSignature: varchar } },
          { kind: 'NAMED_TYPE', value: { fieldName: { name: 'day' }, typeSignature: { rawType: 'date' } } },
        ],
      },
    };
    assert.deepEqual(textRows([partition], [[['a', '2018-01-02']], [[null, null]]]), [
      ['{kind=a, day=2018-01-02}'],
      ['{kind=null, day=null}'],
    ]);
  });
});
