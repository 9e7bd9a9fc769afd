/**
 * The Athena API over HTTP (AWS JSON 1.1): dispatches `X-Amz-Target: AmazonAthena.<Op>` to the
 * operations below. POST /_mdw/throttle (body `Op:count,…`) injects throttling at run time.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AwsBackends } from './aws.js';
import type { Execution, Executions } from './executions.js';
import {
  AthenaApiError,
  epochSeconds,
  invalidRequest,
  readJsonBody,
  sendError,
  sendJson,
  stringField,
  TARGET_PREFIX,
} from './protocol.js';
import { athenaRow, decodeToken, encodeToken } from './results.js';
import { getTableMetadata, listTableMetadata } from './table-metadata.js';
import type { Throttle } from './throttle.js';
import { ENGINE_VERSION, type WorkGroups } from './workgroups.js';

type Body = Record<string, unknown>;
type Operation = (body: Body) => unknown | Promise<unknown>;

export interface AthenaServerDeps {
  aws: AwsBackends;
  executions: Executions;
  workGroups: WorkGroups;
  throttle: Throttle;
}

const MAX_RESULTS = 1000;

export function createAthenaServer(deps: AthenaServerDeps): Server {
  const operations = athenaOperations(deps);
  return createServer((req, res) => void handle(req, res, operations, deps.throttle));
}

async function handle(
  req: IncomingMessage,
  res: ServerResponse,
  operations: Record<string, Operation>,
  throttle: Throttle,
) {
  try {
    if (req.method === 'POST' && req.url === '/_mdw/throttle') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      throttle.configure(Buffer.concat(chunks).toString('utf8'));
      sendJson(res, 200, {});
      return;
    }
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(TARGET_PREFIX)
      ? operations[target.slice(TARGET_PREFIX.length)]
      : undefined;
    if (req.method !== 'POST' || !operation) {
      req.resume();
      throw new AthenaApiError(
        'UnknownOperationException',
        `Operation ${target || '(none)'} is not supported here.`,
      );
    }
    const body = await readJsonBody(req);
    throttle.check(target.slice(TARGET_PREFIX.length));
    sendJson(res, 200, await operation(body));
  } catch (error) {
    if (error instanceof AthenaApiError) sendError(res, error);
    else
      sendError(
        res,
        new AthenaApiError(
          'InternalServerException',
          error instanceof Error ? error.message : String(error),
          500,
        ),
      );
  }
}

function athenaOperations({ aws, executions, workGroups }: AthenaServerDeps): Record<string, Operation> {
  const byToken = new Map<string, string>();
  const find = (body: Body): Execution => {
    const id = stringField(body, 'QueryExecutionId', true);
    const execution = executions.get(id);
    if (!execution) throw invalidRequest(`QueryExecution ${id} was not found`, 'INVALID_INPUT');
    return execution;
  };

  return {
    StartQueryExecution(body) {
      const query = stringField(body, 'QueryString', true);
      if (query.trim() === '')
        throw invalidRequest(
          "1 validation error detected: Value '' at 'queryString' failed to satisfy constraint: Member must have length greater than or equal to 1",
        );
      const group = workGroups.get(stringField(body, 'WorkGroup'));
      const token = stringField(body, 'ClientRequestToken');
      if (token && byToken.has(token)) return { QueryExecutionId: byToken.get(token) };
      const context = (body.QueryExecutionContext ?? {}) as Body;
      const resultConfig = (body.ResultConfiguration ?? {}) as Body;
      const outputLocation = stringField(resultConfig, 'OutputLocation') ?? group.outputLocation;
      if (!outputLocation)
        throw invalidRequest(
          'No output location provided. An output location is required either through the Workgroup result configuration setting or as an API input.',
        );
      if (body.ExecutionParameters !== undefined)
        throw invalidRequest('ExecutionParameters are not supported by the local Athena stack.');
      const execution = executions.start({
        query,
        workGroup: group.name,
        database: stringField(context, 'Database'),
        catalog: stringField(context, 'Catalog'),
        outputLocation,
      });
      if (token) byToken.set(token, execution.id);
      return { QueryExecutionId: execution.id };
    },

    GetQueryExecution(body) {
      return { QueryExecution: describe(find(body)) };
    },

    BatchGetQueryExecution(body) {
      const ids = Array.isArray(body.QueryExecutionIds) ? (body.QueryExecutionIds as string[]) : [];
      const found = ids.map((id) => executions.get(id));
      return {
        QueryExecutions: found.filter((e): e is Execution => e !== undefined).map(describe),
        UnprocessedQueryExecutionIds: ids
          .filter((_, i) => !found[i])
          .map((id) => ({
            QueryExecutionId: id,
            ErrorCode: 'INVALID_INPUT',
            ErrorMessage: `QueryExecution ${id} was not found`,
          })),
      };
    },

    StopQueryExecution(body) {
      executions.stop(find(body));
      return {};
    },

    GetQueryResults(body) {
      const execution = find(body);
      if (execution.state === 'QUEUED' || execution.state === 'RUNNING')
        throw invalidRequest(`Query has not yet finished. Current state: ${execution.state}`);
      if (execution.state !== 'SUCCEEDED')
        throw invalidRequest(
          `Query did not finish successfully. Final query state: ${execution.state}\n${execution.reason ?? ''}`.trim(),
        );
      const max = body.MaxResults === undefined ? MAX_RESULTS : Number(body.MaxResults);
      if (!Number.isInteger(max) || max < 1 || max > MAX_RESULTS)
        throw invalidRequest(
          `1 validation error detected: Value '${String(body.MaxResults)}' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to ${MAX_RESULTS}`,
        );
      const token = stringField(body, 'NextToken');
      const offset = token === undefined ? 0 : decodeToken(token, execution.id);
      if (offset === undefined) throw invalidRequest('The NextToken is not valid for this query.');
      const columns = execution.columns ?? [];
      const all = [
        ...(execution.plan?.header ? [columns.map((c) => c.Name)] : []),
        ...(execution.rows ?? []),
      ];
      const page = all.slice(offset, offset + max);
      return {
        ...(execution.updateCount !== undefined ? { UpdateCount: execution.updateCount } : {}),
        ResultSet: { Rows: page.map(athenaRow), ResultSetMetadata: { ColumnInfo: columns } },
        ...(offset + max < all.length ? { NextToken: encodeToken(execution.id, offset + max) } : {}),
      };
    },

    GetWorkGroup(body) {
      return { WorkGroup: workGroups.describe(workGroups.get(stringField(body, 'WorkGroup', true))) };
    },

    ListWorkGroups() {
      return { WorkGroups: workGroups.summaries() };
    },

    ListTableMetadata: (body) => listTableMetadata(aws, body),
    GetTableMetadata: (body) => getTableMetadata(aws, body),
  };
}

/** GetQueryExecution's `QueryExecution` structure. */
function describe(e: Execution): Record<string, unknown> {
  const done = e.completedMs !== undefined;
  const extension = e.plan?.statementType === 'DDL' ? 'txt' : 'csv';
  return {
    QueryExecutionId: e.id,
    Query: e.query,
    StatementType: e.plan?.statementType ?? 'DML',
    ...(e.plan ? { SubstatementType: e.plan.substatementType } : {}),
    ResultConfiguration: { OutputLocation: `${e.outputLocation}${e.id}.${extension}` },
    ResultReuseConfiguration: { ResultReuseByAgeConfiguration: { Enabled: false } },
    QueryExecutionContext: { Database: e.database, Catalog: e.catalog },
    Status: {
      State: e.state,
      ...(e.reason ? { StateChangeReason: e.reason } : {}),
      SubmissionDateTime: epochSeconds(e.submittedMs),
      ...(done ? { CompletionDateTime: epochSeconds(e.completedMs!) } : {}),
      ...(e.state === 'FAILED'
        ? { AthenaError: { ErrorCategory: e.errorCategory ?? 1, Retryable: false, ErrorMessage: e.reason } }
        : {}),
    },
    Statistics: {
      EngineExecutionTimeInMillis: e.engineMs,
      DataScannedInBytes: e.scannedBytes,
      TotalExecutionTimeInMillis: (e.completedMs ?? Date.now()) - e.submittedMs,
      QueryQueueTimeInMillis: e.queuedMs,
      ServicePreProcessingTimeInMillis: 0,
      QueryPlanningTimeInMillis: 0,
      ServiceProcessingTimeInMillis: 0,
      ResultReuseInformation: { ReusedPreviousResult: false },
    },
    WorkGroup: e.workGroup,
    EngineVersion: ENGINE_VERSION,
  };
}
