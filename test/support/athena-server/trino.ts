/**
 * Runs one statement on the stack's Trino over its v1 HTTP protocol (POST /v1/statement, then
 * GET each nextUri), keeping what Athena reports: the columns, the rows as Trino's raw JSON
 * values, the update count, Trino's error (name + message) and the final query statistics
 * (physicalInputBytes becomes Athena's DataScannedInBytes). Aborting the signal cancels the
 * query on Trino (DELETE on its nextUri).
 */
import { parseJsonExact } from '../../../src/adapters/trino/json.js';

export interface TrinoColumn {
  name: string;
  type: string;
  typeSignature?: { rawType: string; arguments?: { kind: string; value: unknown }[] };
}

export interface TrinoOutcome {
  queryId: string;
  columns: TrinoColumn[];
  rows: unknown[][];
  updateType?: string;
  updateCount?: number;
  physicalInputBytes: number;
  elapsedMs: number;
  queuedMs: number;
}

export class TrinoStatementError extends Error {
  constructor(
    readonly errorName: string,
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

export class TrinoCancelled extends Error {}

export interface TrinoSessionSettings {
  catalog: string;
  schema: string;
  /** Trino session properties (X-Trino-Session) */
  properties: Record<string, string>;
}

interface Response {
  id: string;
  nextUri?: string;
  columns?: TrinoColumn[];
  data?: unknown[][];
  updateType?: string;
  updateCount?: number | bigint;
  error?: { errorName?: string; errorType?: string; message?: string };
  stats?: {
    state?: string;
    physicalInputBytes?: number;
    elapsedTimeMillis?: number;
    queuedTimeMillis?: number;
  };
}

export async function runOnTrino(
  server: string,
  sql: string,
  session: TrinoSessionSettings,
  signal: AbortSignal,
): Promise<TrinoOutcome> {
  const headers: Record<string, string> = {
    'X-Trino-User': 'athena',
    'X-Trino-Source': 'mdw-athena-local',
    'X-Trino-Catalog': session.catalog,
    'X-Trino-Schema': session.schema,
    'X-Trino-Client-Capabilities': 'PARAMETRIC_DATETIME',
  };
  const properties = Object.entries(session.properties);
  if (properties.length > 0)
    headers['X-Trino-Session'] = properties.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join(',');

  let response = await exchange(`${server}/v1/statement`, 'POST', headers, sql);
  const rows: unknown[][] = [];
  let columns: TrinoColumn[] = [];
  for (;;) {
    if (response.columns) columns = response.columns;
    if (response.data) rows.push(...response.data);
    if (response.error) {
      const {
        errorName = 'GENERIC_INTERNAL_ERROR',
        errorType = 'INTERNAL_ERROR',
        message = '',
      } = response.error;
      if (errorName === 'USER_CANCELED' && signal.aborted) throw new TrinoCancelled(message);
      throw new TrinoStatementError(errorName, errorType, message);
    }
    if (!response.nextUri) break;
    if (signal.aborted) {
      await fetch(response.nextUri, { method: 'DELETE', headers }).catch(() => undefined);
      throw new TrinoCancelled('Query was cancelled by the user');
    }
    const next = response.nextUri;
    const onAbort = () => void fetch(next, { method: 'DELETE', headers }).catch(() => undefined);
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      response = await exchange(next, 'GET', headers);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }
  if (signal.aborted) throw new TrinoCancelled('Query was cancelled by the user');
  const stats = response.stats ?? {};
  return {
    queryId: response.id,
    columns,
    rows,
    updateType: response.updateType,
    updateCount: response.updateCount === undefined ? undefined : Number(response.updateCount),
    physicalInputBytes: stats.physicalInputBytes ?? 0,
    elapsedMs: stats.elapsedTimeMillis ?? 0,
    queuedMs: stats.queuedTimeMillis ?? 0,
  };
}

async function exchange(
  url: string,
  method: 'GET' | 'POST',
  headers: Record<string, string>,
  body?: string,
): Promise<Response> {
  for (let attempt = 0; ; attempt++) {
    let res: globalThis.Response;
    let text: string;
    try {
      res = await fetch(url, { method, headers: { ...headers, 'Content-Type': 'text/plain' }, body });
      text = await res.text();
    } catch (error) {
      // A loaded machine drops connections (reset, refused). Athena's service does not fail a
      // query for that: a GET of the next page is idempotent in Trino's protocol and is sent
      // again; a POST only when the connection was refused (the statement never arrived).
      if (attempt < 20 && (method === 'GET' || refused(error))) {
        await new Promise((resolve) => setTimeout(resolve, 250 * (attempt + 1)));
        continue;
      }
      throw error;
    }
    if (res.ok) return parseJsonExact(text) as Response;
    // 503 while Trino is busy: its protocol says to retry the same URI
    if ((res.status === 502 || res.status === 503 || res.status === 504) && attempt < 20) {
      await new Promise((resolve) => setTimeout(resolve, 100 * (attempt + 1)));
      continue;
    }
    throw new TrinoStatementError(
      'GENERIC_INTERNAL_ERROR',
      'INTERNAL_ERROR',
      `Trino answered HTTP ${res.status}: ${text.slice(0, 300)}`,
    );
  }
}

function refused(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code === 'ECONNREFUSED';
}
