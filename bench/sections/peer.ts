/**
 * 3. The peer: dbt-core + dbt-duckdb (`dbt build`, the pinned venv of scripts/python-venv.sh) on
 * its own copy of dbt/, the same landing, an empty warehouse per run, cwd = the project copy.
 * dbt keeps target/partial_parse.msgpack between runs as mdw keeps its partial_parse.json.
 */
import { checkAllPassed, nodeSeconds, readRunResults } from '../lib/artifacts.js';
import type { SectionResult } from '../lib/results.js';
import { medianByKey } from '../lib/stats.js';
import { nodeBreakdown } from './build.js';
import { type BenchContext, formatRun, type Section, Series } from './context.js';

export const peerSection: Section = {
  name: 'peer',
  async start(ctx: BenchContext) {
    if (ctx.peer === 'none') return { status: 'skipped', note: '--peer none', metrics: {} };
    const venv = await ctx.ws.dbtVenv();
    if (!venv) {
      return {
        status: 'not available',
        note: 'the dbt venv could not be created (scripts/python-venv.sh; needs Python 3.11)',
        metrics: {},
      };
    }
    const data = await ctx.data();
    const side = ctx.ws.side('dbt', data.rawDir);
    const series = new Series();
    const nodes: Record<string, number>[] = [];
    return {
      async once(run: number) {
        ctx.ws.freshWarehouse(side);
        const m = series.add(await ctx.ws.dbt(venv, side, ['build']));
        const results = readRunResults(side.projectDir);
        checkAllPassed(results, 'dbt build');
        nodes.push(nodeSeconds(results));
        ctx.log(`peer ${run}/${ctx.runs}: dbt build ${formatRun(m)}`);
      },
      finish(): SectionResult {
        const versions = ctx.ws.dbtVersions(venv);
        return {
          status: 'ok',
          metrics: series.metrics('dbt', 'dbt build (dbt-core + dbt-duckdb, same project and data)'),
          details: {
            versions,
            command: 'dbt build',
            ...nodeBreakdown(ctx, side.projectDir, medianByKey(nodes)),
          },
        };
      },
    };
  },
};
