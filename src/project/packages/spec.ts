/**
 * packages.yml / dependencies.yml: what the project depends on. Each entry is a local folder,
 * a git repository (revision, subdirectory), a hub package (`org/name` with a version range)
 * or a tarball URL. Mistakes name the file and line.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../util/errors.js';
import { renderEnvVarString } from '../env-render.js';
import { isRecord, readYamlFile } from '../yaml.js';
import { parseRange } from './semver.js';

export type PackageSpec =
  | { kind: 'local'; path: string; file: string; line: number }
  | {
      kind: 'git';
      url: string;
      /** the URL as written (dbt's lock keeps {{ env_var() }} unrendered, so no token lands in it) */
      lockUrl: string;
      revision: string | null;
      subdirectory: string | null;
      file: string;
      line: number;
    }
  | {
      kind: 'hub';
      name: string;
      range: string[];
      prerelease: boolean;
      file: string;
      line: number;
    }
  | { kind: 'tarball'; url: string; name: string; file: string; line: number };

export interface DependencyFile {
  file: string;
  specs: PackageSpec[];
  /** the entries as written: their hash tells whether package-lock.yml still matches */
  raw: unknown[];
  /** the entries with {{ env_var() }} rendered */
  rendered: unknown[];
}

const FILES = ['packages.yml', 'dependencies.yml'];

/** The project's dependency file, or null when it has none (dbt: at most one may list packages). */
export function readDependencyFile(root: string): DependencyFile | null {
  const found = FILES.filter((file) => existsSync(join(root, file)));
  const withPackages = found
    .map((file) => ({ file, yaml: readYamlFile(root, file) }))
    .filter(({ yaml }) => isRecord(yaml.data) && yaml.data.packages !== undefined);
  if (withPackages.length > 1)
    throw new ConfigError(
      'packages.yml and dependencies.yml both list packages: keep the packages in one of them (dbt refuses both).',
    );
  const chosen = withPackages[0];
  if (!chosen) return null;
  const { file, yaml } = chosen;
  const data = yaml.data as Record<string, unknown>;
  if (data.packages === null) return { file, specs: [], raw: [], rendered: [] };
  if (!Array.isArray(data.packages))
    throw new ConfigError(`${file}:${yaml.lineOf(['packages'])}: 'packages' must be a list of packages.`);
  const rendered = data.packages.map((entry) => renderEnv(entry, file));
  const specs = rendered.map((entry, index) => {
    const spec = toSpec(entry, file, yaml.lineOf(['packages', index]));
    const raw = data.packages as unknown[];
    if (spec.kind === 'git' && isRecord(raw[index]) && typeof raw[index].git === 'string')
      spec.lockUrl = raw[index].git;
    return spec;
  });
  return { file, specs, raw: data.packages, rendered };
}

/** dbt renders packages.yml with env_var() (e.g. a git URL with a token). */
function renderEnv(value: unknown, file: string): unknown {
  if (typeof value === 'string') return value.includes('{{') ? renderEnvVarString(value, file, true) : value;
  if (Array.isArray(value)) return value.map((v) => renderEnv(v, file));
  if (isRecord(value))
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderEnv(v, file)]));
  return value;
}

function toSpec(entry: unknown, file: string, line: number): PackageSpec {
  const where = `${file}:${line}`;
  if (!isRecord(entry))
    throw new ConfigError(`${where}: each package must be a mapping (local:, git: or package:).`);
  const text = (key: string): string | null => {
    const value = entry[key];
    if (value === undefined || value === null) return null;
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new ConfigError(`${where}: '${key}' must be a string.`);
    return String(value);
  };
  if (entry.local !== undefined) return { kind: 'local', path: text('local') ?? '', file, line };
  if (entry.git !== undefined) {
    const url = text('git');
    if (!url) throw new ConfigError(`${where}: 'git' must be a repository URL.`);
    return {
      kind: 'git',
      url,
      lockUrl: url,
      revision: text('revision'),
      subdirectory: text('subdirectory'),
      file,
      line,
    };
  }
  if (entry.tarball !== undefined) {
    const url = text('tarball');
    const name = text('name');
    if (!url || !name) throw new ConfigError(`${where}: a tarball package needs both 'tarball' and 'name'.`);
    return { kind: 'tarball', url, name, file, line };
  }
  if (entry.package !== undefined) {
    const name = text('package');
    if (!name || !/^[\w.-]+\/[\w.-]+$/.test(name))
      throw new ConfigError(`${where}: 'package' must be a hub name like dbt-labs/dbt_utils.`);
    const version = entry.version;
    if (version === undefined || version === null)
      throw new ConfigError(`${where}: package '${name}' needs a 'version' (a version or a range).`);
    const range = (Array.isArray(version) ? version : [version]).map(String);
    const parsed = parseRange(range);
    if ('invalid' in parsed)
      throw new ConfigError(`${where}: '${parsed.invalid}' is not a version range (e.g. ">=1.0.0").`);
    return { kind: 'hub', name, range, prerelease: entry['install-prerelease'] === true, file, line };
  }
  if (entry.private !== undefined)
    throw new ConfigError(`${where}: 'private:' packages are not supported by mdw; use 'git:' with the URL.`);
  throw new ConfigError(`${where}: a package needs one of 'local:', 'git:', 'package:' or 'tarball:'.`);
}

/**
 * dbt's sha1 of the package list, stored in package-lock.yml: each entry as dbt's package
 * contract serializes it (Python's json.dumps with sorted keys), lines sorted. Matching dbt's
 * value lets a lock written by `dbt deps` be honoured by `mdw deps` and the other way round.
 */
export function specsHash(raw: unknown[], rendered: unknown[]): string {
  const lines = rendered.map((entry, i) => pythonJson(dbtContract(entry, raw[i]))).sort();
  return createHash('sha1').update(lines.join('\n')).digest('hex');
}

function dbtContract(entry: unknown, unrendered: unknown): unknown {
  if (!isRecord(entry)) return entry;
  const get = (key: string, fallback: unknown = null) => (entry[key] === undefined ? fallback : entry[key]);
  if (entry.local !== undefined) return { local: entry.local, unrendered };
  if (entry.git !== undefined)
    return {
      git: entry.git,
      revision: get('revision'),
      subdirectory: get('subdirectory'),
      unrendered,
      'warn-unpinned': get('warn-unpinned'),
    };
  if (entry.tarball !== undefined) return { name: get('name'), tarball: entry.tarball, unrendered };
  return {
    install_prerelease: get('install-prerelease', false),
    package: entry.package,
    unrendered,
    version: get('version'),
  };
}

/** Python's json.dumps(value, sort_keys=True): `", "` and `": "` separators, non-ASCII escaped. */
export function pythonJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  if (isRecord(value))
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${pythonJson(k)}: ${pythonJson(value[k])}`)
      .join(', ')}}`;
  if (typeof value === 'string')
    return JSON.stringify(value).replace(
      /[\u0080-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  if (value === undefined || value === null) return 'null';
  return JSON.stringify(value);
}
