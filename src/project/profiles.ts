import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EngineDescriptor, ProfileValueKind } from '../adapters/engine.js';
import { findEngine } from '../adapters/registry.js';
import type { TargetConfig } from '../manifest/types.js';
import { ConfigError } from '../util/errors.js';
import { rememberSecrets } from '../util/secrets.js';
import { didYouMean } from '../util/suggest.js';
import { renderEnvVarString } from './env-render.js';
import { isRecord, readYamlFile } from './yaml.js';

export interface ProfileOptions {
  projectRoot: string;
  profileName: string;
  profilesDir?: string;
  target?: string;
}

/** Where profiles.yml is looked up, in dbt's order. */
export function profileSearchPath(projectRoot: string, profilesDir?: string): string[] {
  if (profilesDir) return [resolve(profilesDir)];
  const dirs: string[] = [];
  if (process.env.DBT_PROFILES_DIR) dirs.push(resolve(process.env.DBT_PROFILES_DIR));
  dirs.push(projectRoot, join(homedir(), '.dbt'));
  return dirs;
}

export function loadTarget(options: ProfileOptions): TargetConfig {
  const dirs = profileSearchPath(options.projectRoot, options.profilesDir);
  const dir = dirs.find((d) => existsSync(join(d, 'profiles.yml')));
  if (!dir) {
    throw new ConfigError(
      `Could not find profiles.yml in ${dirs.join(', ')}: create one or pass --profiles-dir.`,
    );
  }
  const file = readYamlFile(dir, 'profiles.yml');
  const shownPath = join(dir, 'profiles.yml');
  const data = file.data;
  if (!isRecord(data)) throw new ConfigError(`${shownPath}:1: expected a mapping of profiles.`);
  const profile = data[options.profileName];
  if (!isRecord(profile)) {
    const names = Object.keys(data).filter((k) => k !== 'config');
    throw new ConfigError(
      `Could not find profile named '${options.profileName}' in ${shownPath}.${didYouMean(options.profileName, names)}`,
    );
  }
  const outputs = profile.outputs;
  if (!isRecord(outputs)) {
    throw new ConfigError(
      `${shownPath}:${file.lineOf([options.profileName])}: profile '${options.profileName}' has no 'outputs'.`,
    );
  }
  const targetName =
    options.target ??
    (typeof profile.target === 'string' ? renderEnvVarString(profile.target, shownPath, true) : 'default');
  const output = outputs[targetName];
  if (!isRecord(output)) {
    throw new ConfigError(
      `The profile '${options.profileName}' does not have a target named '${targetName}' in ${shownPath}; ` +
        `available: ${Object.keys(outputs).join(', ') || 'none'}.`,
    );
  }
  const rendered = renderDeep(output, (s) => renderEnvVarString(s, shownPath, true));
  if (typeof rendered.type !== 'string') {
    throw new ConfigError(
      `${shownPath}:${file.lineOf([options.profileName, 'outputs', targetName])}: target '${targetName}' has no 'type'.`,
    );
  }
  // An unknown type is reported when an adapter is needed, so `mdw ls` works for any target.
  const engine = findEngine(rendered.type);
  if (engine) {
    checkProfileKeys(engine, rendered, (key) => {
      const line = file.lineOf([options.profileName, 'outputs', targetName, key]);
      return `${shownPath}:${line}: target '${targetName}'`;
    });
  }
  const threads = Number(rendered.threads ?? 1);
  rememberSecrets(rendered);
  return {
    ...rendered,
    name: targetName,
    profile_name: options.profileName,
    type: rendered.type,
    schema: String(rendered.schema ?? 'main'),
    database: String(rendered.database ?? rendered.catalog ?? engine?.defaultDatabase(rendered) ?? ''),
    threads: Number.isFinite(threads) && threads > 0 ? Math.floor(threads) : 1,
  };
}

function renderDeep(value: Record<string, unknown>, render: (s: string) => string): Record<string, unknown> {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return v.includes('{{') || v.includes('{%') ? coerce(render(v)) : v;
    if (Array.isArray(v)) return v.map(walk);
    if (isRecord(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as Record<string, unknown>;
}

/** A rendered "{{ env_var('THREADS', '4') }}" becomes the number 4, as dbt's native rendering does. */
function coerce(text: string): unknown {
  if (/^-?\d+$/.test(text.trim())) return Number(text.trim());
  if (text.trim() === 'True' || text.trim() === 'true') return true;
  if (text.trim() === 'False' || text.trim() === 'false') return false;
  return text;
}

/** Each key the engine declares must have one of its accepted shapes; required keys must be set. */
function checkProfileKeys(
  engine: EngineDescriptor,
  output: Record<string, unknown>,
  where: (key: string) => string,
): void {
  for (const [key, spec] of Object.entries(engine.profileKeys)) {
    const value = output[key];
    if (value === undefined || value === null) {
      if (spec.required) {
        throw new ConfigError(`${where(key)} needs '${key}' (required by the ${engine.type} target).`);
      }
      continue;
    }
    const kind = valueKind(value);
    if (!spec.kinds.includes(kind)) {
      throw new ConfigError(`${where(key)}: '${key}' must be a ${spec.kinds.join(' or ')}, not a ${kind}.`);
    }
  }
}

function valueKind(value: unknown): ProfileValueKind {
  if (Array.isArray(value)) return 'list';
  if (isRecord(value)) return 'map';
  if (typeof value === 'number') return 'number';
  if (typeof value === 'boolean') return 'boolean';
  return 'string';
}
