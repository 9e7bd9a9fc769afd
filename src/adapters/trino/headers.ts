/** The X-Trino-* request headers of a session, and the session changes a response announces. */

export interface TrinoSession {
  user: string;
  catalog?: string;
  schema?: string;
  /** SET SESSION values, e.g. `query_max_run_time` or `iceberg.compression_codec` */
  properties: Record<string, string>;
  clientTags: string[];
  source: string;
  timeZone?: string;
  transactionId?: string;
  /** prepared statements announced by the server (name → SQL, URL-encoded on the wire) */
  preparedStatements: Record<string, string>;
}

export function requestHeaders(
  session: TrinoSession,
  authorization: string | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {
    'X-Trino-User': session.user,
    'X-Trino-Source': session.source,
    // without it Trino rounds every time and timestamp value to milliseconds (legacy clients)
    'X-Trino-Client-Capabilities': 'PARAMETRIC_DATETIME',
  };
  if (authorization) headers.Authorization = authorization;
  if (session.catalog) headers['X-Trino-Catalog'] = session.catalog;
  if (session.schema) headers['X-Trino-Schema'] = session.schema;
  if (session.timeZone) headers['X-Trino-Time-Zone'] = session.timeZone;
  if (session.transactionId) headers['X-Trino-Transaction-Id'] = session.transactionId;
  const properties = Object.entries(session.properties);
  if (properties.length > 0) headers['X-Trino-Session'] = encodePairs(properties);
  const prepared = Object.entries(session.preparedStatements);
  if (prepared.length > 0) headers['X-Trino-Prepared-Statement'] = encodePairs(prepared);
  if (session.clientTags.length > 0) headers['X-Trino-Client-Tags'] = session.clientTags.join(',');
  return headers;
}

function encodePairs(pairs: [string, string][]): string {
  return pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join(',');
}

/** Applies what a response says changed (USE, SET/RESET SESSION, transactions, PREPARE). */
export function applyResponseHeaders(session: TrinoSession, headers: Headers): void {
  const setCatalog = headers.get('X-Trino-Set-Catalog');
  if (setCatalog) session.catalog = setCatalog;
  const setSchema = headers.get('X-Trino-Set-Schema');
  if (setSchema) session.schema = setSchema;
  for (const pair of splitHeader(headers.get('X-Trino-Set-Session'))) {
    const eq = pair.indexOf('=');
    if (eq > 0) session.properties[pair.slice(0, eq).trim()] = decodeURIComponent(pair.slice(eq + 1).trim());
  }
  for (const name of splitHeader(headers.get('X-Trino-Clear-Session')))
    delete session.properties[name.trim()];
  for (const pair of splitHeader(headers.get('X-Trino-Added-Prepare'))) {
    const eq = pair.indexOf('=');
    if (eq > 0)
      session.preparedStatements[pair.slice(0, eq).trim()] = decodeURIComponent(pair.slice(eq + 1).trim());
  }
  for (const name of splitHeader(headers.get('X-Trino-Deallocated-Prepare')))
    delete session.preparedStatements[decodeURIComponent(name.trim())];
  const started = headers.get('X-Trino-Started-Transaction-Id');
  if (started) session.transactionId = started;
  if (headers.get('X-Trino-Clear-Transaction-Id')) session.transactionId = undefined;
}

function splitHeader(value: string | null): string[] {
  return value ? value.split(',').filter((s) => s.trim() !== '') : [];
}
