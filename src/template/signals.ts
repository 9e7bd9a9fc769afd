/**
 * Control-flow signals thrown through compiled template code, and the located error that
 * carries file:line from the innermost template frame out to the engine boundary.
 */

/** Thrown by return(value); caught where the macro was called. */
export class ReturnSignal {
  constructor(readonly value: unknown) {}
}

/** Thrown by run_query()/statement when execute=true and the result is not cached yet. */
export class QueryNeeded {
  constructor(
    readonly key: string,
    readonly sql: string,
    /** a "does not exist" error gives no rows (dbt-duckdb's get_columns_in_relation on a missing relation) */
    readonly emptyWhenMissing = false,
  ) {}
}

export function isSignal(error: unknown): error is ReturnSignal | QueryNeeded {
  return error instanceof ReturnSignal || error instanceof QueryNeeded;
}

/**
 * A render error with the template position where it happened. `file` is undefined for the
 * template being rendered (filled in at the boundary); `callLine` is the line in that template
 * where the failing macro was called.
 */
export class LocatedError extends Error {
  callLine?: number;
  constructor(
    readonly reason: string,
    readonly file: string | undefined,
    readonly line: number,
    readonly original?: unknown,
  ) {
    super(reason);
  }
}

/** The first line of an error's message, without nunjucks' "(unknown path) [Line x, Column y]" noise. */
export function errorReason(error: unknown): string {
  const raw = error instanceof Error ? error.message : String(error);
  const cleaned = raw
    .replace(/^\([^)]*\)(?: \[Line \d+(?:, Column \d+)?\])?\s*/, '')
    .replace(/^(?:Template render error|Error): /, '')
    .trim();
  const first = cleaned.split('\n')[0].trim();
  return first || 'unknown template error';
}
