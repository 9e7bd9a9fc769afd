/**
 * Athena's and the SDK's failures as one sentence each. The common set-up mistakes (wrong
 * region, a workgroup that does not exist, an endpoint that cannot be reached, missing
 * permissions) name the profile setting to fix instead of echoing the SDK's text.
 */
import { ExecutionError } from '../../util/errors.js';

/** A query Athena ran and failed (or that was stopped): names the execution and Athena's reason. */
export class AthenaQueryError extends ExecutionError {
  constructor(
    message: string,
    readonly queryExecutionId: string | null,
    readonly reason: string,
  ) {
    super(message);
  }
}

/** Ctrl-C (or a failing sibling thread) interrupted the run; the query was stopped. */
export class QueryInterruptedError extends ExecutionError {
  constructor(readonly queryExecutionId: string | null) {
    super(
      queryExecutionId
        ? `Interrupted: Athena query ${queryExecutionId} was stopped (StopQueryExecution).`
        : 'Interrupted before the query started.',
    );
  }
}

/** What the sentences name: the settings a user would change. */
export interface AwsContext {
  region: string;
  workGroup?: string;
  /** an endpoint override (local stacks), else AWS's own */
  endpoint?: string;
  service?: string;
}

const THROTTLING = new Set([
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'SlowDown',
  'Throttling',
  'ProvisionedThroughputExceededException',
]);

/**
 * A call that failed on the way (connection reset, timeout, a 5xx answer). The runner sends
 * only idempotent calls again: reads of an execution, and starts carrying a request token.
 */
export function isTransient(error: unknown): boolean {
  const err = (error ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = err.$metadata?.httpStatusCode ?? 0;
  return (
    status >= 500 ||
    err.name === 'TimeoutError' ||
    err.name === 'InternalServerException' ||
    /ECONNRESET|EPIPE|socket hang up|ETIMEDOUT/.test(`${err.code ?? ''} ${err.message ?? ''}`)
  );
}

export function isThrottling(error: unknown): boolean {
  const name = (error as { name?: string } | null)?.name ?? '';
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  return THROTTLING.has(name) || status === 429;
}

const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
]);

/** The SDK error as one sentence, naming the setting that is wrong when it can tell. */
export function explainAwsError(error: unknown, context?: AwsContext): Error {
  if (error instanceof ExecutionError) return error;
  const err = (error ?? {}) as { name?: string; code?: string; message?: string; cause?: { code?: string } };
  const name = err.name ?? '';
  const message = (err.message ?? String(error)).trim();
  const code = err.code ?? err.cause?.code ?? '';
  const service = context?.service ?? 'Athena';
  if (!context)
    return new ExecutionError(`${service}: ${name && name !== 'Error' ? `${name}: ` : ''}${message}`);
  const endpoint = context.endpoint ?? `the ${service} endpoint of region '${context.region}'`;
  if (UNREACHABLE.has(code) || /getaddrinfo|ECONNREFUSED|connect E/.test(message)) {
    return new ExecutionError(
      code === 'ENOTFOUND' && !context.endpoint
        ? `Cannot reach ${service} in region '${context.region}' (no such endpoint): check region_name.`
        : `Cannot reach ${endpoint} (${code || 'connection failed'}): check the network, the endpoint and region_name.`,
    );
  }
  if (
    /AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(name) ||
    /not authorized to perform/i.test(message)
  ) {
    return new ExecutionError(
      `Access denied by ${service} in region '${context.region}': the credentials in use may not call it (${message}).`,
    );
  }
  // AWS's answer to a request signed for another region than the endpoint's
  if (/scoped to a valid region|the region '[^']*' is wrong/i.test(message)) {
    return new ExecutionError(
      `Region '${context.region}' is wrong for ${context.endpoint ?? service} (${message.replace(/\.?\s*$/, '')}): check region_name.`,
    );
  }
  if (
    /UnrecognizedClient|InvalidClientTokenId|InvalidSignature|ExpiredToken|CredentialsProvider/i.test(name) ||
    /Could not load credentials/i.test(message)
  ) {
    return new ExecutionError(
      `No valid AWS credentials for ${service} in region '${context.region}': set aws_profile_name or the standard AWS environment (${message}).`,
    );
  }
  if (/workgroup/i.test(message) && /not (be )?found|does not exist/i.test(message)) {
    return new ExecutionError(
      `Athena workgroup '${context.workGroup ?? 'primary'}' does not exist in region '${context.region}': check work_group and region_name.`,
    );
  }
  return new ExecutionError(`${service}: ${name && name !== 'Error' ? `${name}: ` : ''}${message}`);
}
