/**
 * The local Athena-compatible stack the suite runs against: `npm run test:athena` starts it with
 * scripts/athena-local.sh and passes its endpoints in AWS_ENDPOINT_URL_* / MDW_ATHENA_*. The
 * clients are the real AWS SDK v3 ones, over HTTP.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  type QueryExecution,
  type Row,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run this suite with \`npm run test:athena\`.`);
  return value;
}

export const workGroup = () => env('MDW_ATHENA_WORK_GROUP');
export const stagingDir = () => env('MDW_ATHENA_S3_STAGING_DIR');
export const dataDir = () => env('MDW_ATHENA_S3_DATA_DIR');

// endpoints and credentials come from the environment (AWS_ENDPOINT_URL_*, AWS_ACCESS_KEY_ID, …)
export const athena = () => new AthenaClient({ region: env('MDW_ATHENA_REGION'), maxAttempts: 1 });
export const glue = () => new GlueClient({ region: env('MDW_ATHENA_REGION') });
export const s3 = () => new S3Client({ region: env('MDW_ATHENA_REGION'), forcePathStyle: true });

/** A database name no other run uses (the stack may be shared). */
export function uniqueName(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
}

export async function start(client: AthenaClient, sql: string, database?: string): Promise<string> {
  const out = await client.send(
    new StartQueryExecutionCommand({
      QueryString: sql,
      WorkGroup: workGroup(),
      ...(database ? { QueryExecutionContext: { Database: database, Catalog: 'AwsDataCatalog' } } : {}),
    }),
  );
  return out.QueryExecutionId!;
}

/** Polls until the query leaves QUEUED/RUNNING; returns its final QueryExecution. */
export async function waitFor(
  client: AthenaClient,
  id: string,
  timeoutMs = 180_000,
): Promise<QueryExecution> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { QueryExecution: qe } = await client.send(new GetQueryExecutionCommand({ QueryExecutionId: id }));
    const state = qe?.Status?.State;
    if (state !== 'QUEUED' && state !== 'RUNNING') return qe!;
    if (Date.now() > deadline) throw new Error(`query ${id} still ${state} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

/** Every row of a finished query, all pages (the header row of a SELECT included). */
export async function allRows(
  client: AthenaClient,
  id: string,
  pageSize?: number,
): Promise<(string | undefined)[][]> {
  const rows: Row[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(
      new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: pageSize }),
    );
    rows.push(...(page.ResultSet?.Rows ?? []));
    token = page.NextToken;
  } while (token);
  return rows.map((r) => (r.Data ?? []).map((d) => d.VarCharValue));
}

/** Runs a statement to the end; fails the test with Athena's reason unless it succeeded. */
export async function run(
  client: AthenaClient,
  sql: string,
  database?: string,
): Promise<{ execution: QueryExecution; rows: (string | undefined)[][] }> {
  const execution = await waitFor(client, await start(client, sql, database));
  if (execution.Status?.State !== 'SUCCEEDED')
    throw new Error(`${execution.Status?.State}: ${execution.Status?.StateChangeReason}\n${sql}`);
  return { execution, rows: await allRows(client, execution.QueryExecutionId!) };
}
