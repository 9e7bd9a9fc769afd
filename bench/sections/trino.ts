/**
 * 9. mdw build --full-refresh --target trino: the whole warehouse (all data tests included) on
 * the local Trino 476 of scripts/trino.sh, from the same landing the local build reads, beside
 * figure 2's local build. A server already running (scripts/trino.sh status) is reused; else one
 * is started when its artifacts are in the cache and stopped at the end; without them the
 * section is skipped, saying why. No target yet: the figure is reported for information.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { checkAllPassed, readRunResults } from '../lib/artifacts.js';
import { REPO_ROOT } from '../lib/paths.js';
import type { SectionResult } from '../lib/results.js';
import { type BenchContext, formatRun, type Section, Series } from './context.js';

const TRINO_SH = join(REPO_ROOT, 'scripts', 'trino.sh');
/** scripts/trino.sh's pinned version: its unpacked server folder says the artifacts are there */
const TRINO_VERSION = '476';
export const TRINO_BUILD = ['build', '--full-refresh', '--target', 'trino'];

export const trinoSection: Section = {
  name: 'trino',
  async start(ctx: BenchContext) {
    // a 15-minute build per run at scale 1: only when asked for by name
    if (!ctx.only?.includes('trino'))
      return skipped('only with --only trino (one full build on Trino takes about 15 minutes at scale 1)');
    let url = trinoSh('status');
    let started = false;
    if (url === null) {
      const server = join(cacheDir(), 'trino', TRINO_VERSION);
      if (!existsSync(join(server, '.complete')))
        return skipped(
          `the Trino ${TRINO_VERSION} artifacts are not in the cache (scripts/trino.sh download fetches them)`,
        );
      ctx.log('trino: starting the local server (scripts/trino.sh start, not measured)');
      url = trinoSh('start');
      if (url === null) return skipped('scripts/trino.sh start did not bring a server up (see its log)');
      started = true;
    }
    const server = new URL(url);
    const data = await ctx.data();
    const side = ctx.ws.side('trino', data.rawDir);
    const series = new Series();
    const stop = () => {
      if (started) trinoSh('stop');
    };
    return {
      async once(run: number) {
        // the profile `trino` of dbt/profiles.yml reads the server from these
        process.env.MDW_TRINO_HOST = server.hostname;
        process.env.MDW_TRINO_PORT = server.port;
        try {
          const m = series.add(await ctx.ws.mdw(side, TRINO_BUILD));
          checkAllPassed(readRunResults(side.projectDir), 'mdw build --target trino');
          ctx.log(`trino ${run}/${ctx.runs}: mdw ${TRINO_BUILD.join(' ')} ${formatRun(m)}`);
        } catch (error) {
          stop();
          throw error;
        } finally {
          delete process.env.MDW_TRINO_HOST;
          delete process.env.MDW_TRINO_PORT;
        }
      },
      finish(): SectionResult {
        stop();
        return {
          status: 'ok',
          metrics: series.metrics(
            'full',
            'mdw build --full-refresh --target trino (local Trino 476, one node)',
          ),
          details: { command: `mdw ${TRINO_BUILD.join(' ')}`, server: url, startedByBench: started },
        };
      },
    };
  },
};

/**
 * The heap of a server the bench starts. scripts/trino.sh's default (1536M, sized for the test
 * suites at small scales) leaves each query 30 % of it, about 450 MB, and the deduplication of
 * 6.76 M raw sales at scale 1 needs more than that; with 8G, four data tests deduplicating at
 * once (the profile's 4 threads) exhausted the node's memory pool (CLUSTER_OUT_OF_MEMORY).
 * MDW_TRINO_HEAP still wins when set.
 */
const BENCH_TRINO_HEAP = '12G';

/** `scripts/trino.sh <command>`'s URL on stdout, or null when it failed. */
function trinoSh(command: 'status' | 'start' | 'stop'): string | null {
  const result = spawnSync('bash', [TRINO_SH, command], {
    encoding: 'utf8',
    timeout: 15 * 60_000,
    env: {
      ...process.env,
      MDW_TRINO_HEAP: process.env.MDW_TRINO_HEAP ?? BENCH_TRINO_HEAP,
      // its own state folder: the test suites' server (the default folder) is never reused or stopped
      MDW_TRINO_RUN_DIR: process.env.MDW_TRINO_RUN_DIR ?? join(cacheDir(), 'trino', 'run-bench'),
    },
  });
  const url = result.stdout?.trim().split('\n').pop() ?? '';
  return result.status === 0 && /^https?:\/\//.test(url) ? url : null;
}

function cacheDir(): string {
  return process.env.MDW_CACHE_DIR ?? join(homedir(), '.cache', 'mdw');
}

function skipped(note: string): SectionResult {
  return { status: 'skipped', note, metrics: {} };
}
