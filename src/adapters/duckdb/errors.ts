/** Turning DuckDB's multi-line engine errors into one clear ExecutionError sentence. */
import { ExecutionError, errorMessage } from '../../util/errors.js';

/** An ExecutionError that keeps the engine's full text for callers that parse it (CSV line numbers). */
export class DuckDbError extends ExecutionError {
  constructor(
    message: string,
    readonly engineMessage: string,
  ) {
    super(message);
  }
}

/**
 * First line of DuckDB's message, plus its "Did you mean …?" suggestion when present.
 * The rest (LINE 1 / caret, "Possible fixes" lists, reader option dumps) is noise in a run log.
 */
export function conciseDuckDbMessage(raw: string): string {
  const lines = raw.split('\n').map((line) => line.trim());
  const first = lines.find((line) => line !== '') ?? raw.trim();
  const hint = lines.find((line) => line.startsWith('Did you mean'));
  return hint ? `${first} ${hint}` : first;
}

export function wrapDuckDbError(error: unknown): ExecutionError {
  if (error instanceof ExecutionError) return error;
  const raw = errorMessage(error);
  return new DuckDbError(conciseDuckDbMessage(raw) + memoryHint(raw), raw);
}

/** DuckDB ran out of its memory limit: say which setting raises it. */
function memoryHint(raw: string): string {
  return /out of memory|memory_limit/i.test(raw)
    ? ' (DuckDB hit its memory limit: raise it with MDW_DUCKDB_MEMORY_LIMIT, e.g. MDW_DUCKDB_MEMORY_LIMIT=8GB, or `settings: {memory_limit: ...}` in profiles.yml)'
    : '';
}

/** The engine's full message of an error raised by a DuckDB call (for parsing details). */
export function engineMessage(error: unknown): string {
  return error instanceof DuckDbError ? error.engineMessage : errorMessage(error);
}
