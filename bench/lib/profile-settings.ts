/**
 * The DuckDB settings of dbt/profiles.yml's local target, as mdw applies them: mdw's own
 * defaults, then `settings:` with `env_var('NAME', 'default')` resolved from this process's
 * environment. The floor opens its bare DuckDB with them, so both sides run under the same
 * memory limit and write partitions the same way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { DUCKDB_DEFAULT_OPTIONS } from '../../src/adapters/duckdb/profile.js';
import { PROJECT_SRC } from './paths.js';

const ENV_VAR = /\{\{\s*env_var\(\s*'([^']+)'\s*(?:,\s*'([^']*)'\s*)?\)\s*\}\}/g;

/** The local target as written (memory_limit, temp_directory, threads, settings). */
export function localTarget(): Record<string, unknown> {
  const profiles = parse(readFileSync(join(PROJECT_SRC, 'profiles.yml'), 'utf8'));
  const profile = profiles?.mdw ?? Object.values(profiles ?? {})[0];
  return profile?.outputs?.[profile?.target ?? 'local'] ?? {};
}

/** `settings:` of the local target with env_var() rendered: DuckDB instance options. */
export function localDuckDbSettings(): Record<string, string> {
  const settings = (localTarget().settings ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries({ ...DUCKDB_DEFAULT_OPTIONS, ...settings }).map(([name, value]) => [
      name,
      String(value).replace(
        ENV_VAR,
        (_, variable: string, fallback?: string) => process.env[variable] ?? fallback ?? '',
      ),
    ]),
  );
}
