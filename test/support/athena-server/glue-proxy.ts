/**
 * A reverse proxy in front of moto's Glue API. Trino's Hive and Iceberg connectors call Glue's
 * column-statistics operations on every CREATE TABLE and INSERT; moto does not implement them
 * and fails the statement ("Failed updating column statistics"). They are answered here as
 * no-ops (no statistics stored, none returned); every other request goes to moto unchanged,
 * except that the proxy Trino uses narrows date partition projections (projection.ts).
 */
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import { type GlueTableLike, narrowProjection, type PrefixLister } from './projection.js';

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

/** Glue answers that carry tables, and where: GetTable → Table, GetTables → TableList. */
const TABLE_ANSWERS = new Set(['AWSGlue.GetTable', 'AWSGlue.GetTables']);

/** A Glue answer with its projected tables narrowed (projection.ts); other text unchanged. */
async function narrowAnswer(body: string, list: PrefixLister): Promise<string> {
  const answer = JSON.parse(body) as { Table?: GlueTableLike; TableList?: GlueTableLike[] };
  if (answer.Table) answer.Table = await narrowProjection(answer.Table, list);
  if (answer.TableList)
    answer.TableList = await Promise.all(answer.TableList.map((t) => narrowProjection(t, list)));
  return JSON.stringify(answer);
}

function narrowing(upstreamRes: IncomingMessage, res: ServerResponse, list: PrefixLister): void {
  const chunks: Buffer[] = [];
  upstreamRes.on('data', (chunk: Buffer) => chunks.push(chunk));
  upstreamRes.on('end', () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const done = (text: string) => {
      const headers = { ...upstreamRes.headers, 'content-length': String(Buffer.byteLength(text)) };
      res.writeHead(upstreamRes.statusCode ?? 502, headers);
      res.end(text);
    };
    narrowAnswer(body, list).then(done, (error: Error) => {
      console.error(`glue proxy: projection not narrowed (${error.message})`);
      done(body);
    });
  });
}

/**
 * `narrowProjectionsWith`: given to the proxy Trino uses, never to the one clients use (they
 * must see the table as it was created).
 */
export function createGlueProxy(upstream: URL, narrowProjectionsWith?: PrefixLister): Server {
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const target = req.headers['x-amz-target'] as string | undefined;
    const answer = noOpAnswer(target);
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
        const ok = (upstreamRes.statusCode ?? 500) < 300;
        if (narrowProjectionsWith && ok && target && TABLE_ANSWERS.has(target))
          return narrowing(upstreamRes, res, narrowProjectionsWith);
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
