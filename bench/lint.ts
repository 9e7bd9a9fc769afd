/**
 * `mdw lint` on a generated 300-model project (test/support/large-project.ts): the median of
 * N runs with min and max, next to `mdw ls` on the same project (the parse both share) and
 * `mdw --version` (the process floor), and in-process (load + lint, warm modules). Target: under 2 s. Run: npm run bench:lint [-- --runs 5 --models 300]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { lintProject } from '../src/lint/engine.js';
import { loadProject } from '../src/project/loader.js';
import { writeLargeProject } from '../test/support/large-project.js';
import { MDW_BIN } from '../test/support/project.js';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

/**
 * Wall and CPU (user + system) seconds of one run, by bash's `time` (CPU time is what the
 * machine's load does not inflate). Lint exits 1 on this project: its models do not follow
 * mdw's naming.
 */
function timeRun(args: string[], okCodes: number[] = [0]): { wall: number; cpu: number } {
  const result = spawnSync(
    'bash',
    ['-c', 'TIMEFORMAT="%R %U %S"; time node "$@" >/dev/null 2>/dev/null', 'bash', MDW_BIN, ...args],
    { encoding: 'utf8' },
  );
  if (!okCodes.includes(result.status ?? -1))
    throw new Error(`mdw ${args.join(' ')} failed: ${result.stderr}`);
  const [wall, user, system] = result.stderr.trim().split('\n').at(-1)!.split(' ').map(Number);
  return { wall: wall!, cpu: user! + system! };
}

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return `median ${median.toFixed(3)} s (min ${sorted[0]!.toFixed(3)}, max ${sorted.at(-1)!.toFixed(3)})`;
}

const runs = option('runs', 5);
const load = loadavg();
const models = option('models', 300);
const dir = mkdtempSync(join(tmpdir(), 'mdw-bench-lint-'));
try {
  writeLargeProject(dir, models);
  const base = ['--project-dir', dir, '--profiles-dir', dir];
  timeRun(['ls', ...base]); // writes target/partial_parse.json, as a developer's project has
  const lint = Array.from({ length: runs }, () => timeRun(['lint', ...base], [0, 1]));
  const ls = Array.from({ length: runs }, () => timeRun(['ls', ...base]));
  const bare = Array.from({ length: runs }, () => timeRun(['--version']));
  const wall = (list: { wall: number }[]) => list.map((r) => r.wall);
  const cpu = (list: { cpu: number }[]) => list.map((r) => r.cpu);
  // the same work inside this process: no Node start-up, no module loading after the first run
  const inProcess: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await lintProject(loadProject({ projectDir: dir, profilesDir: dir }));
    inProcess.push((performance.now() - started) / 1000);
  }
  console.log(`mdw lint, ${models} models, ${runs} runs each (target: under 2 s)`);
  console.log(
    `  load average at start: ${load.map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} cores`,
  );
  console.log(`  lint wall:             ${summary(wall(lint))}`);
  console.log(`  lint CPU (user+sys):   ${summary(cpu(lint))}`);
  console.log(`  lint in-process wall:  ${summary(inProcess)}`);
  console.log(`  ls wall / CPU:         ${summary(wall(ls))} / ${summary(cpu(ls))}`);
  console.log(`  floor (mdw --version): ${summary(wall(bare))} / ${summary(cpu(bare))}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
