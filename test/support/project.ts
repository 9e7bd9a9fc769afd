/** Helpers for tests: throwaway dbt projects in temp folders, and running the real CLI. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root, from dist/test/support/project.js. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const MDW_BIN = join(REPO_ROOT, 'bin', 'mdw.js');

export const DEFAULT_PROJECT_YML = `name: shop
version: '1.0.0'
profile: shop
`;

export function defaultProfile(dir: string): string {
  return `shop:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: ${JSON.stringify(join(dir, 'target', 'shop.duckdb'))}
      schema: main
      threads: 2
`;
}

/** Write a project: files maps project-relative paths to contents. dbt_project.yml and profiles.yml default. */
export function makeProject(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mdw-test-'));
  const all: Record<string, string> = {
    'dbt_project.yml': DEFAULT_PROJECT_YML,
    'profiles.yml': defaultProfile(dir),
    ...files,
  };
  for (const [path, contents] of Object.entries(all)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, contents);
  }
  return dir;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run `node bin/mdw.js ...args` against a project folder. */
export function runMdw(projectDir: string, args: string[], env: Record<string, string> = {}): CliResult {
  const result = spawnSync(
    process.execPath,
    [MDW_BIN, ...args, '--project-dir', projectDir, '--profiles-dir', projectDir],
    {
      encoding: 'utf8',
      env: { ...process.env, ...env },
      timeout: 120_000,
    },
  );
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}
