/**
 * `mdw lint` on a generated 300-model project (test/support/large-project.ts): the median of
 * N runs with min and max, next to `mdw ls` on the same project (the parse both share) and
 * `mdw --version` (the process floor). Target: under 2 s. Run: npm run bench:lint [-- --runs 5 --models 300]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeLargeProject } from '../test/support/large-project.js';
import { MDW_BIN } from '../test/support/project.js';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

/** Seconds for one run; lint exits 1 on this project (its models do not follow mdw's naming). */
function timeRun(args: string[], okCodes: number[] = [0]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [MDW_BIN, ...args], { encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (!okCodes.includes(result.status ?? -1))
    throw new Error(`mdw ${args.join(' ')} failed: ${result.stderr}`);
  return seconds;
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `median ${median.toFixed(3)} s (min ${sorted[0]!.toFixed(3)}, max ${sorted.at(-1)!.toFixed(3)})`;
}

const runs = option('runs', 5);
const models = option('models', 300);
const dir = mkdtempSync(join(tmpdir(), 'mdw-bench-lint-'));
try {
  writeLargeProject(dir, models);
  const base = ['--project-dir', dir, '--profiles-dir', dir];
  timeRun(['ls', ...base]); // writes target/partial_parse.json, as a developer's project has
  const lint = Array.from({ length: runs }, () => timeRun(['lint', ...base], [0, 1]));
  const ls = Array.from({ length: runs }, () => timeRun(['ls', ...base]));
  const bare = Array.from({ length: runs }, () => timeRun(['--version']));
  console.log(`mdw lint, ${models} models, ${runs} runs each (target: under 2 s)`);
  console.log(`  lint:                  ${summary(lint)}`);
  console.log(`  ls (parse only):       ${summary(ls)}`);
  console.log(`  floor (mdw --version): ${summary(bare)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
