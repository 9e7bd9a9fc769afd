import { ConfigError } from '../util/errors.js';
import { refuseSecretEnv } from '../util/secrets.js';

/**
 * Render `{{ env_var('X', 'default') }}` (optionally `| as_number`, `| int`, `| as_bool`) in
 * dbt_project.yml and profiles.yml values. These files are read before the Jinja engine
 * exists (the engine needs the target's adapter type), and env_var is what they use.
 */
export function renderEnvVarString(text: string, file: string, allowSecrets = false): string {
  const pattern =
    /\{\{\s*env_var\(\s*(['"])([^'"]+)\1\s*(?:,\s*(['"]?)([^'")]*)\3\s*)?\)\s*(?:\|\s*(?:as_number|as_text|as_bool|as_native|int|string|float|trim)\s*)*\}\}/g;
  const rendered = text.replace(pattern, (_m, _q, name: string, _q2, fallback?: string) => {
    if (!allowSecrets) refuseSecretEnv(name);
    const found = process.env[name] ?? fallback;
    if (found === undefined) {
      throw new ConfigError(
        `${file}: environment variable '${name}' is required but not set (and has no default).`,
      );
    }
    return found;
  });
  if (/\{\{|\{%/.test(rendered)) {
    throw new ConfigError(
      `${file}: only {{ env_var('NAME', 'default') }} is supported in this file, found: ${text.trim()}`,
    );
  }
  return rendered;
}
