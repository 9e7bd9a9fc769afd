/**
 * The Athena query protocol against a mocked SDK client (aws-sdk-client-mock): start, poll,
 * page through results; failure, cancel, throttling retry and the query timeout.
 */
import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandOutput,
  GetQueryResultsCommand,
  InvalidRequestException,
  type QueryExecutionState,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
  TooManyRequestsException,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { type AthenaClientOptions, AthenaQueryRunner } from '../../src/adapters/athena/client.js';
import { AthenaQueryError, QueryInterruptedError } from '../../src/adapters/athena/errors.js';

const athena = mockClient(AthenaClient);

const sleeps: number[] = [];
function runner(overrides: Partial<AthenaClientOptions> = {}): AthenaQueryRunner {
  return new AthenaQueryRunner(new AthenaClient({ region: 'eu-west-1' }), {
    catalog: 'awsdatacatalog',
    schema: 'mdw',
    workGroup: 'mdw-dev',
    outputLocation: 's3://results/',
    numRetries: 3,
    pollIntervalMs: 1000,
    queryTimeoutMs: 0,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    random: () => 0.5,
    ...overrides,
  });
}

function state(
  State: QueryExecutionState,
  extra: { StateChangeReason?: string } = {},
): GetQueryExecutionCommandOutput {
  return {
    QueryExecution: {
      QueryExecutionId: 'q-1',
      Status: { State, ...extra },
      Statistics: { DataScannedInBytes: 1234 },
    },
    $metadata: {},
  };
}

const metadata = {
  ColumnInfo: [
    { Name: 'id', Label: 'id', Type: 'bigint' },
    { Name: 'name', Label: 'name', Type: 'varchar' },
    { Name: 'price', Label: 'price', Type: 'decimal', Precision: 12, Scale: 2 },
  ],
};

describe('athena query runner', () => {
  beforeEach(() => {
    athena.reset();
    sleeps.length = 0;
  });

  it('starts, polls until SUCCEEDED, pages through the results and types the values', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(state('QUEUED'))
      .resolvesOnce(state('RUNNING'))
      .resolves(state('SUCCEEDED'));
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: undefined })
      .resolves({
        ResultSet: {
          ResultSetMetadata: metadata,
          Rows: [
            { Data: [{ VarCharValue: 'id' }, { VarCharValue: 'name' }, { VarCharValue: 'price' }] },
            {
              Data: [
                { VarCharValue: '9007199254740993' },
                { VarCharValue: 'apple' },
                { VarCharValue: '1.50' },
              ],
            },
          ],
        },
        NextToken: 'page-2',
      })
      .on(GetQueryResultsCommand, { QueryExecutionId: 'q-1', NextToken: 'page-2' })
      .resolves({
        ResultSet: {
          ResultSetMetadata: metadata,
          Rows: [{ Data: [{ VarCharValue: '2' }, {}, { VarCharValue: '0.10' }] }],
        },
      });

    const result = await runner().execute('select id, name, price from t');
    assert.deepEqual(result.rows, [
      [9007199254740993n, 'apple', '1.50'],
      [2n, null, '0.10'],
    ]);
    assert.deepEqual(
      result.columns.map((c) => c.name),
      ['id', 'name', 'price'],
    );
    assert.equal(result.queryExecutionId, 'q-1');
    assert.equal(result.dataScannedBytes, 1234);
    assert.equal(athena.commandCalls(GetQueryExecutionCommand).length, 3);
    // the poll interval grows
    assert.ok(sleeps[1]! > sleeps[0]!, `polls wait longer each time: ${sleeps}`);
    const start = athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input;
    assert.equal(start.WorkGroup, 'mdw-dev');
    assert.equal(start.QueryExecutionContext?.Catalog, 'awsdatacatalog');
    assert.equal(start.ResultConfiguration?.OutputLocation, 's3://results/');
    assert.ok(start.ClientRequestToken, 'a request token makes a repeated start name the same query');
  });

  it('names the execution and Athena’s reason when a query fails', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolves(
        state('FAILED', { StateChangeReason: "COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved" }),
      );
    await assert.rejects(runner().execute('create table t as select x'), (error: unknown) => {
      assert.ok(error instanceof AthenaQueryError);
      assert.match(error.message, /q-1/);
      assert.match(error.message, /COLUMN_NOT_FOUND/);
      return true;
    });
    assert.equal(athena.commandCalls(StartQueryExecutionCommand).length, 1, 'a failed write is not re-run');
  });

  it('stops the query (StopQueryExecution) when aborted', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(state('RUNNING'));
    athena.on(StopQueryExecutionCommand).resolves({});
    const abort = new AbortController();
    const run = runner({
      sleep: async () => {
        abort.abort();
      },
    });
    await assert.rejects(run.execute('select 1', abort.signal), QueryInterruptedError);
    const stops = athena.commandCalls(StopQueryExecutionCommand);
    assert.equal(stops.length, 1);
    assert.equal(stops[0]!.args[0].input.QueryExecutionId, 'q-1');
  });

  it('retries a throttled call with jittered backoff, reusing the request token', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejectsOnce(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }))
      .rejectsOnce(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }))
      .resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(state('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [] }, UpdateCount: 7 });
    const result = await runner().execute('insert into t select * from s');
    assert.equal(result.updateCount, 7);
    const starts = athena.commandCalls(StartQueryExecutionCommand);
    assert.equal(starts.length, 3);
    assert.equal(starts[0]!.args[0].input.ClientRequestToken, starts[2]!.args[0].input.ClientRequestToken);
    assert.deepEqual(sleeps.slice(0, 2), [150, 300], 'backoff doubles, half of it random');
  });

  it('sends a poll lost on the way (connection reset) again', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .rejectsOnce(Object.assign(new Error('socket hang up'), { name: 'TimeoutError', code: 'ECONNRESET' }))
      .resolves(state('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [] } });
    await runner().execute('create table t as select 1 as x');
    assert.equal(athena.commandCalls(GetQueryExecutionCommand).length, 2);
    assert.equal(athena.commandCalls(StartQueryExecutionCommand).length, 1);
  });

  it('gives up after num_retries throttled calls', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(new TooManyRequestsException({ message: 'Rate exceeded', $metadata: {} }));
    await assert.rejects(runner({ numRetries: 2 }).execute('select 1'), /Rate exceeded/);
    assert.equal(athena.commandCalls(StartQueryExecutionCommand).length, 3);
  });

  it('re-runs a read that Athena failed for throttling, never a write', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce(state('FAILED', { StateChangeReason: 'ThrottlingException: Rate exceeded' }))
      .resolves(state('SUCCEEDED'));
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: { Rows: [] } });
    await runner().execute('select 1');
    assert.equal(athena.commandCalls(StartQueryExecutionCommand).length, 2);

    athena.reset();
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-2' });
    athena
      .on(GetQueryExecutionCommand)
      .resolves(state('FAILED', { StateChangeReason: 'ThrottlingException: Rate exceeded' }));
    await assert.rejects(runner().execute('insert into t values (1)'), /Rate exceeded/);
    assert.equal(athena.commandCalls(StartQueryExecutionCommand).length, 1);
  });

  it('stops a query that outlives query_timeout', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena.on(GetQueryExecutionCommand).resolves(state('RUNNING'));
    athena.on(StopQueryExecutionCommand).resolves({});
    const run = runner({ queryTimeoutMs: 30, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) });
    await assert.rejects(run.execute('select 1'), (error: unknown) => {
      assert.ok(error instanceof AthenaQueryError);
      assert.match(error.message, /q-1 was still running after 0.03 s \(query_timeout\); it was stopped/);
      return true;
    });
    assert.equal(athena.commandCalls(StopQueryExecutionCommand).length, 1);
  });

  it('explains a region with no Athena endpoint (a typo) in one sentence', async () => {
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND athena.us-east1.amazonaws.com'), {
      code: 'ENOTFOUND',
    });
    athena.on(StartQueryExecutionCommand).rejects(dns);
    const run = runner({ context: { region: 'us-east1', workGroup: 'mdw-dev' } });
    await assert.rejects(
      run.execute('select 1'),
      /^ExecutionError: Cannot reach Athena in region 'us-east1' \(no such endpoint\): check region_name\.$/,
    );
  });

  it('explains a missing workgroup in one sentence', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(new InvalidRequestException({ message: 'WorkGroup mdw-dev is not found.', $metadata: {} }));
    const run = runner({ context: { region: 'eu-west-1', workGroup: 'mdw-dev' } });
    await assert.rejects(
      run.execute('select 1'),
      /Athena workgroup 'mdw-dev' does not exist in region 'eu-west-1': check work_group and region_name\./,
    );
  });
});
