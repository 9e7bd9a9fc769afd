/**
 * A reverse proxy in front of moto's Glue API. Trino's Hive and Iceberg connectors call Glue's
 * column-statistics operations on every CREATE TABLE and INSERT; moto does not implement them
 * and fails the statement ("Failed updating column statistics"). They are answered here as
 * no-ops (no statistics stored, none returned); every other request goes to moto unchanged.
 */
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';

/** Glue operations (X-Amz-Target `AWSGlue.<name>`) answered locally, with the empty answer each returns. */
const COLUMN_STATISTICS_NO_OPS: Record<string, object> = {
  GetColumnStatisticsForTable: { ColumnStatisticsList: [], Errors: [] },
  UpdateColumnStatisticsForTable: { Errors: [] },
  DeleteColumnStatisticsForTable: {},
  GetColumnStatisticsForPartition: { ColumnStatisticsList: [], Errors: [] },
  UpdateColumnStatisticsForPartition: { Errors: [] },
  DeleteColumnStatisticsForPartition: {},
};

/** The local answer for a request, or undefined when it goes to moto. */
export function noOpAnswer(target: string | undefined): object | undefined {
  if (!target?.startsWith('AWSGlue.')) return undefined;
  return COLUMN_STATISTICS_NO_OPS[target.slice('AWSGlue.'.length)];
}

export function createGlueProxy(upstream: URL): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const answer = noOpAnswer(req.headers['x-amz-target'] as string | undefined);
    if (answer) {
      req.resume();
      res.writeHead(200, { 'Content-Type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(answer));
      return;
    }
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    forward.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/plain' });
      res.end(`moto at ${upstream.origin} is unreachable: ${error.message}`);
    });
    req.pipe(forward);
  });
}
