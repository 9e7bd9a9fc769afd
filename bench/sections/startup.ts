/**
 * 4. Start-up: `mdw ls` vs `dbt ls` on dbt/ (all resources, default selector output).
 *   warm — partial parsing allowed on both: an unmeasured priming run, then the measured run
 *          (mdw reads target/partial_parse.json, dbt target/partial_parse.msgpack);
 *   cold — `--no-partial-parse` on both (every file parsed and rendered).
 * Also `mdw --version`: Node's own start-up plus mdw's CLI module, the floor of any mdw command.
 * Runs alternate mdw / dbt so that load changes on a shared machine hit both.
 */

import { measureOk } from '../lib/measure.js';
import { MDW_BIN } from '../lib/paths.js';
import type { SectionResult } from '../lib/results.js';
import { type BenchContext, type Section, Series } from './context.js';

export const startupSection: Section = {
  name: 'startup',
  async start(ctx: BenchContext) {
    const data = await ctx.data(); // ls does not read data; the profile's env vars point here
    const mdwSide = ctx.ws.side('mdw', data.rawDir);
    const venv = ctx.peer === 'dbt' ? await ctx.ws.dbtVenv() : null;
    const dbtSide = venv ? ctx.ws.side('dbt', data.rawDir) : null;
    const series = {
      mdwCold: new Series(),
      mdwWarm: new Series(),
      dbtCold: new Series(),
      dbtWarm: new Series(),
      version: new Series(),
    };
    const median = (s: Series) =>
      [...s.seconds].sort((a, b) => a - b)[Math.floor(s.seconds.length / 2)] ?? NaN;
    return {
      async once(run: number) {
        series.mdwCold.add(await ctx.ws.mdw(mdwSide, ['ls', '--no-partial-parse']));
        if (venv && dbtSide)
          series.dbtCold.add(await ctx.ws.dbt(venv, dbtSide, ['ls', '--no-partial-parse']));
        // Prime (the project copies are shared with other sections, which rewrite target/).
        await ctx.ws.mdw(mdwSide, ['ls']);
        if (venv && dbtSide) await ctx.ws.dbt(venv, dbtSide, ['ls']);
        series.mdwWarm.add(await ctx.ws.mdw(mdwSide, ['ls']));
        if (venv && dbtSide) series.dbtWarm.add(await ctx.ws.dbt(venv, dbtSide, ['ls']));
        series.version.add(
          await measureOk('mdw --version', process.execPath, [MDW_BIN, '--version'], {
            cwd: mdwSide.projectDir,
          }),
        );
        ctx.log(
          `startup ${run}/${ctx.runs}: mdw ls warm ${series.mdwWarm.seconds.at(-1)?.toFixed(2)} s, cold ${series.mdwCold.seconds.at(-1)?.toFixed(2)} s` +
            (venv
              ? `; dbt ls warm ${series.dbtWarm.seconds.at(-1)?.toFixed(2)} s, cold ${series.dbtCold.seconds.at(-1)?.toFixed(2)} s`
              : ''),
        );
      },
      finish(): SectionResult {
        ctx.log(`startup: median mdw ls warm ${median(series.mdwWarm).toFixed(2)} s`);
        return {
          status: 'ok',
          note: venv ? undefined : 'dbt not measured (no venv or --peer none): no ratio',
          metrics: {
            ...series.mdwWarm.metrics('mdwWarm', 'mdw ls, warm (partial parse)'),
            ...series.mdwCold.metrics('mdwCold', 'mdw ls --no-partial-parse (cold)'),
            ...(venv
              ? {
                  ...series.dbtWarm.metrics('dbtWarm', 'dbt ls, warm (partial parse)'),
                  ...series.dbtCold.metrics('dbtCold', 'dbt ls --no-partial-parse (cold)'),
                }
              : {}),
            ...series.version.metrics('version', 'mdw --version (Node + CLI start-up)'),
          },
        };
      },
    };
  },
};
