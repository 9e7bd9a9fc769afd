/**
 * 7. The generator: `mdw generate --scale S --seed 42 --out <empty folder>`, wall time, peak RSS,
 * sales rows per second (sales rows / wall time of the whole command, so start-up and the small
 * tables count) and MB/s of CSV written. Each round rewrites the landing the other sections of
 * that round read (the generator is deterministic for a seed: the same bytes every time).
 */
import { rmSync } from 'node:fs';
import { measureOk } from '../lib/measure.js';
import { MDW_BIN } from '../lib/paths.js';
import type { SectionResult } from '../lib/results.js';
import { SEED } from '../lib/workspace.js';
import { type BenchContext, formatRun, metric, type Section, Series } from './context.js';

export const generatorSection: Section = {
  name: 'generator',
  async start(ctx: BenchContext) {
    const rawDir = ctx.ws.rawDir(ctx.scale);
    const series = new Series();
    const rowsPerSecond: number[] = [];
    const mbPerSecond: number[] = [];
    let reported: string | null = null;
    let salesRows = 0;
    let bytes = 0;
    return {
      async once(run: number) {
        rmSync(rawDir, { recursive: true, force: true });
        const m = series.add(
          await measureOk(
            'mdw generate',
            process.execPath,
            [MDW_BIN, 'generate', '--scale', String(ctx.scale), '--seed', String(SEED), '--out', rawDir],
            { cwd: ctx.ws.workDir },
          ),
        );
        const info = ctx.ws.existingData(ctx.scale);
        if (!info) throw new Error(`mdw generate left no usable state file in ${rawDir}`);
        salesRows = info.salesRows;
        bytes = info.bytes;
        rowsPerSecond.push(salesRows / m.seconds);
        mbPerSecond.push(bytes / 1e6 / m.seconds);
        reported = /([\d,]+) sales rows\/s/.exec(m.stdout)?.[1] ?? null;
        ctx.log(
          `generator ${run}/${ctx.runs}: ${formatRun(m)}, ${(salesRows / m.seconds / 1e6).toFixed(2)} M sales rows/s`,
        );
      },
      finish(): SectionResult {
        return {
          status: 'ok',
          metrics: {
            ...series.metrics(
              '',
              `mdw generate --scale ${ctx.scale} (${(salesRows / 1e6).toFixed(2)} M sales rows, ${(bytes / 1e6).toFixed(0)} MB)`,
            ),
            salesRowsPerSecond: metric(
              'mdw generate: sales rows per second (wall time of the command)',
              'rows/s',
              rowsPerSecond,
            ),
            megabytesPerSecond: metric('mdw generate: MB of CSV written per second', 'MB/s', mbPerSecond),
          },
          details: { salesRows, bytes, generatorReportedSalesRowsPerSecond: reported },
        };
      },
    };
  },
};
