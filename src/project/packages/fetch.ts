/**
 * Getting a package's files into a staging folder: a git clone at a revision, a hub package's
 * tarball (the hub's JSON index says where it is), or a tarball URL. The hub's address comes
 * from DBT_PACKAGE_HUB_URL, as in dbt, so tests can serve a hub of their own.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../util/errors.js';
import { isRecord } from '../yaml.js';

const DEFAULT_HUB = 'https://hub.getdbt.com/';

export function hubUrl(): string {
  const base = process.env.DBT_PACKAGE_HUB_URL || DEFAULT_HUB;
  return base.endsWith('/') ? base : `${base}/`;
}

export function stagingDir(): string {
  return mkdtempSync(join(tmpdir(), 'mdw-deps-'));
}

function run(command: string, args: string[], where: string, what: string): string {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error) throw new ConfigError(`${where}: ${what} failed: ${result.error.message}.`);
  if (result.status !== 0) {
    const reason = (result.stderr || result.stdout).trim().split('\n').pop() ?? '';
    throw new ConfigError(`${where}: ${what} failed: ${reason}`);
  }
  return result.stdout.trim();
}

/** Clone `url` at `revision` (a branch, tag or commit); returns the clone and its commit. */
export function gitCheckout(
  url: string,
  revision: string | null,
  where: string,
): { dir: string; commit: string } {
  const dir = join(stagingDir(), 'repo');
  run('git', ['clone', '--quiet', url, dir], where, `git clone of ${url}`);
  if (revision)
    run(
      'git',
      ['-C', dir, 'checkout', '--quiet', revision],
      where,
      `git checkout of '${revision}' in ${url}`,
    );
  const commit = run('git', ['-C', dir, 'rev-parse', 'HEAD'], where, `git rev-parse in ${url}`);
  return { dir, commit };
}

async function download(url: string, where: string): Promise<Buffer> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (error) {
    throw new ConfigError(`${where}: could not download ${url}: ${(error as Error).message}.`);
  }
  if (!response.ok) throw new ConfigError(`${where}: downloading ${url} answered HTTP ${response.status}.`);
  return Buffer.from(await response.arrayBuffer());
}

/** Download and unpack a .tar.gz; returns the folder holding its dbt_project.yml. */
export async function fetchTarball(url: string, where: string): Promise<string> {
  const dir = stagingDir();
  const archive = join(dir, 'package.tar.gz');
  writeFileSync(archive, await download(url, where));
  const out = join(dir, 'unpacked');
  run('mkdir', ['-p', out], where, 'creating a staging folder');
  run('tar', ['-xzf', archive, '-C', out], where, `unpacking ${url}`);
  if (existsSync(join(out, 'dbt_project.yml'))) return out;
  const folders = readdirSync(out).filter((name) => statSync(join(out, name)).isDirectory());
  const inner = folders.length === 1 ? join(out, folders[0]!) : null;
  if (!inner || !existsSync(join(inner, 'dbt_project.yml')))
    throw new ConfigError(`${where}: the archive ${url} holds no dbt_project.yml.`);
  return inner;
}

export interface HubVersion {
  version: string;
  tarball: string;
  /** the package's own dependencies, as packages.yml entries */
  packages: unknown[];
}

/** Every version the hub lists for `org/name`. */
export async function hubVersions(name: string, where: string): Promise<HubVersion[]> {
  const url = `${hubUrl()}api/v1/${name}.json`;
  const body = await download(url, where);
  let data: unknown;
  try {
    data = JSON.parse(body.toString('utf8'));
  } catch {
    throw new ConfigError(`${where}: the hub's answer for ${name} (${url}) is not JSON.`);
  }
  const versions = isRecord(data) && isRecord(data.versions) ? data.versions : null;
  if (!versions) throw new ConfigError(`${where}: the hub has no versions for package '${name}'.`);
  return Object.entries(versions).flatMap(([version, info]) => {
    if (!isRecord(info) || !isRecord(info.downloads) || typeof info.downloads.tarball !== 'string') return [];
    return [
      {
        version,
        tarball: info.downloads.tarball,
        packages: Array.isArray(info.packages) ? info.packages : [],
      },
    ];
  });
}
