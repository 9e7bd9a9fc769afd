/**
 * Running one statement on Athena: StartQueryExecution → GetQueryExecution polled with a
 * growing interval → GetQueryResults page by page. Athena runs statements asynchronously, so
 * stopping is explicit: an abort (Ctrl-C) or the query timeout sends StopQueryExecution.
 *
 * Retries: a throttled API call never reached Athena's queue, so it is sent again after a
 * jittered backoff. StartQueryExecution carries a ClientRequestToken, so even a repeated start
 * whose first answer was lost names the same execution instead of running the statement twice.
 * The same holds for a call lost on the way (reset, timeout, 5xx): every call the runner makes
 * is idempotent. A query that itself failed is re-run only when it is a read and Athena says it
 * was throttled.
 */
import { randomUUID } from 'node:crypto';
import {
  type AthenaClient,
  GetQueryExecutionCommand,
  type GetQueryExecutionCommandOutput,
  GetQueryResultsCommand,
  type ResultSet,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { isReadOnlyStatement } from '../trino/retry.js';
import {
  AthenaQueryError,
  type AwsContext,
  explainAwsError,
  isThrottling,
  isTransient,
  QueryInterruptedError,
} from './errors.js';
import { type AthenaValue, decodeValue } from './values.js';

export interface AthenaClientOptions {
  catalog: string;
  schema: string;
  workGroup: string | undefined;
  /** result location; omitted when the workgroup enforces its own */
  outputLocation: string | undefined;
  numRetries: number;
  /** longest wait between polls */
  pollIntervalMs: number;
  /** 0: none */
  queryTimeoutMs: number;
  /** first wait between polls (it grows ×1.5 up to pollIntervalMs) */
  firstPollMs?: number;
  /** base of the throttling backoff */
  retryBaseMs?: number;
  /** names the settings in error sentences */
  context?: AwsContext;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface AthenaColumn {
  name: string;
  type: string;
}

export interface AthenaQueryResult {
  queryExecutionId: string;
  columns: AthenaColumn[];
  rows: AthenaValue[][];
  /** rows written by CTAS / INSERT / MERGE / DELETE, when Athena reports it */
  updateCount: number | null;
  dataScannedBytes: number;
}

const THROTTLED_QUERY = /throttl|rate exceeded|slow ?down|too many (queued|concurrent|requests)/i;

export class AthenaQueryRunner {
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  private readonly random: () => number;

  constructor(
    private readonly athena: AthenaClient,
    private readonly options: AthenaClientOptions,
  ) {
    this.sleep = options.sleep ?? sleepFor;
    this.random = options.random ?? Math.random;
  }

  async execute(sql: string, signal?: AbortSignal): Promise<AthenaQueryResult> {
    const read = isReadOnlyStatement(sql);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.executeOnce(sql, signal);
      } catch (error) {
        const throttledRead = error instanceof AthenaQueryError && read && THROTTLED_QUERY.test(error.reason);
        if (!throttledRead || attempt >= this.options.numRetries) throw error;
        await this.sleep(this.backoff(attempt), signal);
      }
    }
  }

  private async executeOnce(sql: string, signal?: AbortSignal): Promise<AthenaQueryResult> {
    if (signal?.aborted) throw new QueryInterruptedError(null);
    const token = randomUUID();
    const started = await this.call(() =>
      this.athena.send(
        new StartQueryExecutionCommand({
          QueryString: sql,
          ClientRequestToken: token,
          QueryExecutionContext: { Catalog: this.options.catalog, Database: this.options.schema },
          WorkGroup: this.options.workGroup,
          ResultConfiguration: this.options.outputLocation
            ? { OutputLocation: this.options.outputLocation }
            : undefined,
        }),
      ),
    );
    const id = started.QueryExecutionId;
    if (!id) throw new AthenaQueryError('Athena started no query (no QueryExecutionId).', null, '');
    const execution = await this.waitFor(id, signal);
    const status = execution.QueryExecution?.Status;
    const state = status?.State;
    if (state !== 'SUCCEEDED') {
      const reason = status?.StateChangeReason ?? status?.AthenaError?.ErrorMessage ?? 'no reason given';
      throw new AthenaQueryError(
        `Athena query ${id} ${state?.toLowerCase() ?? 'ended'}: ${reason}`,
        id,
        reason,
      );
    }
    const scanned = execution.QueryExecution?.Statistics?.DataScannedInBytes ?? 0;
    const result = await this.results(id, signal);
    return { ...result, queryExecutionId: id, dataScannedBytes: scanned };
  }

  /** Polls until the query ends; stops it on abort or timeout. */
  private async waitFor(id: string, signal?: AbortSignal): Promise<GetQueryExecutionCommandOutput> {
    const started = Date.now();
    let wait = Math.min(this.options.firstPollMs ?? 100, this.options.pollIntervalMs);
    for (;;) {
      const execution = await this.call(() =>
        this.athena.send(new GetQueryExecutionCommand({ QueryExecutionId: id })),
      );
      const state = execution.QueryExecution?.Status?.State;
      if (state === 'SUCCEEDED' || state === 'FAILED' || state === 'CANCELLED') return execution;
      const timeout = this.options.queryTimeoutMs;
      if (timeout > 0 && Date.now() - started >= timeout) {
        await this.stop(id);
        throw new AthenaQueryError(
          `Athena query ${id} was still running after ${timeout / 1000} s (query_timeout); it was stopped.`,
          id,
          'query_timeout',
        );
      }
      try {
        await this.sleep(
          timeout > 0 ? Math.min(wait, Math.max(1, timeout - (Date.now() - started))) : wait,
          signal,
        );
      } catch {
        // aborted while waiting: the query is still running on Athena
      }
      if (signal?.aborted) {
        await this.stop(id);
        throw new QueryInterruptedError(id);
      }
      wait = Math.min(Math.ceil(wait * 1.5), this.options.pollIntervalMs);
    }
  }

  private async stop(id: string): Promise<void> {
    await this.call(() => this.athena.send(new StopQueryExecutionCommand({ QueryExecutionId: id }))).catch(
      () => {},
    );
  }

  /** Every page of the result, typed by the result set's metadata. */
  private async results(id: string, signal?: AbortSignal) {
    let columns: AthenaColumn[] = [];
    const rows: AthenaValue[][] = [];
    let updateCount: number | null = null;
    let nextToken: string | undefined;
    let first = true;
    do {
      if (signal?.aborted) throw new QueryInterruptedError(id);
      const page = await this.call(() =>
        this.athena.send(new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: nextToken })),
      );
      if (page.UpdateCount !== undefined && page.UpdateCount !== null) updateCount = Number(page.UpdateCount);
      if (first) columns = columnsOf(page.ResultSet);
      const pageRows = page.ResultSet?.Rows ?? [];
      const start = first && isHeaderRow(pageRows[0]?.Data, columns) ? 1 : 0;
      for (const row of pageRows.slice(start)) {
        const data = row.Data ?? [];
        rows.push(columns.map((column, i) => decodeValue(data[i]?.VarCharValue, column.type)));
      }
      first = false;
      nextToken = page.NextToken;
    } while (nextToken);
    return { columns, rows, updateCount };
  }

  /** One API call, sent again with jittered backoff while Athena throttles it. */
  private async call<T>(send: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await send();
      } catch (error) {
        const retry = isThrottling(error) || isTransient(error);
        if (!retry || attempt >= this.options.numRetries) throw explainAwsError(error, this.options.context);
        await this.sleep(this.backoff(attempt));
      }
    }
  }

  /** Exponential backoff with full jitter (half fixed, half random), capped at 20 s. */
  private backoff(attempt: number): number {
    const ceiling = Math.min(20_000, (this.options.retryBaseMs ?? 200) * 2 ** attempt);
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }
}

function columnsOf(resultSet: ResultSet | undefined): AthenaColumn[] {
  return (resultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((info) => ({
    name: info.Label ?? info.Name ?? '',
    type: typeName(info.Type ?? 'varchar', info.Precision, info.Scale),
  }));
}

/** Athena reports a decimal's precision and scale beside its type name. */
function typeName(type: string, precision?: number, scale?: number): string {
  const lower = type.toLowerCase();
  return lower === 'decimal' && precision ? `decimal(${precision},${scale ?? 0})` : lower;
}

/**
 * Athena repeats the column labels as the first row of a SELECT's first page (DDL and writes
 * have no header row).
 */
function isHeaderRow(data: { VarCharValue?: string }[] | undefined, columns: AthenaColumn[]): boolean {
  if (!data || data.length !== columns.length || columns.length === 0) return false;
  return data.every((cell, i) => cell.VarCharValue === columns[i]!.name);
}

function sleepFor(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
