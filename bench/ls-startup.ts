/**
 * Start-up of `mdw ls` on a generated 300-model project (each model described in YAML with a
 * test): cold (--no-partial-parse, every file rendered) and warm (partial parsing), as the
 * median of N runs with min and max. Run: npm run bench:ls [-- --runs 7 --models 300]
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

function timeRun(args: string[]): number {
  const started = performance.now();
  const result = spawnSync(process.execPath, [MDW_BIN, ...args], { encoding: 'utf8' });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`mdw ${args.join(' ')} failed: ${result.stderr}`);
  return seconds;
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `median ${median.toFixed(3)} s (min ${sorted[0]!.toFixed(3)}, max ${sorted.at(-1)!.toFixed(3)})`;
}

const runs = option('runs', 7);
const models = option('models', 300);
const dir = mkdtempSync(join(tmpdir(), 'mdw-bench-ls-'));
try {
  writeLargeProject(dir, models);
  const base = ['ls', '--project-dir', dir, '--profiles-dir', dir];
  const cold = Array.from({ length: runs }, () => timeRun([...base, '--no-partial-parse']));
  timeRun(base); // writes target/partial_parse.json
  const warm = Array.from({ length: runs }, () => timeRun(base));
  const bare = Array.from({ length: runs }, () => timeRun(['--version']));
  console.log(`mdw ls, ${models} models + ${models} tests, ${runs} runs each`);
  console.log(`  cold (no partial parse): ${summary(cold)}`);
  console.log(`  warm (partial parse):    ${summary(warm)}`);
  console.log(`  floor (mdw --version):   ${summary(bare)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
