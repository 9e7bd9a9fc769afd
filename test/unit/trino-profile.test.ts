/** dbt-trino profile outputs → client settings, and one-sentence errors for mistakes. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clientOptions, resolveTrinoProfile } from '../../src/adapters/trino/profile.js';
import type { TargetConfig } from '../../src/manifest/types.js';
import { ConfigError } from '../../src/util/errors.js';

function target(extra: Record<string, unknown>): TargetConfig {
  return {
    name: 'dev',
    profile_name: 'shop',
    type: 'trino',
    schema: 'mdw',
    database: '',
    threads: 4,
    host: 'localhost',
    user: 'ann',
    ...extra,
  };
}

function fails(extra: Record<string, unknown>, message: string): void {
  assert.throws(
    () => resolveTrinoProfile(target(extra)),
    (e: unknown) =>
      e instanceof ConfigError && e.exitCode === 2 && e.message === `Profile shop, target dev: ${message}`,
  );
}

describe('dbt-trino profiles', () => {
  test('an existing dbt-trino output works unchanged', () => {
    const profile = resolveTrinoProfile(
      target({
        method: 'ldap',
        password: 'secret',
        port: 8443,
        database: 'iceberg',
        session_properties: { query_max_run_time: '4h', 'iceberg.compression_codec': 'ZSTD' },
        client_tags: ['etl'],
        timezone: 'UTC',
        retries: 2,
      }),
    );
    assert.deepEqual(profile, {
      server: 'https://localhost:8443',
      user: 'ann',
      catalog: 'iceberg',
      schema: 'mdw',
      auth: { kind: 'basic', user: 'ann', password: 'secret' },
      sessionProperties: { query_max_run_time: '4h', 'iceberg.compression_codec': 'ZSTD' },
      clientTags: ['etl'],
      threads: 4,
      timeZone: 'UTC',
      retries: 2,
      hiveCatalog: 'hive',
      catalogMap: {},
    });
    assert.equal(clientOptions(profile).retry?.retries, 2);
  });

  test('defaults: method none over http on 8080; catalog is an alias of database; jwt', () => {
    const none = resolveTrinoProfile(target({ catalog: 'hive' }));
    assert.equal(none.server, 'http://localhost:8080');
    assert.equal(none.catalog, 'hive');
    assert.equal(none.auth, undefined);
    const jwt = resolveTrinoProfile(
      target({ method: 'jwt', jwt_token: 'abc', database: 'iceberg', http_scheme: 'http' }),
    );
    assert.deepEqual(jwt.auth, { kind: 'jwt', token: 'abc' });
    assert.equal(jwt.server, 'http://localhost:8080');
  });

  test('mistakes are one sentence naming the profile and target', () => {
    fails(
      { database: 'iceberg', method: 'kerberos' },
      "method 'kerberos' is not supported by mdw yet (use none, ldap or jwt).",
    );
    fails(
      { database: 'iceberg', method: 'magic' },
      "method 'magic' is not a Trino authentication method (use none, ldap or jwt).",
    );
    fails({ database: 'iceberg', method: 'ldap' }, "'password (method ldap)' is required.");
    fails({ database: 'iceberg', method: 'jwt' }, "'jwt_token (method jwt)' is required.");
    fails(
      { database: 'iceberg', password: 'x' },
      "a password or jwt_token needs method ldap or jwt (method is 'none').",
    );
    fails(
      { database: 'a', catalog: 'b' },
      "database 'a' and its alias catalog 'b' disagree; set one of them.",
    );
    fails({}, "'database' (the Trino catalog) is required.");
    fails(
      { database: 'iceberg', host: 'http://x' },
      "host 'http://x' must be a host name only; put the scheme in http_scheme and the port in port.",
    );
    fails({ database: 'iceberg', http_scheme: 'ftp' }, "http_scheme must be http or https, not 'ftp'.");
    fails({ database: 'iceberg', port: 70000 }, 'port 70000 is not a TCP port (1-65535).');
    fails({ database: 'iceberg', port: 'abc' }, `'port' must be a whole number, not "abc".`);
    fails(
      { database: 'iceberg', session_properties: ['x'] },
      "'session_properties' must be a map of names to values.",
    );
    fails(
      { database: 'iceberg', client_tags: 'etl' },
      "'client_tags' must be a list of strings without commas.",
    );
    fails({ database: 'iceberg', hots: 'x' }, "'hots' is not a dbt-trino profile key.");
    fails({ database: 'iceberg', user: undefined }, "'user' is required.");
  });
});
