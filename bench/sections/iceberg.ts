/**
 * 8. Iceberg overhead: writing the rows of the largest table, mdw_cur.mdw_cur_ft_sales (6.7 M
 * rows at scale 1, read from the warehouse section 2 built in the same round), as an Iceberg
 * table with mdw's lakehouse writer (Parquet data files with field ids and statistics from
 * src/adapters/duckdb/iceberg; Avro manifests, manifest list, metadata.json and the SQLite
 * catalog commit from src/lakehouse/iceberg) against
 * writing the same rows as Parquet without any metadata:
 *
 *   parquet          COPY (select * from mdw_cur.mdw_cur_ft_sales) TO '…/data.parquet' (FORMAT parquet)
 *                    — the plain baseline, for information;
 *   parquet-matched  the same with COMPRESSION zstd, PARTITION_BY (partition) — what the Iceberg
 *                    writer does minus the metadata: the target's denominator;
 *   iceberg          openCatalog → schemaForSelect → createTable(partitioned) → writeDataFiles → append.
 *
 * Each write runs in its own process (bench/iceberg-write.ts; wall time and peak RSS measured
 * as for any command); the ratio uses the write time the child reports (without Node start and
 * database open, which are the same for both). The three alternate within each round.
 * Target: iceberg ≤ 1.1 × parquet-matched. Both read an already built relation, so the ratio
 * isolates the writer, not the model's joins. (bench/iceberg-overhead.ts measures the same on
 * a synthetic in-memory table: `npm run bench:iceberg`.)
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { WriteMode } from '../iceberg-write.js';
import { measureOk } from '../lib/measure.js';
import { ICEBERG_WRITE_JS } from '../lib/paths.js';
import type { SectionResult } from '../lib/results.js';
import { type BenchContext, formatRun, metric, type Section, Series } from './context.js';

const RELATION = 'mdw_cur.mdw_cur_ft_sales';

export const icebergSection: Section = {
  name: 'iceberg',
  async start(ctx: BenchContext) {
    if (!existsSync(ICEBERG_WRITE_JS)) {
      return { status: 'not available', note: `no ${ICEBERG_WRITE_JS} (npm run build)`, metrics: {} };
    }
    if (!ctx.selected.includes('build')) {
      return { status: 'not available', note: 'needs the warehouse of section 2 (build)', metrics: {} };
    }
    const warehouse = join(ctx.ws.workDir, 'mdw', 'warehouse', 'mdw.duckdb');
    const dir = join(ctx.ws.workDir, 'iceberg');
    const modes: WriteMode[] = ['parquet', 'parquet-matched', 'iceberg'];
    const series = Object.fromEntries(modes.map((m) => [m, new Series()])) as Record<WriteMode, Series>;
    const writeSeconds = Object.fromEntries(modes.map((m) => [m, [] as number[]])) as Record<
      WriteMode,
      number[]
    >;
    let files: Record<string, number> = {};
    return {
      async once(run: number) {
        if (!existsSync(warehouse))
          throw new Error(`iceberg: no warehouse at ${warehouse} (section 2 failed?)`);
        const line: string[] = [];
        for (const mode of modes) {
          rmSync(dir, { recursive: true, force: true });
          mkdirSync(dir, { recursive: true });
          const timings = join(ctx.ws.workDir, 'iceberg-timings.json');
          const m = series[mode].add(
            await measureOk(
              `iceberg-write ${mode}`,
              process.execPath,
              [ICEBERG_WRITE_JS, warehouse, RELATION, mode, dir, timings],
              {
                cwd: ctx.ws.workDir,
              },
            ),
          );
          const reported = JSON.parse(readFileSync(timings, 'utf8')) as {
            writeSeconds: number;
            files: number;
          };
          writeSeconds[mode].push(reported.writeSeconds);
          files = { ...files, [mode]: reported.files };
          line.push(`${mode} ${reported.writeSeconds.toFixed(2)} s (${formatRun(m)})`);
        }
        rmSync(dir, { recursive: true, force: true });
        ctx.log(`iceberg ${run}/${ctx.runs}: ${line.join('; ')}`);
      },
      finish(): SectionResult {
        return {
          status: 'ok',
          metrics: {
            parquetSeconds: metric(
              `COPY ${RELATION} TO parquet (plain, no metadata): write`,
              's',
              writeSeconds.parquet,
            ),
            parquetMatchedSeconds: metric(
              'same, zstd + PARTITION_BY (partition) as the Iceberg writer: write',
              's',
              writeSeconds['parquet-matched'],
            ),
            icebergSeconds: metric(
              `Iceberg table of ${RELATION} (mdw lakehouse writer): write`,
              's',
              writeSeconds.iceberg,
            ),
            ...series.parquet.metrics('parquetProcess', 'plain Parquet, whole process'),
            ...series['parquet-matched'].metrics('parquetMatchedProcess', 'matched Parquet, whole process'),
            ...series.iceberg.metrics('icebergProcess', 'Iceberg write, whole process'),
          },
          details: { relation: RELATION, files },
        };
      },
    };
  },
};
