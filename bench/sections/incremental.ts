/**
 * 5. Incremental, on the daily landing layout (`sales/partition=YYYYMMDD/`, what the daily
 * pipeline expects; built with --vars '{sales_layout: daily}'): the landing is generated once
 * with --daily at the bench's scale and seed (not measured), then per run, on a private copy
 * and an empty warehouse:
 *   `mdw build` (the full build, measured: the ratio's denominator, same conditions),
 *   `mdw generate --day <last day + 1>` (one more day's folder, measured apart),
 *   `mdw build` again (measured: the added day's build — the fact reads the new folder only, the
 *   daily aggregates replace that day, the cur tests check that day).
 * Target: incremental build ≤ 5 % of the full build, and the added day's build reads at most
 * twice the day's raw sales rows (rows_read_by_source in run_results.json, DuckDB's profiler).
 */
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { checkAllPassed, nodeSeconds, readRunResults } from '../lib/artifacts.js';
import { measureOk } from '../lib/measure.js';
import { MDW_BIN } from '../lib/paths.js';
import type { SectionResult } from '../lib/results.js';
import { medianByKey } from '../lib/stats.js';
import { nextDay, SEED } from '../lib/workspace.js';
import { nodeBreakdown } from './build.js';
import { type BenchContext, formatRun, metric, type Section, Series } from './context.js';

export const incrementalSection: Section = {
  name: 'incremental',
  async start(ctx: BenchContext) {
    const data = await ctx.data();
    const dailyDir = join(ctx.ws.workDir, 'inc', 'daily');
    const rawDir = join(ctx.ws.workDir, 'inc', 'raw');
    const side = ctx.ws.side('inc', rawDir);
    const daily = ['--vars', '{sales_layout: daily}'];
    rmSync(dailyDir, { recursive: true, force: true });
    await measureOk(
      'mdw generate --daily',
      process.execPath,
      [
        MDW_BIN,
        'generate',
        '--daily',
        '--scale',
        String(ctx.scale),
        '--seed',
        String(SEED),
        '--out',
        dailyDir,
      ],
      { cwd: ctx.ws.workDir, env: ctx.ws.env(side) },
    );
    const day = nextDay(data.lastDay);
    const full = new Series();
    const append = new Series();
    const incremental = new Series();
    const nodes: Record<string, number>[] = [];
    let factMessage: string | null = null;
    let appendedRows: number | null = null;
    const rawSalesRead: number[] = [];
    const rawSalesReadRatio: number[] = [];
    return {
      async once(run: number) {
        rmSync(rawDir, { recursive: true, force: true });
        cpSync(dailyDir, rawDir, { recursive: true });
        ctx.ws.freshWarehouse(side);
        const f = full.add(await ctx.ws.mdw(side, ['build', ...daily]));
        checkAllPassed(readRunResults(side.projectDir), 'mdw build (full)');
        const a = append.add(
          await measureOk(
            'mdw generate --day',
            process.execPath,
            [MDW_BIN, 'generate', '--day', day, '--out', rawDir],
            {
              cwd: ctx.ws.workDir,
              env: ctx.ws.env(side),
            },
          ),
        );
        appendedRows = Number(
          /Added sales of \d+ to .*?: ([\d,]+) rows/.exec(a.stdout)?.[1]?.replaceAll(',', '') ?? Number.NaN,
        );
        const i = incremental.add(await ctx.ws.mdw(side, ['build', ...daily]));
        const results = readRunResults(side.projectDir);
        checkAllPassed(results, 'mdw build (incremental)');
        nodes.push(nodeSeconds(results));
        const salesRead = results.reduce((sum, r) => sum + (r.rowsReadBySource['grocery.sales'] ?? 0), 0);
        rawSalesRead.push(salesRead);
        if (appendedRows && appendedRows > 0) rawSalesReadRatio.push(salesRead / appendedRows);
        factMessage = results.find((r) => r.uniqueId.endsWith('.mdw_cur_ft_sales'))?.message ?? null;
        rmSync(rawDir, { recursive: true, force: true });
        ctx.ws.freshWarehouse(side);
        ctx.log(
          `incremental ${run}/${ctx.runs}: full ${formatRun(f)}; generate --day ${day} ${a.seconds.toFixed(2)} s; ` +
            `incremental build ${formatRun(i)} (${factMessage ?? '?'}; read ${salesRead} raw sales rows for ${appendedRows ?? '?'} landed)`,
        );
      },
      finish(): SectionResult {
        return {
          status: 'ok',
          metrics: {
            ...full.metrics('full', 'mdw build on an empty warehouse (full, daily layout)'),
            ...append.metrics('append', `mdw generate --day ${day} (one more day)`),
            ...incremental.metrics(
              'incremental',
              `mdw build after one more day (${appendedRows ?? '?'} sales rows)`,
            ),
            rawSalesRead: metric('raw sales rows read by the added day', 'rows', rawSalesRead),
            rawSalesReadRatio: metric(
              'raw sales rows read by the added day / rows of that day',
              'ratio',
              rawSalesReadRatio,
            ),
          },
          details: {
            layout: 'daily',
            day,
            appendedRows,
            factResult: factMessage,
            ...nodeBreakdown(ctx, side.projectDir, medianByKey(nodes)),
          },
        };
      },
    };
  },
};
