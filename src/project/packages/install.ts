/**
 * `mdw deps`: resolve packages.yml (and the dependencies of each package, recursively),
 * honour package-lock.yml while its hash matches the package list, install each package into
 * the packages folder under the name its dbt_project.yml gives, and write package-lock.yml.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { stringify } from 'yaml';
import { ConfigError } from '../../util/errors.js';
import { isRecord, parseYaml } from '../yaml.js';
import { fetchTarball, gitCheckout, hubVersions } from './fetch.js';
import { maxSatisfying, parseRange } from './semver.js';
import { type PackageSpec, readDependencyFile, specsHash } from './spec.js';

export const LOCK_FILE = 'package-lock.yml';

interface Staged {
  /** the package's name in its dbt_project.yml (its folder name once installed) */
  name: string;
  /** where its files are now */
  dir: string;
  /** a symlink (local packages) or a copy */
  link: boolean;
  lock: Record<string, unknown>;
  /** one line for the log: what was installed from where */
  origin: string;
}

export interface DepsResult {
  installed: { name: string; origin: string }[];
  lockWritten: boolean;
  installPath: string;
}

function projectName(dir: string, where: string): string {
  const file = join(dir, 'dbt_project.yml');
  if (!existsSync(file)) throw new ConfigError(`${where}: ${dir} is not a dbt package (no dbt_project.yml).`);
  const data = parseYaml(readFileSync(file, 'utf8'), 'dbt_project.yml').data;
  const name = isRecord(data) ? data.name : undefined;
  if (typeof name !== 'string') throw new ConfigError(`${where}: the package in ${dir} has no 'name'.`);
  return name;
}

/** The lock's entries when its hash still matches the package list, else null. */
function readLock(root: string, hash: string): unknown[] | null {
  const path = join(root, LOCK_FILE);
  if (!existsSync(path)) return null;
  const data = parseYaml(readFileSync(path, 'utf8'), LOCK_FILE).data;
  if (!isRecord(data) || data.sha1_hash !== hash || !Array.isArray(data.packages)) return null;
  return data.packages;
}

class Resolver {
  readonly staged = new Map<string, Staged>();
  private readonly hubRanges = new Map<string, { range: string[]; prerelease: boolean; where: string }>();
  private readonly hubChosen = new Map<string, string>();
  private readonly seen = new Set<string>();

  constructor(private readonly pins: Map<string, string>) {}

  private add(staged: Staged, where: string): void {
    const earlier = this.staged.get(staged.name);
    if (earlier && earlier.origin !== staged.origin)
      throw new ConfigError(
        `${where}: package '${staged.name}' is required twice, from ${earlier.origin} and from ${staged.origin}.`,
      );
    this.staged.set(staged.name, staged);
  }

  /** Stage one package and queue its own dependencies (relative to its folder). */
  async visit(spec: PackageSpec, base: string, queue: { spec: PackageSpec; base: string }[]): Promise<void> {
    const where = `${spec.file}:${spec.line}`;
    const key = JSON.stringify({ ...spec, file: undefined, line: undefined, base });
    if (this.seen.has(key)) return;
    this.seen.add(key);
    let staged: Staged;
    if (spec.kind === 'hub') {
      const known = this.hubRanges.get(spec.name);
      this.hubRanges.set(spec.name, {
        range: [...(known?.range ?? []), ...spec.range],
        prerelease: (known?.prerelease ?? false) || spec.prerelease,
        where: known?.where ?? where,
      });
      return;
    }
    if (spec.kind === 'local') {
      const dir = resolve(base, spec.path);
      staged = {
        name: projectName(dir, where),
        dir,
        link: true,
        lock: { local: spec.path },
        origin: `local ${spec.path}`,
      };
    } else if (spec.kind === 'git') {
      const revision = this.pins.get(`git:${spec.lockUrl}:${spec.subdirectory ?? ''}`) ?? spec.revision;
      const { dir, commit } = gitCheckout(spec.url, revision, where);
      const packageDir = spec.subdirectory ? join(dir, spec.subdirectory) : dir;
      staged = {
        name: projectName(packageDir, where),
        dir: packageDir,
        link: false,
        lock: {
          git: spec.lockUrl,
          revision: commit,
          ...(spec.subdirectory ? { subdirectory: spec.subdirectory } : {}),
        },
        origin: `git ${spec.url}@${commit}${spec.subdirectory ? ` (${spec.subdirectory})` : ''}`,
      };
    } else {
      const dir = await fetchTarball(spec.url, where);
      staged = {
        name: projectName(dir, where),
        dir,
        link: false,
        lock: { tarball: spec.url, name: spec.name },
        origin: `tarball ${spec.url}`,
      };
    }
    this.add(staged, where);
    const own = readDependencyFile(staged.dir);
    for (const child of own?.specs ?? []) queue.push({ spec: child, base: staged.dir });
  }

  /** Choose each hub package's version; returns the dependencies of newly chosen versions. */
  async chooseHubVersions(): Promise<{ spec: PackageSpec; base: string }[]> {
    const queue: { spec: PackageSpec; base: string }[] = [];
    for (const [name, { range, prerelease, where }] of this.hubRanges) {
      const versions = await hubVersions(name, where);
      const pinned = this.pins.get(`hub:${name}`);
      const parsed = parseRange(pinned ? [...range, pinned] : range);
      if ('invalid' in parsed) throw new ConfigError(`${where}: '${parsed.invalid}' is not a version range.`);
      const version = maxSatisfying(
        versions.map((v) => v.version),
        parsed.bounds,
        prerelease,
      );
      if (!version)
        throw new ConfigError(
          `${where}: no version of '${name}' satisfies ${range.join(', ')} (the hub has ${versions.map((v) => v.version).join(', ') || 'none'}).`,
        );
      if (this.hubChosen.get(name) === version) continue;
      this.hubChosen.set(name, version);
      const info = versions.find((v) => v.version === version)!;
      const dir = await fetchTarball(info.tarball, where);
      const staged: Staged = {
        name: projectName(dir, where),
        dir,
        link: false,
        lock: { package: name, version },
        origin: `hub ${name}@${version}`,
      };
      for (const [key, other] of this.staged)
        if (other.origin.startsWith(`hub ${name}@`)) this.staged.delete(key);
      this.add(staged, where);
      for (const entry of info.packages) {
        const spec = hubDependency(entry, where);
        if (spec) queue.push({ spec, base: dir });
      }
    }
    return queue;
  }
}

/** A hub package's dependency as the hub index lists it. */
function hubDependency(entry: unknown, where: string): PackageSpec | null {
  if (!isRecord(entry) || typeof entry.package !== 'string') return null;
  const version = entry.version;
  const range = (Array.isArray(version) ? version : [version ?? '>=0.0.0']).map(String);
  return {
    kind: 'hub',
    name: entry.package,
    range,
    prerelease: false,
    file: where.split(':')[0]!,
    line: Number(where.split(':')[1] ?? 0),
  };
}

/** Exact versions and commits from a matching lock: `hub:<name>` → version, `git:<url>:<subdir>` → commit. */
function pinsFrom(lock: unknown[] | null): Map<string, string> {
  const pins = new Map<string, string>();
  for (const entry of lock ?? []) {
    if (!isRecord(entry)) continue;
    if (typeof entry.package === 'string' && entry.version !== undefined)
      pins.set(`hub:${entry.package}`, `=${String(entry.version)}`);
    if (typeof entry.git === 'string' && typeof entry.revision === 'string')
      pins.set(
        `git:${entry.git}:${typeof entry.subdirectory === 'string' ? entry.subdirectory : ''}`,
        entry.revision,
      );
  }
  return pins;
}

export async function installPackages(root: string, installDir: string): Promise<DepsResult> {
  const installPath = resolve(root, installDir);
  const inside = relative(root, installPath);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside))
    throw new ConfigError(`packages-install-path '${installDir}' must be a folder inside the project.`);
  const deps = readDependencyFile(root);
  if (!deps) return { installed: [], lockWritten: false, installPath };
  const hash = specsHash(deps.raw, deps.rendered);
  const lock = readLock(root, hash);
  const resolver = new Resolver(pinsFrom(lock));
  let queue = deps.specs.map((spec) => ({ spec, base: root }));
  for (let round = 0; queue.length > 0; round++) {
    if (round > 50)
      throw new ConfigError(`${deps.file}: package dependencies do not settle (a cycle of versions?).`);
    while (queue.length > 0) {
      const next = queue.shift()!;
      await resolver.visit(next.spec, next.base, queue);
    }
    queue = await resolver.chooseHubVersions();
  }
  rmSync(installPath, { recursive: true, force: true });
  mkdirSync(installPath, { recursive: true });
  const staged = [...resolver.staged.values()].sort((a, b) => a.name.localeCompare(b.name));
  for (const pkg of staged) {
    const dest = join(installPath, pkg.name);
    if (pkg.link) symlinkSync(pkg.dir, dest, 'junction');
    else cpSync(pkg.dir, dest, { recursive: true, filter: (src) => !src.split(/[\\/]/).includes('.git') });
  }
  const entries = staged.map((p) => ({ ...p.lock, name: p.name }));
  const lockText = stringify({ packages: entries, sha1_hash: hash });
  const lockPath = join(root, LOCK_FILE);
  const before = existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null;
  if (before !== lockText) writeFileSync(lockPath, lockText);
  return {
    installed: staged.map((p) => ({ name: p.name, origin: p.origin })),
    lockWritten: before !== lockText,
    installPath,
  };
}
