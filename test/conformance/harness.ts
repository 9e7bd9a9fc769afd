/**
 * Black-box driving of the CLI for the conformance suite: a fixture project copied to a temp
 * folder with the target's profiles.yml, `mdw <command>` runs, and results read back with
 * `mdw show --inline ... --output json` (one query per check group keeps the runs few).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Capability, ConformanceTarget } from './targets.js';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const MDW_BIN = join(REPO_ROOT, 'bin', 'mdw.js');
const FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'conformance');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class FixtureRun {
  readonly dir: string;

  constructor(
    readonly target: ConformanceTarget,
    fixture: string,
    private readonly env: Record<string, string> = {},
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `mdw-conformance-${fixture}-`));
    cpSync(join(FIXTURES, fixture), this.dir, { recursive: true });
    writeFileSync(join(this.dir, 'profiles.yml'), target.profile(this.dir));
  }

  /** `mdw <args> --project-dir <copy> --profiles-dir <copy>`, from the copy (relative landing paths). */
  mdw(args: string[], env: Record<string, string> = {}): CliResult {
    const result = spawnSync(
      process.execPath,
      [MDW_BIN, ...args, '--project-dir', this.dir, '--profiles-dir', this.dir],
      { cwd: this.dir, encoding: 'utf8', env: { ...process.env, ...this.env, ...env }, timeout: 300_000 },
    );
    return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
  }

  /** Runs a command that must succeed (exit 0), failing the case with its output otherwise. */
  ok(args: string[], env: Record<string, string> = {}): CliResult {
    const result = this.mdw(args, env);
    assert.equal(result.code, 0, `mdw ${args.join(' ')} exited ${result.code}:\n${tail(result)}`);
    return result;
  }

  /** Rows of a query, through `mdw show --inline --output json`. */
  rows(sql: string, extra: string[] = []): Record<string, unknown>[] {
    const result = this.ok(['show', '--inline', sql, '--output', 'json', '--limit', '1000', ...extra]);
    return JSON.parse(result.stdout) as Record<string, unknown>[];
  }

  /** One row of named scalar subqueries: {name: sql} → {name: value}. */
  scalars(queries: Record<string, string>, extra: string[] = []): Record<string, unknown> {
    const select = Object.entries(queries)
      .map(([name, sql]) => `(${sql}) as "${name}"`)
      .join(',\n');
    return this.rows(`select ${select}`, extra)[0]!;
  }

  /** Statuses by node name from target/run_results.json of the last run. */
  statuses(): Record<string, string> {
    const results = JSON.parse(readFileSync(join(this.dir, 'target', 'run_results.json'), 'utf8')) as {
      results: { unique_id: string; status: string }[];
    };
    return Object.fromEntries(results.results.map((r) => [r.unique_id.split('.')[2], r.status]));
  }

  /** The days (YYYY-MM-DD) whose batches a microbatch model built in the last run (dbt's batch_results). */
  batchStarts(model: string): string[] {
    const results = JSON.parse(readFileSync(join(this.dir, 'target', 'run_results.json'), 'utf8')) as {
      results: { unique_id: string; batch_results?: { successful: [string, string][] } }[];
    };
    const result = results.results.find((r) => r.unique_id.split('.')[2] === model);
    return (result?.batch_results?.successful ?? []).map(([start]) => start.slice(0, 10)).sort();
  }

  /** Iceberg CLI output as JSON rows. */
  iceberg(args: string[]): Record<string, unknown>[] {
    return JSON.parse(this.ok(['iceberg', ...args, '--output', 'json']).stdout) as Record<string, unknown>[];
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function tail(result: CliResult): string {
  return `${result.stdout}\n${result.stderr}`.split('\n').slice(-40).join('\n');
}

/**
 * The reason a case cannot run on this target (printed as the skip reason), or undefined.
 * Never a silent skip: every capability a target lacks names why.
 */
export function missing(target: ConformanceTarget, needs: readonly Capability[]): string | undefined {
  for (const need of needs) {
    const reason = target.lacks[need];
    if (reason) return `${target.name} lacks ${need}: ${reason}`;
  }
  return undefined;
}
