/**
 * The AWS JSON 1.1 protocol as Athena speaks it: POST / with `X-Amz-Target: AmazonAthena.<Op>`
 * and a JSON body; answers are JSON (`application/x-amz-json-1.1`), errors HTTP 400 with
 * `{"__type": "<Exception>", "Message": "..."}` (and the type in `x-amzn-ErrorType`).
 * Timestamps travel as epoch seconds (fractional numbers).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export const TARGET_PREFIX = 'AmazonAthena.';

export class AthenaApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const invalidRequest = (message: string, code?: string) =>
  new AthenaApiError('InvalidRequestException', message, 400, code ? { AthenaErrorCode: code } : {});

export async function readJsonBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return {};
  try {
    const body = JSON.parse(text);
    if (body && typeof body === 'object' && !Array.isArray(body)) return body as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new AthenaApiError('SerializationException', 'The request body is not a JSON object.');
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/x-amz-json-1.1',
    'Content-Length': Buffer.byteLength(text),
    'x-amzn-RequestId': crypto.randomUUID(),
  });
  res.end(text);
}

export function sendError(res: ServerResponse, error: AthenaApiError): void {
  res.setHeader('x-amzn-ErrorType', error.type);
  sendJson(res, error.status, { __type: error.type, Message: error.message, ...error.extra });
}

export const epochSeconds = (ms: number) => ms / 1000;

/** A string field of a request, checked the way Athena's validation words it. */
export function stringField(body: Record<string, unknown>, name: string, required: true): string;
export function stringField(
  body: Record<string, unknown>,
  name: string,
  required?: false,
): string | undefined;
export function stringField(
  body: Record<string, unknown>,
  name: string,
  required = false,
): string | undefined {
  const value = body[name];
  if (value === undefined || value === null) {
    if (required)
      throw invalidRequest(
        `1 validation error detected: Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`,
      );
    return undefined;
  }
  if (typeof value !== 'string')
    throw new AthenaApiError('SerializationException', `${name} must be a string.`);
  return value;
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);
