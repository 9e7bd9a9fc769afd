/**
 * Secrets never reach a message or an artifact. Two sources, as dbt has them:
 * - `DBT_ENV_SECRET_*` environment variables: usable only in profiles.yml (and packages.yml);
 *   anywhere else they are refused with dbt's own error, and their values are scrubbed
 *   from output.
 * - profile fields and DuckDB `settings:` whose names say they hold a secret (password,
 *   secret, token, credentials, keys…): their values are scrubbed too.
 */
import { ConfigError } from './errors.js';

export const SECRET_ENV_PREFIX = 'DBT_ENV_SECRET_';
export const REDACTED = '*****';
const SECRET_NAME =
  /(secret|password|passwd|pwd|token|credential|private[_-]?key|api[_-]?key|access[_-]?key|session[_-]?key|auth)/i;
/** Values shorter than this are not scrubbed: they would mangle ordinary text. */
const MIN_SECRET_LENGTH = 4;

const known = new Set<string>();

export function isSecretEnvName(name: string): boolean {
  return name.startsWith(SECRET_ENV_PREFIX);
}

/** dbt's SecretEnvVarLocationError. */
export function refuseSecretEnv(name: string): void {
  if (!isSecretEnvName(name)) return;
  throw new ConfigError(
    `Secret env vars are allowed only in profiles.yml or packages.yml. Found '${name}' referenced elsewhere.`,
  );
}

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Remembers the secret values of a resolved profile target (and of DBT_ENV_SECRET_* vars). */
export function rememberSecrets(target: Record<string, unknown>): void {
  const visit = (value: unknown, secret: boolean): void => {
    if (typeof value === 'string' || typeof value === 'number') {
      if (secret) remember(String(value));
    } else if (Array.isArray(value)) {
      for (const item of value) visit(item, secret);
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) visit(item, secret || isSecretName(key));
    }
  };
  visit(target, false);
  rememberSecretEnv();
}

export function rememberSecretEnv(): void {
  for (const [name, value] of Object.entries(process.env)) {
    if (isSecretEnvName(name) && value !== undefined) remember(value);
  }
}

function remember(value: string): void {
  if (value.length >= MIN_SECRET_LENGTH) known.add(value);
}

/** The text with every known secret value replaced by *****. */
export function redact(text: string): string {
  let result = text;
  for (const secret of known) {
    if (result.includes(secret)) result = result.replaceAll(secret, REDACTED);
    // Inside SQL literals a quote is doubled; inside JSON it is escaped.
    const quoted = secret.replaceAll("'", "''");
    if (quoted !== secret && result.includes(quoted)) result = result.replaceAll(quoted, REDACTED);
    const json = JSON.stringify(secret).slice(1, -1);
    if (json !== secret && result.includes(json)) result = result.replaceAll(json, REDACTED);
  }
  return result;
}
