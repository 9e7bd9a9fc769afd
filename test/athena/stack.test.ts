/**
 * The local Athena-compatible stack (scripts/athena-local.sh) through the real AWS SDK clients
 * over HTTP: query lifecycle and paging, failures and cancellation, external CSV tables with
 * partition projection, Iceberg CTAS with OPTIMIZE and VACUUM, bytes scanned, the
 * 100-partition limit and injected throttling.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  GetWorkGroupCommand,
  InvalidRequestException,
  ListTableMetadataCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { GetTableCommand } from '@aws-sdk/client-glue';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { TrinoClient } from '../../src/adapters/trino/client.js';
import { allRows, athena, dataDir, glue, run, s3, start, uniqueName, waitFor, workGroup } from './helpers.js';

const db = uniqueName('stack');
const client = athena();
const rawPrefix = `stack-test/${db}`;

/** SQL rows without the header row Athena puts first for queries. */
const body = (rows: (string | undefined)[][]) => rows.slice(1);

async function putText(key: string, text: string): Promise<void> {
  await s3().send(new PutObjectCommand({ Bucket: 'mdw-raw', Key: key, Body: text }));
}

describe('local Athena stack', () => {
  before(async () => {
    await run(client, `CREATE DATABASE IF NOT EXISTS \`${db}\``);
  });
  after(async () => {
    await run(client, `DROP DATABASE IF EXISTS \`${db}\` CASCADE`).catch(() => undefined);
  });

  test('a SELECT pages by MaxResults with the header first, typed metadata, and its CSV in S3', async () => {
    const sql = `SELECT x AS n, CAST(x AS varchar) AS s, x / 2e0 AS half, CAST(NULL AS varchar) AS nothing
      FROM UNNEST(sequence(1, 2500)) AS t(x) ORDER BY x`;
    const id = await start(client, sql, db);
    const execution = await waitFor(client, id);
    assert.equal(execution.Status?.State, 'SUCCEEDED');
    assert.equal(execution.StatementType, 'DML');

    const first = await client.send(new GetQueryResultsCommand({ QueryExecutionId: id, MaxResults: 1000 }));
    const rows = first.ResultSet!.Rows!;
    assert.equal(rows.length, 1000);
    assert.deepEqual(
      rows[0].Data!.map((d) => d.VarCharValue),
      ['n', 's', 'half', 'nothing'],
    );
    assert.deepEqual(
      rows[1].Data!.map((d) => d.VarCharValue),
      ['1', '1', '0.5', undefined],
    );
    assert.deepEqual(
      first.ResultSet!.ResultSetMetadata!.ColumnInfo!.map((c) => c.Type),
      ['bigint', 'varchar', 'double', 'varchar'],
    );
    assert.ok(first.NextToken, 'a first page of a 2501-row result has a NextToken');

    const everything = await allRows(client, id, 1000);
    assert.equal(everything.length, 2501);
    assert.deepEqual(everything.at(-1), ['2500', '2500', '1250.0', undefined]);
    const numbers = body(everything).map((r) => Number(r[0]));
    assert.deepEqual(
      numbers,
      Array.from({ length: 2500 }, (_, i) => i + 1),
    );

    const location = execution.ResultConfiguration!.OutputLocation!;
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(location)!;
    assert.ok(location.endsWith(`${id}.csv`), location);
    const csv = await (
      await s3().send(new GetObjectCommand({ Bucket: match[1], Key: match[2] }))
    ).Body!.transformToString();
    const lines = csv.trimEnd().split('\n');
    assert.equal(lines.length, 2501);
    assert.equal(lines[0], '"n","s","half","nothing"');
    assert.equal(lines[1], '"1","1","0.5",');
  });

  test('a failing query ends FAILED with the engine error in StateChangeReason', async () => {
    const execution = await waitFor(client, await start(client, 'SELECT * FROM no_such_table', db));
    assert.equal(execution.Status?.State, 'FAILED');
    assert.match(
      execution.Status?.StateChangeReason ?? '',
      /^TABLE_NOT_FOUND: .*no_such_table.* does not exist/,
    );
    await assert.rejects(
      client.send(new GetQueryResultsCommand({ QueryExecutionId: execution.QueryExecutionId })),
      (error: Error) => error instanceof InvalidRequestException && /FAILED/.test(error.message),
    );
  });

  test('an unknown workgroup is an InvalidRequestException, as Athena words it', async () => {
    await assert.rejects(
      client.send(new StartQueryExecutionCommand({ QueryString: 'SELECT 1', WorkGroup: 'no-such-group' })),
      (error: Error) =>
        error instanceof InvalidRequestException && error.message === 'WorkGroup is not found.',
    );
    const group = await client.send(new GetWorkGroupCommand({ WorkGroup: workGroup() }));
    assert.match(group.WorkGroup?.Configuration?.ResultConfiguration?.OutputLocation ?? '', /^s3:\/\//);
  });

  test('StopQueryExecution cancels a long query, also on the engine', async () => {
    const marker = uniqueName('long');
    const sql = `SELECT count(*) AS ${marker} FROM UNNEST(sequence(1, 10000)) a(x)
      CROSS JOIN UNNEST(sequence(1, 10000)) b(y) CROSS JOIN UNNEST(sequence(1, 10000)) c(z)`;
    const id = await start(client, sql, db);
    const trino = new TrinoClient({ server: process.env.MDW_ATHENA_LOCAL_TRINO_URL!, user: 'stack-test' });
    const runningOnTrino = async () =>
      Number(
        (
          await trino.execute(
            `SELECT count(*) FROM system.runtime.queries WHERE state NOT IN ('FINISHED', 'FAILED') AND query LIKE '%${marker}%' AND query NOT LIKE '%system.runtime%'`,
          )
        ).rows[0][0],
      );
    for (let i = 0; i < 300 && (await runningOnTrino()) === 0; i++) await sleep(100);
    assert.equal(await runningOnTrino(), 1, 'the query reached Trino');
    await client.send(new StopQueryExecutionCommand({ QueryExecutionId: id }));
    const execution = await waitFor(client, id);
    assert.equal(execution.Status?.State, 'CANCELLED');
    for (let i = 0; i < 100 && (await runningOnTrino()) > 0; i++) await sleep(100);
    assert.equal(await runningOnTrino(), 0, 'the query was cancelled on Trino');
  });

  test('an external CSV table with OpenCSVSerde, header skip and date projection reads new days without repair', async () => {
    await putText(`${rawPrefix}/sales/partition=20240101/part-1.csv`, 'SalesID,Amount\n1,"10.5"\n2,"1,5"\n');
    await putText(`${rawPrefix}/sales/partition=20240102/part-1.csv`, 'SalesID,Amount\n3,7\n');
    await run(
      client,
      `create external table if not exists \`${db}\`.\`sales\` (
    \`SalesID\` string comment 'Sale identifier.',
    \`Amount\` string comment 'Quoted when it holds a comma.'
)
comment 'Sales transactions.'
partitioned by (\`partition\` string comment 'Daily drop folder (YYYYMMDD).')
row format serde 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
with serdeproperties ('separatorChar' = ',', 'quoteChar' = '"', 'escapeChar' = '\\\\')
stored as textfile
location 's3://mdw-raw/${rawPrefix}/sales/'
tblproperties (
    'skip.header.line.count' = '1',
    'projection.enabled' = 'true',
    'projection.partition.type' = 'date',
    'projection.partition.format' = 'yyyyMMdd',
    'projection.partition.range' = '20231201,NOW',
    'projection.partition.interval' = '1',
    'projection.partition.interval.unit' = 'DAYS',
    'storage.location.template' = 's3://mdw-raw/${rawPrefix}/sales/partition=\${partition}/'
)`,
    );
    const table = (await glue().send(new GetTableCommand({ DatabaseName: db, Name: 'sales' }))).Table!;
    assert.equal(
      table.StorageDescriptor?.SerdeInfo?.SerializationLibrary,
      'org.apache.hadoop.hive.serde2.OpenCSVSerde',
    );
    assert.equal(table.StorageDescriptor?.SerdeInfo?.Parameters?.escapeChar, '\\');
    assert.equal(table.Parameters?.['skip.header.line.count'], '1');
    const listed = await client.send(
      new ListTableMetadataCommand({ CatalogName: 'AwsDataCatalog', DatabaseName: db, Expression: 'sal*' }),
    );
    assert.deepEqual(
      listed.TableMetadataList?.map((t) => [t.Name, t.PartitionKeys?.map((k) => k.Name)]),
      [['sales', ['partition']]],
    );

    const { rows, execution } = await run(
      client,
      'SELECT salesid, amount, "partition" FROM sales ORDER BY salesid',
      db,
    );
    assert.deepEqual(body(rows), [
      ['1', '10.5', '20240101'],
      ['2', '1,5', '20240101'],
      ['3', '7', '20240102'],
    ]);
    assert.ok((execution.Statistics?.DataScannedInBytes ?? 0) > 0, 'a scan reports bytes scanned');

    // a new day is visible at once: projection, no MSCK REPAIR
    await putText(`${rawPrefix}/sales/partition=20240103/part-1.csv`, 'SalesID,Amount\n4,2\n');
    const day = await run(client, `SELECT count(*) FROM sales WHERE "partition" = '20240103'`, db);
    assert.deepEqual(body(day.rows), [['1']]);

    const constant = await run(client, 'SELECT 1', db);
    assert.equal(constant.execution.Statistics?.DataScannedInBytes, 0);
  });

  test('MSCK REPAIR TABLE registers the partitions of a table without projection', async () => {
    await putText(`${rawPrefix}/plain/dt=2024-01-01/a.csv`, 'a\nx\n');
    await putText(`${rawPrefix}/plain/dt=2024-01-02/a.csv`, 'a\ny\n');
    await run(
      client,
      `CREATE EXTERNAL TABLE \`${db}\`.\`plain\` (\`a\` string) PARTITIONED BY (\`dt\` string)
       ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde' LOCATION 's3://mdw-raw/${rawPrefix}/plain/'
       TBLPROPERTIES ('skip.header.line.count'='1')`,
    );
    assert.deepEqual(body((await run(client, 'SELECT count(*) FROM plain', db)).rows), [['0']]);
    await run(client, `MSCK REPAIR TABLE \`${db}\`.\`plain\``, db);
    assert.deepEqual(body((await run(client, 'SELECT a FROM plain ORDER BY a', db)).rows), [['x'], ['y']]);
  });

  test('Iceberg CTAS partitioned by a column, then OPTIMIZE and VACUUM', async () => {
    const location = `${dataDir()}${db}/orders/`;
    const ctas = await run(
      client,
      `CREATE TABLE ${db}.orders WITH (table_type = 'ICEBERG', location = '${location}', is_external = false,
         partitioning = ARRAY['day'], format = 'parquet', write_compression = 'zstd',
         vacuum_max_snapshot_age_seconds = '1')
       AS SELECT x AS id, CAST(x * 1.5 AS decimal(10, 2)) AS amount, date '2024-01-01' + (x % 3) * interval '1' day AS day
       FROM UNNEST(sequence(1, 30)) AS t(x)`,
      db,
    );
    assert.equal(ctas.execution.StatementType, 'DDL');
    const table = (await glue().send(new GetTableCommand({ DatabaseName: db, Name: 'orders' }))).Table!;
    assert.equal(table.Parameters?.table_type?.toUpperCase(), 'ICEBERG');
    const [bucket, ...prefix] = location.replace('s3://', '').split('/');
    const objects = await s3().send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix.join('/') }));
    assert.ok(
      (objects.Contents ?? []).some((o) => o.Key!.includes('/data/day=')),
      'partitioned data files under the location',
    );
    const partitions = await run(client, 'SELECT count(*) FROM "orders$partitions"', db);
    assert.deepEqual(body(partitions.rows), [['3']]);

    await run(
      client,
      `INSERT INTO orders SELECT 100 + x, 1, date '2024-01-01' FROM UNNEST(sequence(1, 3)) AS t(x)`,
      db,
    );
    await run(client, `INSERT INTO orders VALUES (200, 2, date '2024-01-01')`, db);
    const files = async () =>
      Number(
        body(
          (
            await run(
              client,
              `SELECT count(*) FROM "orders$files" WHERE partition.day = date '2024-01-01'`,
              db,
            )
          ).rows,
        )[0][0],
      );
    assert.equal(await files(), 3);
    await run(client, `OPTIMIZE ${db}.orders REWRITE DATA USING BIN_PACK`, db);
    assert.equal(await files(), 1, 'OPTIMIZE compacted the partition into one file');

    const snapshots = async () =>
      Number(body((await run(client, 'SELECT count(*) FROM "orders$snapshots"', db)).rows)[0][0]);
    assert.ok((await snapshots()) >= 4);
    await sleep(1500); // past the table's vacuum_max_snapshot_age_seconds
    await run(client, `VACUUM ${db}.orders`, db);
    assert.equal(await snapshots(), 1, 'VACUUM expired the snapshots older than the table allows');
    assert.deepEqual(body((await run(client, 'SELECT count(*), sum(amount) FROM orders', db)).rows), [
      ['34', '702.50'],
    ]);
  });

  test('a write opening more than 100 partitions fails with the limit error; 100 succeed', async () => {
    const ctas = (n: number, name: string) =>
      `CREATE TABLE ${name} WITH (table_type = 'ICEBERG', location = '${dataDir()}${db}/${name}/', is_external = false,
         partitioning = ARRAY['k']) AS SELECT x AS k FROM UNNEST(sequence(1, ${n})) AS t(x)`;
    const over = await waitFor(client, await start(client, ctas(101, 'p101'), db));
    assert.equal(over.Status?.State, 'FAILED');
    assert.match(over.Status?.StateChangeReason ?? '', /^ICEBERG_TOO_MANY_OPEN_PARTITIONS: /);
    await run(client, ctas(100, 'p100'), db);
    const insert = await waitFor(
      client,
      await start(client, 'INSERT INTO p100 SELECT x FROM UNNEST(sequence(101, 201)) AS t(x)', db),
    );
    assert.match(insert.Status?.StateChangeReason ?? '', /^ICEBERG_TOO_MANY_OPEN_PARTITIONS: /);
    const hive = await waitFor(
      client,
      await start(
        client,
        `CREATE TABLE h101 WITH (partitioned_by = ARRAY['k']) AS SELECT 'a' AS v, x AS k FROM UNNEST(sequence(1, 101)) AS t(x)`,
        db,
      ),
    );
    assert.match(hive.Status?.StateChangeReason ?? '', /^HIVE_TOO_MANY_OPEN_PARTITIONS: /);
  });

  test('throttling injected at run time is retried by the SDK', async () => {
    const endpoint = process.env.AWS_ENDPOINT_URL_ATHENA!;
    const throttle = (spec: string) => fetch(`${endpoint}/_mdw/throttle`, { method: 'POST', body: spec });
    const id = (await run(client, 'SELECT 1', db)).execution.QueryExecutionId!;
    await throttle('GetQueryExecution:2');
    await assert.rejects(
      client.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
      (error: Error) => error.name === 'ThrottlingException',
    );
    const retrying = new AthenaClient({ region: process.env.MDW_ATHENA_REGION, maxAttempts: 3 });
    const out = await retrying.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    assert.equal(out.QueryExecution?.Status?.State, 'SUCCEEDED');
    assert.equal(out.$metadata.attempts, 2, 'one throttled attempt left, then success');
    await throttle('');
  });
});
