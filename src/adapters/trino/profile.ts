/**
 * A dbt-trino profile output → how to reach the server. The keys are dbt-trino's, so an
 * existing profiles.yml works unchanged; each mistake is one sentence naming the target.
 */
import type { TargetConfig } from '../../manifest/types.js';
import { ConfigError } from '../../util/errors.js';
import { mappedCatalog } from './catalog-map.js';
import type { TrinoAuth, TrinoClientOptions } from './client.js';

export interface TrinoProfile {
  server: string;
  user: string;
  /** `database` (or its alias `catalog`) */
  catalog: string;
  schema: string;
  auth?: TrinoAuth;
  sessionProperties: Record<string, string>;
  clientTags: string[];
  threads: number;
  timeZone?: string;
  /** attempts after the first for transient failures (dbt-trino's `retries`, default 3) */
  retries: number;
  /** the Hive catalog raw sources become external CSV tables in (mdw's `hive_catalog`, default hive) */
  hiveCatalog: string;
  /** declared catalog → Trino catalog (mdw's `catalog_map`, e.g. {awsdatacatalog: iceberg}) */
  catalogMap: Record<string, string>;
}

/** dbt-trino's methods; mdw implements these three. */
const SUPPORTED_METHODS = ['none', 'ldap', 'jwt'] as const;
const DBT_TRINO_METHODS = ['kerberos', 'certificate', 'oauth', 'oauth_console'];

/** Keys dbt-trino accepts; anything else is most likely a typo. */
const KNOWN_KEYS = new Set([
  'type',
  'name',
  'profile_name',
  'method',
  'host',
  'port',
  'user',
  'password',
  'jwt_token',
  'database',
  'catalog',
  'schema',
  'http_scheme',
  'session_properties',
  'threads',
  'client_tags',
  'timezone',
  'retries',
  'roles',
  'impersonation_user',
  'http_headers',
  'cert',
  'prepared_statements_enabled',
  'timeout',
  'suppress_cert_warning',
  // mdw's own
  'hive_catalog',
  'catalog_map',
]);

export function resolveTrinoProfile(target: TargetConfig): TrinoProfile {
  const where = `Profile ${target.profile_name}, target ${target.name}`;
  const fail = (what: string): never => {
    throw new ConfigError(`${where}: ${what}`);
  };
  for (const key of Object.keys(target)) {
    if (!KNOWN_KEYS.has(key)) fail(`'${key}' is not a dbt-trino profile key.`);
  }

  const method = optionalString(target.method, 'method', fail) ?? 'none';
  if (!(SUPPORTED_METHODS as readonly string[]).includes(method)) {
    fail(
      DBT_TRINO_METHODS.includes(method)
        ? `method '${method}' is not supported by mdw yet (use none, ldap or jwt).`
        : `method '${method}' is not a Trino authentication method (use none, ldap or jwt).`,
    );
  }

  const host = requiredString(target.host, 'host', fail);
  if (host.includes('://') || host.includes('/'))
    fail(`host '${host}' must be a host name only; put the scheme in http_scheme and the port in port.`);
  const scheme =
    optionalString(target.http_scheme, 'http_scheme', fail) ?? (method === 'none' ? 'http' : 'https');
  if (scheme !== 'http' && scheme !== 'https') fail(`http_scheme must be http or https, not '${scheme}'.`);
  const port = integer(target.port ?? (scheme === 'https' ? 443 : 8080), 'port', fail);
  if (port < 1 || port > 65535) fail(`port ${port} is not a TCP port (1-65535).`);

  const user = requiredString(target.user, 'user', fail);
  let auth: TrinoAuth | undefined;
  if (method === 'ldap') {
    const password = requiredString(target.password, 'password (method ldap)', fail);
    auth = { kind: 'basic', user, password };
  } else if (method === 'jwt') {
    auth = { kind: 'jwt', token: requiredString(target.jwt_token, 'jwt_token (method jwt)', fail) };
  } else if (target.password !== undefined || target.jwt_token !== undefined) {
    fail(`a password or jwt_token needs method ldap or jwt (method is '${method}').`);
  }

  const database = optionalString(target.database, 'database', fail);
  const catalogAlias = optionalString(target.catalog, 'catalog', fail);
  if (database && catalogAlias && database !== catalogAlias)
    fail(`database '${database}' and its alias catalog '${catalogAlias}' disagree; set one of them.`);
  const catalogMap = catalogNames(target.catalog_map, fail);
  const catalog = mappedCatalog(
    catalogMap,
    database || catalogAlias || fail("'database' (the Trino catalog) is required."),
  );
  const schema = requiredString(target.schema, 'schema', fail);

  return {
    server: `${scheme}://${host}:${port}`,
    user,
    catalog,
    schema,
    auth,
    sessionProperties: stringMap(target.session_properties, 'session_properties', fail),
    clientTags: stringList(target.client_tags, 'client_tags', fail),
    threads: target.threads === undefined ? 1 : integer(target.threads, 'threads', fail),
    timeZone: optionalString(target.timezone, 'timezone', fail),
    retries: target.retries === undefined ? 3 : integer(target.retries, 'retries', fail),
    hiveCatalog: optionalString(target.hive_catalog, 'hive_catalog', fail) ?? 'hive',
    catalogMap,
  };
}

/** The client options of a profile. */
export function clientOptions(profile: TrinoProfile): TrinoClientOptions {
  return {
    server: profile.server,
    user: profile.user,
    catalog: profile.catalog,
    schema: profile.schema,
    auth: profile.auth,
    sessionProperties: profile.sessionProperties,
    clientTags: profile.clientTags,
    timeZone: profile.timeZone,
    retry: { retries: profile.retries },
  };
}

type Fail = (what: string) => never;

function optionalString(value: unknown, key: string, fail: Fail): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return fail(`'${key}' must be a string.`);
}

function requiredString(value: unknown, key: string, fail: Fail): string {
  return optionalString(value, key, fail) ?? fail(`'${key}' is required.`);
}

function integer(value: unknown, key: string, fail: Fail): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
    return fail(`'${key}' must be a whole number, not ${JSON.stringify(value)}.`);
  return n;
}

function stringMap(value: unknown, key: string, fail: Fail): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    return fail(`'${key}' must be a map of names to values.`);
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (!/^[A-Za-z_][A-Za-z0-9_.]*$/.test(name)) fail(`'${key}' has an invalid property name '${name}'.`);
    if (v === null || typeof v === 'object') fail(`'${key}.${name}' must be a single value.`);
    out[name] = String(v);
  }
  return out;
}

/** `catalog_map`: each entry maps a catalog name to a Trino catalog name. */
function catalogNames(value: unknown, fail: Fail): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    return fail("'catalog_map' must map catalog names to Trino catalogs, e.g. {awsdatacatalog: iceberg}.");
  const out: Record<string, string> = {};
  for (const [from, to] of Object.entries(value as Record<string, unknown>)) {
    if (typeof to !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(to))
      fail(`'catalog_map.${from}' must be a Trino catalog name, not ${JSON.stringify(to)}.`);
    out[from] = to as string;
  }
  return out;
}

function stringList(value: unknown, key: string, fail: Fail): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.includes(',')))
    return fail(`'${key}' must be a list of strings without commas.`);
  return value as string[];
}
