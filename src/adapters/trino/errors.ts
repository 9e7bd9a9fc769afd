/** Errors of the Trino client: each is one sentence naming the server or the query id. */
import { ExecutionError } from '../../util/errors.js';

/** Trino's `error` object of a failed query (v1 protocol). */
export interface TrinoErrorInfo {
  message: string;
  errorName: string;
  errorType: string;
  errorCode: number;
  errorLocation?: { lineNumber: number; columnNumber: number };
}

/** The query ran and Trino reported it failed. */
export class TrinoQueryError extends ExecutionError {
  constructor(
    readonly queryId: string,
    readonly info: TrinoErrorInfo,
  ) {
    super(`Trino query ${queryId} failed with ${info.errorName}: ${sentence(info.message)}`);
  }

  get errorName(): string {
    return this.info.errorName;
  }
}

/** The server could not be reached, refused the request, or the connection broke. */
export class TrinoConnectionError extends ExecutionError {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The caller cancelled the query (Ctrl-C); Trino was asked to stop it. */
export class TrinoCancelledError extends ExecutionError {
  constructor(readonly queryId: string | undefined) {
    super(
      queryId ? `Trino query ${queryId} was cancelled.` : 'The Trino query was cancelled before it started.',
    );
  }
}

/** Ends a message with exactly one full stop. */
export function sentence(text: string): string {
  const trimmed = text.trim();
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}
