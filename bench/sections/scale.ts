/**
 * 6. Scale: only when the bench runs at a scale other than 1 (the issue: --scale 10, 67.6 M sales
 * rows). Figures: peak RSS of the full build at that scale (target ≤ 6 GiB) and its seconds per
 * million sales rows against a scale-1 full build measured in the same process run (target
 * ≤ 1.3×). The scale-S build is section 2's when it ran, else measured here.
 * The profile's DuckDB memory settings in force are recorded (dbt/profiles.yml, target local).
 */
import { checkAllPassed, readRunResults } from '../lib/artifacts.js';
import { localTarget } from '../lib/profile-settings.js';
import type { SectionResult } from '../lib/results.js';
import { FULL_BUILD } from './build.js';
import { type BenchContext, formatRun, metric, type Section, Series } from './context.js';

export const scaleSection: Section = {
  name: 'scale',
  async start(ctx: BenchContext) {
    const data = await ctx.data();
    const memory = profileMemorySettings();
    const perMillion = (seconds: number[], rows: number) => seconds.map((s) => s / (rows / 1e6));
    if (ctx.scale === 1) {
      // Nothing to measure; report section 2's scale-1 figure per million rows when it ran.
      return {
        async once() {},
        finish(): SectionResult {
          const built = ctx.done.build?.metrics.fullSeconds;
          return {
            status: 'skipped',
            note: 'only with --scale 10 (any scale ≠ 1)',
            metrics: built
              ? {
                  baseSecondsPerMillion: metric(
                    'mdw build --full-refresh per million sales rows, scale 1 (section 2)',
                    's/M rows',
                    perMillion(built.stats.values, data.salesRows),
                  ),
                }
              : {},
            details: { profileMemorySettings: memory },
          };
        },
      };
    }
    // The scale-S build is section 2's when it runs in this process, else measured here.
    const own = ctx.selected.includes('build') ? null : new Series();
    const base = await ctx.ws.ensureData(1);
    const baseSeries = new Series();
    return {
      async once(run: number) {
        if (own) await fullBuild(ctx, 'mdw', data.rawDir, own, run);
        await fullBuild(ctx, 'scale1', base.rawDir, baseSeries, run);
      },
      finish(): SectionResult {
        const built = ctx.done.build?.metrics;
        const seconds = own ? own.seconds : (built?.fullSeconds?.stats.values ?? []);
        const peak = own ? own.peakRss : (built?.fullPeakRss?.stats.values ?? []);
        if (seconds.length === 0) throw new Error('scale: no full build at this scale was measured');
        return {
          status: 'ok',
          metrics: {
            secondsPerMillion: metric(
              `mdw build --full-refresh per million sales rows, scale ${ctx.scale} (${(data.salesRows / 1e6).toFixed(1)} M)`,
              's/M rows',
              perMillion(seconds, data.salesRows),
            ),
            peakRss: metric(`mdw build --full-refresh, scale ${ctx.scale}: peak RSS`, 'bytes', peak),
            baseSecondsPerMillion: metric(
              `same at scale 1 (${(base.salesRows / 1e6).toFixed(2)} M), this process run`,
              's/M rows',
              perMillion(baseSeries.seconds, base.salesRows),
            ),
            ...baseSeries.metrics('base', 'mdw build --full-refresh, scale 1'),
          },
          details: {
            profileMemorySettings: memory,
            salesRows: data.salesRows,
            baseSalesRows: base.salesRows,
          },
        };
      },
    };
  },
};

async function fullBuild(ctx: BenchContext, sideName: string, rawDir: string, series: Series, run: number) {
  const side = ctx.ws.side(sideName, rawDir);
  ctx.ws.freshWarehouse(side);
  const m = series.add(await ctx.ws.mdw(side, FULL_BUILD));
  checkAllPassed(readRunResults(side.projectDir), `mdw build (${sideName})`);
  ctx.log(`scale ${run}/${ctx.runs}: ${sideName} mdw build --full-refresh ${formatRun(m)}`);
}

/** memory_limit / temp_directory / threads and `settings:` of the local target, as written. */
function profileMemorySettings(): Record<string, unknown> {
  try {
    const target = localTarget();
    const keys = ['threads', 'memory_limit', 'temp_directory', 'settings'];
    return Object.fromEntries(keys.filter((k) => k in target).map((k) => [k, target[k]]));
  } catch (error) {
    return { error: (error as Error).message };
  }
}
