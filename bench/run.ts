/**
 * The mdw benchmark harness.
 *
 *   node dist/bench/run.js [--scale 1] [--runs 3] [--peer dbt|none] [--only name,name]
 *                          [--work-dir DIR] [--results-dir DIR] [--keep]
 *
 * Sections (the figures): floor, build, peer, startup, incremental, scale, generator,
 * iceberg, trino — see bench/README.md. Each section does its set-up, then the bench runs rounds: run i
 * of every section, then run i + 1, so that the runs a ratio compares are taken under the same
 * load of a shared machine. Every figure is the median of --runs runs, with min and max; targets
 * are ratios paired by round (lib/targets.ts). Writes bench/results/<YYYY-MM-DD>-<scale>.json
 * (with --only: <date>-<scale>-only-<names>.json) and prints the table. Progress goes to stderr.
 * Exit 1 when a section failed (targets missed are reported, not failures).
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { version as duckdbVersion } from '@duckdb/node-api';
import { REPO_ROOT, RESULTS_DIR } from './lib/paths.js';
import {
  type BenchResults,
  headline,
  SECTION_NAMES,
  type SectionName,
  type SectionResult,
  textTable,
  writeResults,
} from './lib/results.js';
import { computeTargets } from './lib/targets.js';
import { type DataInfo, Workspace } from './lib/workspace.js';
import { buildSection } from './sections/build.js';
import type { BenchContext, Section, SectionRun } from './sections/context.js';
import { floorSection } from './sections/floor.js';
import { generatorSection } from './sections/generator.js';
import { icebergSection } from './sections/iceberg.js';
import { incrementalSection } from './sections/incremental.js';
import { peerSection } from './sections/peer.js';
import { scaleSection } from './sections/scale.js';
import { startupSection } from './sections/startup.js';
import { trinoSection } from './sections/trino.js';

/**
 * Order within a round: the generator rewrites the landing (same bytes), build leaves the
 * warehouse the iceberg baseline reads in the same round.
 */
const SECTIONS: Section[] = [
  generatorSection,
  buildSection,
  floorSection,
  peerSection,
  startupSection,
  incrementalSection,
  scaleSection,
  icebergSection,
  trinoSection,
];

interface Options {
  scale: number;
  runs: number;
  peer: 'dbt' | 'none';
  only: SectionName[] | null;
  workDir: string;
  resultsDir: string;
  keep: boolean;
}

function parseOptions(argv: string[]): Options {
  const value = (name: string): string | undefined => {
    const index = argv.indexOf(`--${name}`);
    if (index >= 0) return argv[index + 1];
    return argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  };
  const scale = Number(value('scale') ?? 1);
  const runs = Number(value('runs') ?? 3);
  if (!(scale > 0)) throw new Error(`--scale must be a positive number`);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs must be a positive whole number`);
  const peer = value('peer') ?? 'dbt';
  if (peer !== 'dbt' && peer !== 'none') throw new Error(`--peer must be dbt or none`);
  const onlyText = value('only');
  let only: SectionName[] | null = null;
  if (onlyText) {
    only = onlyText.split(',').map((s) => s.trim()) as SectionName[];
    const unknown = only.filter((s) => !SECTION_NAMES.includes(s));
    if (unknown.length > 0)
      throw new Error(`--only: unknown section(s) ${unknown.join(', ')}; use ${SECTION_NAMES.join(', ')}`);
    only = SECTION_NAMES.filter((s) => only!.includes(s));
  }
  return {
    scale,
    runs,
    peer,
    only,
    workDir: resolve(value('work-dir') ?? process.env.MDW_BENCH_DIR ?? join(tmpdir(), 'mdw-bench')),
    resultsDir: resolve(value('results-dir') ?? RESULTS_DIR),
    keep: argv.includes('--keep'),
  };
}

function log(line: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}

function git(args: string[]): string | null {
  const r = spawnSync('git', ['--no-optional-locks', ...args], { cwd: REPO_ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

const USAGE = `usage: node dist/bench/run.js [--scale 1] [--runs 3] [--peer dbt|none] [--only name,name]
                          [--work-dir DIR] [--results-dir DIR] [--keep]
sections: ${SECTION_NAMES.join(', ')} (trino only when --only names it); see bench/README.md`;

async function main(): Promise<number> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const options = parseOptions(process.argv.slice(2));
  const startedAt = new Date();
  const ws = new Workspace(options.workDir, log);
  log(`work dir ${options.workDir}; scale ${options.scale}; ${options.runs} run(s); peer ${options.peer}`);
  let data: Promise<DataInfo> | undefined;
  const ctx: BenchContext = {
    ws,
    scale: options.scale,
    runs: options.runs,
    peer: options.peer,
    log,
    data: () => {
      data ??= ws.ensureData(options.scale);
      return data;
    },
    selected: SECTIONS.map((s) => s.name).filter((name) => !options.only || options.only.includes(name)),
    only: options.only,
    done: {},
  };
  const venv = options.peer === 'dbt' ? await ws.dbtVenv() : null;
  const loadBefore = loadavg().map((x) => Number(x.toFixed(2)));
  let failed = false;
  const fail = (name: SectionName, error: unknown): SectionResult => {
    failed = true;
    const message = (error as Error).message;
    log(`${name} FAILED: ${message}`);
    return { status: 'failed', note: message.slice(0, 2000), metrics: {} };
  };
  // Set-up of every section (unmeasured), then rounds: run i of every section, then run i + 1.
  const running = new Map<SectionName, SectionRun>();
  for (const section of SECTIONS) {
    if (!ctx.selected.includes(section.name)) continue;
    log(`— ${section.name}: set-up —`);
    try {
      const started = await section.start(ctx);
      if ('once' in started) running.set(section.name, started);
      else ctx.done[section.name] = started;
    } catch (error) {
      ctx.done[section.name] = fail(section.name, error);
    }
  }
  for (let run = 1; run <= options.runs; run++) {
    log(`— round ${run}/${options.runs} —`);
    for (const [name, section] of running) {
      try {
        await section.once(run);
      } catch (error) {
        ctx.done[name] = fail(name, error);
        running.delete(name);
      }
    }
  }
  for (const name of SECTION_NAMES) {
    const section = running.get(name);
    if (!section) continue;
    try {
      ctx.done[name] = await section.finish();
    } catch (error) {
      ctx.done[name] = fail(name, error);
    }
  }
  const info = await ctx.data().catch(() => null);
  const sections: BenchResults['sections'] = {};
  for (const name of SECTION_NAMES) if (ctx.done[name]) sections[name] = ctx.done[name];
  const results: BenchResults = {
    version: 1,
    date: startedAt.toISOString().slice(0, 10),
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    commit: git(['rev-parse', '--short', 'HEAD']),
    scale: options.scale,
    runs: options.runs,
    only: options.only,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      memoryGiB: Number((totalmem() / 2 ** 30).toFixed(1)),
      node: process.version,
      duckdb: duckdbVersion(),
      dbt: venv ? ws.dbtVersions(venv) : null,
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadavg().map((x) => Number(x.toFixed(2))),
      localChanges: (git(['status', '--porcelain', '--untracked-files=no']) ?? '') !== '',
      memoryMethod:
        'peak RSS of the process tree: max of (sum of VmRSS over the tree, sampled every 50 ms; ' +
        "each process's VmHWM; GNU time %M)",
    },
    data: info
      ? {
          scale: info.scale,
          seed: 42,
          salesRows: info.salesRows,
          landingMB: Number((info.bytes / 1e6).toFixed(1)),
        }
      : {},
    sections,
    targets: computeTargets(sections, options.scale),
  };
  const file = writeResults(options.resultsDir, results);
  if (!options.keep) {
    for (const side of ['mdw', 'dbt', 'floor', 'inc', 'scale1']) {
      rmSync(join(options.workDir, side, 'warehouse'), { recursive: true, force: true });
    }
  }
  console.log(`${headline(results)}\n\n${textTable(results)}\n\nwritten: ${file}`);
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error((error as Error).message);
    process.exit(2);
  },
);
