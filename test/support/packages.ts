/**
 * Package fixtures for tests: a dbt package folder, a local git repository holding one (with
 * tagged revisions), and a hub-like HTTP server on 127.0.0.1 serving `api/v1/<org>/<name>.json`
 * and the tarballs it points to. Never the internet.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { MDW_BIN } from './project.js';

export function writeFiles(dir: string, files: Record<string, string>): string {
  for (const [path, contents] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, contents);
  }
  return dir;
}

export function tempDir(prefix = 'mdw-pkg-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

function git(dir: string, ...args: string[]): string {
  const result = spawnSync('git', ['-C', dir, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'mdw test',
      GIT_AUTHOR_EMAIL: 'test@example.invalid',
      GIT_COMMITTER_NAME: 'mdw test',
      GIT_COMMITTER_EMAIL: 'test@example.invalid',
    },
  });
  if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed: ${result.stderr}`);
  return result.stdout.trim();
}

/** A git repository whose commits are the given file sets, each tagged; returns its folder and commits. */
export function gitRepo(revisions: { tag: string; files: Record<string, string> }[]): {
  dir: string;
  commits: Record<string, string>;
} {
  const dir = tempDir('mdw-git-');
  git(dir, 'init', '--quiet', '-b', 'main');
  const commits: Record<string, string> = {};
  for (const { tag, files } of revisions) {
    writeFiles(dir, files);
    git(dir, 'add', '-A');
    git(dir, 'commit', '--quiet', '-m', tag);
    git(dir, 'tag', tag);
    commits[tag] = git(dir, 'rev-parse', 'HEAD');
  }
  return { dir, commits };
}

/** A .tar.gz of `files` under one top folder, as a hub tarball is. */
export function tarball(top: string, files: Record<string, string>): Buffer {
  const dir = tempDir('mdw-tar-');
  writeFiles(join(dir, top), files);
  const out = join(dir, 'package.tar.gz');
  const result = spawnSync('tar', ['-czf', out, '-C', dir, top]);
  if (result.status !== 0) throw new Error(`tar failed: ${result.stderr}`);
  return readFileSync(out);
}

/** A hub on 127.0.0.1: `packages` maps `org/name` → version → the package's files. */
export class HubServer {
  private server: Server | null = null;
  private readonly index = new Map<string, Map<string, Buffer>>();
  url = '';

  add(name: string, version: string, files: Record<string, string>): void {
    let versions = this.index.get(name);
    if (!versions) {
      versions = new Map();
      this.index.set(name, versions);
    }
    versions.set(version, tarball(`${name.split('/')[1]}-${version}`, files));
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
      const meta = /^\/api\/v1\/([\w.-]+\/[\w.-]+)\.json$/.exec(path);
      const tar = /^\/tarballs\/([\w.-]+\/[\w.-]+)\/([\w.-]+)\.tar\.gz$/.exec(path);
      if (path === '/api/v1/index.json') {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify([...this.index.keys()]));
      } else if (meta && this.index.has(meta[1]!)) {
        const name = meta[1]!;
        const versions = Object.fromEntries(
          [...this.index.get(name)!.keys()].map((v) => [
            v,
            {
              name: name.split('/')[1],
              version: v,
              packages: [],
              downloads: { tarball: `${this.url}tarballs/${name}/${v}.tar.gz` },
            },
          ]),
        );
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ name: name.split('/')[1], namespace: name.split('/')[0], versions }));
      } else if (tar && this.index.get(tar[1]!)?.has(tar[2]!)) {
        res.end(this.index.get(tar[1]!)!.get(tar[2]!));
      } else {
        res.statusCode = 404;
        res.end('not found');
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

/** Run the CLI without blocking the event loop (a hub served by this process must answer). */
export function runMdwAsync(
  projectDir: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [MDW_BIN, ...args, '--project-dir', projectDir, '--profiles-dir', projectDir],
      { env: { ...process.env, ...env } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

/** Every file below `dir`, by path relative to it, with `from` replaced by `to` in each. */
function readTree(dir: string, from: string, to: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(rel);
      else files[rel] = readFileSync(join(dir, rel), 'utf8').replaceAll(from, to);
    }
  };
  walk('');
  return files;
}

/**
 * The git and hub sides of the `packages` parity fixture: its sources/pkg_git as a git
 * repository with tags v1 and v2 (REVISION in the files becomes the tag), and its
 * sources/pkg_hub served by a hub as versions 1.0.0, 1.1.0 and 2.0.0. Returns the environment
 * that packages.yml and both dbt and mdw read.
 */
export async function packageFixtureSources(
  fixtureDir: string,
): Promise<{ env: Record<string, string>; stop: () => Promise<void> }> {
  const gitSource = join(fixtureDir, 'sources', 'pkg_git');
  const repo = gitRepo(
    ['v1', 'v2'].map((tag) => ({
      tag,
      files: Object.fromEntries(
        Object.entries(readTree(gitSource, 'REVISION', tag)).map(([p, c]) => [`pkg_git/${p}`, c]),
      ),
    })),
  );
  const hub = new HubServer();
  for (const version of ['1.0.0', '1.1.0', '2.0.0'])
    hub.add(
      'mdw-test/pkg_hub',
      version,
      readTree(join(fixtureDir, 'sources', 'pkg_hub'), 'VERSION', version),
    );
  const url = await hub.start();
  return { env: { MDW_FIXTURE_GIT_REPO: repo.dir, DBT_PACKAGE_HUB_URL: url }, stop: () => hub.stop() };
}
