/**
 * A Trino client over the v1 HTTP statement protocol, with plain fetch: POST the SQL to
 * /v1/statement, then GET each `nextUri` until there is none, collecting `columns` and `data`
 * pages on the way. Trino long-polls each GET, so no client-side sleeping is needed between
 * pages; waits happen only before retries (see retry.ts for which requests may be repeated).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  sentence,
  TrinoCancelledError,
  TrinoConnectionError,
  type TrinoErrorInfo,
  TrinoQueryError,
} from './errors.js';
import { applyResponseHeaders, requestHeaders, type TrinoSession } from './headers.js';
import { parseJsonExact } from './json.js';
import {
  classifyNetworkError,
  DEFAULT_RETRY,
  mayRetry,
  type Outcome,
  type RetryPolicy,
  retryDelayMs,
} from './retry.js';
import { type Column, type Decoder, decoderFor, type TrinoValue } from './values.js';

export type TrinoAuth = { kind: 'basic'; user: string; password: string } | { kind: 'jwt'; token: string };

export interface TrinoClientOptions {
  /** `http://host:port` or `https://host:port` */
  server: string;
  user: string;
  catalog?: string;
  schema?: string;
  auth?: TrinoAuth;
  sessionProperties?: Record<string, string>;
  clientTags?: string[];
  /** X-Trino-Source; default `mdw` */
  source?: string;
  timeZone?: string;
  retry?: Partial<RetryPolicy>;
  /** per HTTP request (a single long-poll is about 1 s); default 120 s */
  requestTimeoutMs?: number;
}

export interface QueryOptions {
  /** aborting cancels the query on the server (DELETE on its nextUri) */
  signal?: AbortSignal;
}

export interface QueryResult {
  queryId: string;
  columns: Column[];
  rows: TrinoValue[][];
  /** e.g. `CREATE TABLE`, `INSERT`, `SET SESSION` */
  updateType?: string;
  /** rows written by INSERT/UPDATE/DELETE/MERGE/CTAS */
  updateCount?: number;
}

/** One response of the protocol (only the fields the client reads). */
interface QueryResults {
  id: string;
  nextUri?: string;
  columns?: Column[];
  data?: unknown[][];
  error?: TrinoErrorInfo;
  updateType?: string;
  updateCount?: number | bigint;
  stats?: { state?: string };
}

export class TrinoClient {
  readonly server: string;
  readonly session: TrinoSession;
  private readonly authorization: string | undefined;
  private readonly retry: RetryPolicy;
  private readonly requestTimeoutMs: number;

  constructor(options: TrinoClientOptions) {
    this.server = options.server.replace(/\/+$/, '');
    this.session = {
      user: options.user,
      catalog: options.catalog,
      schema: options.schema,
      properties: { ...(options.sessionProperties ?? {}) },
      clientTags: [...(options.clientTags ?? [])],
      source: options.source ?? 'mdw',
      timeZone: options.timeZone,
      preparedStatements: {},
    };
    this.authorization = authorizationHeader(options.auth);
    this.retry = { ...DEFAULT_RETRY, ...(options.retry ?? {}) };
    this.requestTimeoutMs = options.requestTimeoutMs ?? 120_000;
  }

  /** Runs one statement and returns all its rows. */
  async execute(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    const rows: TrinoValue[][] = [];
    const query = this.query(sql, options);
    for await (const page of query.pages()) rows.push(...page);
    return { ...query.summary(), rows };
  }

  /** Starts one statement; its rows are read page by page with `pages()`. */
  query(sql: string, options: QueryOptions = {}): TrinoQuery {
    return new TrinoQuery(this, sql, options.signal);
  }

  /** @internal one HTTP exchange with retries; returns the parsed response */
  async request(
    method: 'POST' | 'GET',
    url: string,
    sql: string,
    signal: AbortSignal | undefined,
  ): Promise<QueryResults> {
    for (let attempt = 0; ; attempt++) {
      let outcome: Outcome;
      let response: Response | undefined;
      let text: string | undefined;
      try {
        response = await fetch(url, {
          method,
          headers: { ...requestHeaders(this.session, this.authorization), 'Content-Type': 'text/plain' },
          body: method === 'POST' ? sql : undefined,
          signal: withTimeout(signal, this.requestTimeoutMs),
        });
        outcome = { kind: 'status', status: response.status };
        // a body cut off mid-way is a lost exchange too: the statement may be running
        if (response.ok) text = await response.text();
      } catch (error) {
        if (signal?.aborted) throw error;
        outcome = classifyNetworkError(networkErrorCode(error));
        response = undefined;
      }
      if (response?.ok && text !== undefined) {
        applyResponseHeaders(this.session, response.headers);
        return parseResults(text, this.server);
      }
      const retryable = mayRetry(outcome, method === 'POST' ? { method, sql } : { method });
      if (retryable && attempt < this.retry.retries) {
        await response?.body?.cancel();
        await sleep(retryDelayMs(attempt, this.retry), undefined, { signal });
        continue;
      }
      throw await this.failure(method, outcome, response, retryable);
    }
  }

  private async failure(
    method: 'POST' | 'GET',
    outcome: Outcome,
    response: Response | undefined,
    retried: boolean,
  ): Promise<TrinoConnectionError> {
    const where = `Trino at ${this.server}`;
    if (outcome.kind === 'not-sent') {
      const reason = outcome.code === 'ECONNREFUSED' ? 'connection refused' : outcome.code;
      return new TrinoConnectionError(`Cannot reach ${where} (${reason}); is the server running?`);
    }
    if (outcome.kind === 'lost') {
      return new TrinoConnectionError(
        retried
          ? `The connection to ${where} kept breaking (${outcome.code}).`
          : `The connection to ${where} broke (${outcome.code}) after the statement was sent; it was not re-run because it may change data, so check the target before running it again.`,
      );
    }
    const status = outcome.status;
    const body = response ? (await response.text()).trim().slice(0, 300) : '';
    if (status === 401) {
      return new TrinoConnectionError(
        `${where} rejected the credentials of user '${this.session.user}' (HTTP 401)${body ? `: ${sentence(body)}` : '.'}`,
        status,
      );
    }
    if (status === 403) {
      return new TrinoConnectionError(
        `${where} refused user '${this.session.user}' (HTTP 403)${body ? `: ${sentence(body)}` : '.'}`,
        status,
      );
    }
    return new TrinoConnectionError(
      `${where} answered HTTP ${status} to ${method === 'POST' ? 'the statement' : 'a result request'}${body ? `: ${sentence(body)}` : '.'}`,
      status,
    );
  }

  /** @internal best-effort DELETE of a query's nextUri, which cancels it */
  async cancel(nextUri: string): Promise<void> {
    try {
      const response = await fetch(nextUri, {
        method: 'DELETE',
        headers: requestHeaders(this.session, this.authorization),
        signal: AbortSignal.timeout(10_000),
      });
      await response.body?.cancel();
    } catch {
      // the server is gone or the query already ended: nothing left to cancel
    }
  }
}

/** A running statement. */
export class TrinoQuery {
  private id: string | undefined;
  private columnList: Column[] | undefined;
  private decoders: Decoder[] | undefined;
  private nextUri: string | undefined;
  private updateType: string | undefined;
  private updateCount: number | undefined;

  constructor(
    private readonly client: TrinoClient,
    private readonly sql: string,
    private readonly signal: AbortSignal | undefined,
  ) {}

  get queryId(): string | undefined {
    return this.id;
  }

  /**
   * Decoded rows as they arrive; ends when the query finishes, throws when it fails. A
   * caller that stops reading early cancels the query rather than leave it running.
   */
  async *pages(): AsyncGenerator<TrinoValue[][]> {
    let results = await this.step(() =>
      this.client.request('POST', `${this.client.server}/v1/statement`, this.sql, this.signal),
    );
    try {
      for (;;) {
        this.absorb(results);
        if (results.data && results.data.length > 0) yield this.decode(results.data);
        if (!results.nextUri) break;
        const uri = results.nextUri;
        results = await this.step(() => this.client.request('GET', uri, this.sql, this.signal));
      }
    } finally {
      if (this.nextUri) await this.client.cancel(this.nextUri);
    }
  }

  summary(): Omit<QueryResult, 'rows'> {
    return {
      queryId: this.id ?? '',
      columns: this.columnList ?? [],
      updateType: this.updateType,
      updateCount: this.updateCount,
    };
  }

  /** Aborting the signal mid-request: ask the server to stop the query, then report it. */
  private async step(request: () => Promise<QueryResults>): Promise<QueryResults> {
    if (this.signal?.aborted) await this.cancelled();
    try {
      return await request();
    } catch (error) {
      if (this.signal?.aborted) await this.cancelled();
      // the server went away while the query ran: say which query, so it can be looked up
      if (this.id && error instanceof TrinoConnectionError)
        throw new TrinoConnectionError(
          `Trino query ${this.id} did not finish: ${error.message.replace(/^(Cannot|The) /, (word) => word.toLowerCase())}`,
          error.status,
        );
      throw error;
    }
  }

  private async cancelled(): Promise<never> {
    if (this.nextUri) await this.client.cancel(this.nextUri);
    this.nextUri = undefined;
    throw new TrinoCancelledError(this.id);
  }

  private absorb(results: QueryResults): void {
    this.id = results.id;
    this.nextUri = results.nextUri;
    if (results.error) throw new TrinoQueryError(results.id, results.error);
    if (results.columns && !this.columnList) {
      this.columnList = results.columns;
      this.decoders = results.columns.map((c) => decoderFor(c.typeSignature));
    }
    if (results.updateType) this.updateType = results.updateType;
    if (results.updateCount !== undefined) this.updateCount = Number(results.updateCount);
  }

  private decode(data: unknown[][]): TrinoValue[][] {
    const decoders = this.decoders ?? [];
    return data.map((row) =>
      row.map((value, i) => (decoders[i] ?? decoderFor({ rawType: 'unknown', arguments: [] }))(value)),
    );
  }
}

function parseResults(text: string, server: string): QueryResults {
  try {
    return parseJsonExact(text) as QueryResults;
  } catch {
    throw new TrinoConnectionError(
      `Trino at ${server} sent a response that is not the statement protocol's JSON (is it a Trino server?).`,
    );
  }
}

function authorizationHeader(auth: TrinoAuth | undefined): string | undefined {
  if (!auth) return undefined;
  if (auth.kind === 'jwt') return `Bearer ${auth.token}`;
  return `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString('base64')}`;
}

function withTimeout(signal: AbortSignal | undefined, ms: number): AbortSignal {
  const timeout = AbortSignal.timeout(ms);
  return signal ? AbortSignal.any([signal, timeout]) : timeout;
}

/** undici reports the socket-level cause under `cause` (sometimes an AggregateError of several). */
function networkErrorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string; name?: string; errors?: { code?: string }[] } }).cause;
  const code = cause?.code ?? cause?.errors?.[0]?.code;
  if (code) return code;
  if ((error as { name?: string }).name === 'TimeoutError' || cause?.name === 'TimeoutError')
    return 'ETIMEDOUT';
  return 'ECONNRESET';
}
