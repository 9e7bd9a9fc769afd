/**
 * What one render (or callMacro) owns: the caller's context values, the execute flag, collected
 * log lines, statement results, and — for renderAsync — the query results fetched so far.
 */
import { QueryNeeded } from './signals.js';
import type { ContextValues, QueryTable } from './types.js';

/** renderAsync re-renders once per missing query; this bounds a runaway template. */
export const MAX_QUERIES = 100;

/**
 * Query results of one renderAsync, keyed by (call index, sql). Each attempt replays the
 * template from the start, so the n-th run_query call of an attempt is the n-th of the last.
 */
export class QuerySession {
  readonly results = new Map<string, QueryTable>();
  private calls = 0;

  startAttempt(): void {
    this.calls = 0;
  }

  /** The result for this call, or a QueryNeeded signal the async loop resolves. */
  next(sql: string, emptyWhenMissing = false): QueryTable {
    const key = `${this.calls++}\u0000${sql}`;
    const cached = this.results.get(key);
    if (cached) return cached;
    throw new QueryNeeded(key, sql, emptyWhenMissing);
  }
}

export interface StatementResult {
  response: { code: string; rows_affected: number; _message: string };
  data: unknown[][];
  table: unknown;
}

/**
 * A caller context value by name. Own or inherited (callers may layer contexts with
 * Object.create), but never Object.prototype's members (`constructor`, `toString`...).
 */
export function contextValue(ctx: ContextValues, name: string): unknown {
  if (name in Object.prototype && !Object.hasOwn(ctx, name)) return undefined;
  return ctx[name];
}

export class RenderState {
  readonly logs: string[] = [];
  readonly statements = new Map<string, StatementResult>();
  /** adapter object exposed to the template, built on first use */
  adapter: unknown;

  constructor(
    readonly ctx: ContextValues,
    readonly execute: boolean,
    readonly queries: QuerySession | null,
  ) {}
}
