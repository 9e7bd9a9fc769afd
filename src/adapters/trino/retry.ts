/**
 * When a failed HTTP exchange with Trino may be repeated. The rule that matters: a POST of a
 * statement whose response never arrived may have started the query, so it is re-sent only
 * when running the statement twice is harmless (a read). Everything else is safe by protocol:
 * a refused connection never reached the server, a 502/503/504 answer means the request was
 * not taken, and GETs of a query's nextUri are idempotent (the token names the page).
 */

export interface RetryPolicy {
  /** attempts after the first */
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { retries: 5, baseDelayMs: 100, maxDelayMs: 2000 };

/** What happened to one request. */
export type Outcome =
  | { kind: 'status'; status: number }
  /** the connection failed before the request was sent (refused, DNS): nothing reached the server */
  | { kind: 'not-sent'; code: string }
  /** the connection broke after the request may have been sent (reset, timeout, closed) */
  | { kind: 'lost'; code: string };

const RETRYABLE_STATUS = new Set([502, 503, 504]);

/** Error codes that prove the request never left this machine. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

export function classifyNetworkError(code: string): Outcome {
  return NOT_SENT_CODES.has(code) ? { kind: 'not-sent', code } : { kind: 'lost', code };
}

/**
 * Whether `request` may be sent again after `outcome`. `request` is the statement POST
 * (with its SQL) or a follow-up GET of nextUri.
 */
export function mayRetry(
  outcome: Outcome,
  request: { method: 'POST'; sql: string } | { method: 'GET' },
): boolean {
  switch (outcome.kind) {
    case 'status':
      return RETRYABLE_STATUS.has(outcome.status);
    case 'not-sent':
      return true;
    case 'lost':
      return request.method === 'GET' || isReadOnlyStatement(request.sql);
  }
}

/** Exponential backoff with full jitter, capped. */
export function retryDelayMs(
  attempt: number,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

const READ_KEYWORDS = new Set(['select', 'with', 'values', 'table', 'show', 'describe', 'desc']);

/**
 * True when the statement only reads: SELECT/WITH/VALUES/TABLE/SHOW/DESCRIBE, and EXPLAIN
 * without ANALYZE (EXPLAIN ANALYZE runs the statement). Leading comments and parentheses are
 * skipped. Anything unrecognised counts as a write.
 */
export function isReadOnlyStatement(sql: string): boolean {
  const words = leadingWords(sql, 2);
  const first = words[0];
  if (first === undefined) return false;
  if (first === 'explain') return words[1] !== 'analyze';
  return READ_KEYWORDS.has(first);
}

function leadingWords(sql: string, count: number): string[] {
  let rest = sql;
  for (;;) {
    const trimmed = rest.replace(/^[\s(]+/, '');
    if (trimmed.startsWith('--')) {
      const newline = trimmed.indexOf('\n');
      rest = newline < 0 ? '' : trimmed.slice(newline + 1);
    } else if (trimmed.startsWith('/*')) {
      const end = trimmed.indexOf('*/');
      rest = end < 0 ? '' : trimmed.slice(end + 2);
    } else {
      rest = trimmed;
      break;
    }
  }
  return (rest.match(/[A-Za-z_]+/g) ?? []).slice(0, count).map((w) => w.toLowerCase());
}
