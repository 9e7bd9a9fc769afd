/**
 * Run one command and measure it: wall time, CPU time and peak memory of its whole process tree.
 *
 * Peak memory. GNU time's `%M` (ru_maxrss) is the high-water mark of the largest *single* process
 * waited for, not of the tree. So a sampler walks the tree every 50 ms (children from
 * /proc/<pid>/task/<tid>/children, recursively) and reads each process's /proc/<pid>/status:
 *   - the sum of VmRSS over the tree at each sample (the tree's resident memory at that moment);
 *   - each process's VmHWM (its own exact high-water mark, kept by the kernel).
 * The reported peak is the largest of: the largest summed sample, the largest single-process
 * VmHWM, and GNU time's %M when /usr/bin/time is available. For a single-process command (mdw,
 * dbt, the floor script) this is the exact peak RSS; for a tree it may miss a peak shorter than
 * 50 ms that occurs in two processes at once. Off Linux (no /proc) only %M is available.
 *
 * CPU time (user + system of the command and all its waited-for descendants) comes from GNU time
 * when it is installed; it is less sensitive than wall time to other work on a shared machine.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measurement {
  seconds: number;
  /** peak resident memory of the process tree, bytes (0 when it could not be read) */
  peakRssBytes: number;
  /** user + system seconds of the tree (null without GNU time) */
  cpuSeconds: number | null;
  code: number | null;
  signal: NodeJS.Signals | null;
  /** the last 64 KiB of each stream */
  stdout: string;
  stderr: string;
}

export interface MeasureOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** sampling period of the memory sampler (default 50 ms) */
  sampleMs?: number;
}

const GNU_TIME = '/usr/bin/time';
const KEEP_OUTPUT = 64 * 1024;

let gnuTimeUsable: boolean | undefined;
/** GNU time with -f/-o (BusyBox and BSD time lack them). */
function hasGnuTime(): boolean {
  if (gnuTimeUsable === undefined) {
    gnuTimeUsable = false;
    if (existsSync(GNU_TIME)) {
      try {
        const dir = mkdtempSync(join(tmpdir(), 'mdw-bench-time-'));
        const file = join(dir, 'out');
        const probe = spawnSync(GNU_TIME, ['-f', '%M', '-o', file, 'true']);
        gnuTimeUsable = probe.status === 0 && /^\d+\s*$/m.test(readFileSync(file, 'utf8'));
        rmSync(dir, { recursive: true, force: true });
      } catch {
        gnuTimeUsable = false;
      }
    }
  }
  return gnuTimeUsable;
}

/** Children of a process, all threads (Linux ≥ 3.5 with CONFIG_PROC_CHILDREN). */
function childrenOf(pid: number): number[] {
  const out: number[] = [];
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tasks) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim();
      if (text) for (const child of text.split(/\s+/)) out.push(Number(child));
    } catch {
      // the thread or process ended meanwhile
    }
  }
  return out;
}

function treeOf(root: number): number[] {
  const seen: number[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    if (seen.includes(pid)) continue;
    seen.push(pid);
    stack.push(...childrenOf(pid));
  }
  return seen;
}

/** VmRSS and VmHWM of a process in bytes, or null when it is gone. */
function memoryOf(pid: number): { rss: number; hwm: number } | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
  const kib = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text);
    return match ? Number(match[1]) * 1024 : 0;
  };
  return { rss: kib('VmRSS'), hwm: kib('VmHWM') };
}

class TreeSampler {
  private maxSum = 0;
  private readonly hwm = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly root: number,
    periodMs: number,
  ) {
    if (!existsSync('/proc/self/status')) return;
    this.sample();
    this.timer = setInterval(() => this.sample(), periodMs);
  }

  sample(): void {
    let sum = 0;
    for (const pid of treeOf(this.root)) {
      const memory = memoryOf(pid);
      if (!memory) continue;
      sum += memory.rss;
      if (memory.hwm > (this.hwm.get(pid) ?? 0)) this.hwm.set(pid, memory.hwm);
    }
    if (sum > this.maxSum) this.maxSum = sum;
  }

  stop(): number {
    if (this.timer) clearInterval(this.timer);
    return Math.max(this.maxSum, ...this.hwm.values(), 0);
  }
}

/** Run `cmd args` under the sampler (and GNU time when present); never rejects on a failing command. */
export function measure(cmd: string, args: string[], options: MeasureOptions): Promise<Measurement> {
  const useTime = hasGnuTime();
  const timeDir = useTime ? mkdtempSync(join(tmpdir(), 'mdw-bench-time-')) : '';
  const timeFile = join(timeDir, 'time.txt');
  const [file, argv] = useTime
    ? [GNU_TIME, ['-f', '%e %U %S %M', '-o', timeFile, cmd, ...args]]
    : [cmd, args];
  const started = performance.now();
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    const child = spawn(file, argv, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const sampler = child.pid ? new TreeSampler(child.pid, options.sampleMs ?? 50) : undefined;
    child.stdout.setEncoding('utf8').on('data', (data: string) => {
      stdout = (stdout + data).slice(-KEEP_OUTPUT);
    });
    child.stderr.setEncoding('utf8').on('data', (data: string) => {
      stderr = (stderr + data).slice(-KEEP_OUTPUT);
    });
    const timer = options.timeoutMs
      ? setTimeout(() => {
          stderr += `\n[bench] timed out after ${options.timeoutMs} ms`;
          child.kill('SIGKILL');
        }, options.timeoutMs)
      : undefined;
    child.on('error', (error) => {
      stderr += `\n[bench] spawn error: ${error.message}`;
    });
    child.on('close', (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      if (timer) clearTimeout(timer);
      let peak = sampler?.stop() ?? 0;
      let cpuSeconds: number | null = null;
      if (useTime) {
        try {
          // A failing command adds "Command exited with non-zero status N" before the figures.
          const last = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1) ?? '';
          const [, user, system, maxKib] = last.split(/\s+/).map(Number);
          if (Number.isFinite(user) && Number.isFinite(system)) cpuSeconds = user! + system!;
          if (Number.isFinite(maxKib)) peak = Math.max(peak, maxKib! * 1024);
        } catch {
          // killed before time could write its report
        }
        rmSync(timeDir, { recursive: true, force: true });
      }
      resolve({ seconds, peakRssBytes: peak, cpuSeconds, code, signal, stdout, stderr });
    });
  });
}

/** The last lines of a failed command's output, for error messages. */
export function tail(m: Pick<Measurement, 'stdout' | 'stderr'>, lines = 25): string {
  const text = `${m.stdout}\n${m.stderr}`.trim().split('\n');
  return text.slice(-lines).join('\n');
}

/** measure(), throwing when the command fails. */
export async function measureOk(
  label: string,
  cmd: string,
  args: string[],
  options: MeasureOptions,
): Promise<Measurement> {
  const m = await measure(cmd, args, options);
  if (m.code !== 0) {
    throw new Error(
      `${label} failed (exit ${m.code ?? m.signal}) after ${m.seconds.toFixed(1)} s:\n${tail(m)}`,
    );
  }
  return m;
}
