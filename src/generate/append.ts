/**
 * appendDay: one more day of sales after the existing range, for incremental loads.
 *
 * Where the day goes depends on the landing already there:
 * - daily landing (sales/): a new `sales/partition=YYYYMMDD/part-00000.csv`, plus
 *   `sales/partition=__HIVE_DEFAULT_PARTITION__/part-YYYYMMDD.csv` for its undated
 *   rows. Both are written as `*.csv.tmp` and renamed when complete (undated file
 *   first), so a loader globbing `*.csv` never sees half a drop.
 * - single landing (sales.csv): the rows are appended to sales.csv. Writing a
 *   partition folder next to sales.csv would leave two sales landings that a loader
 *   could not tell apart, so that is refused rather than done. Appending is not
 *   atomic: a crash mid-way leaves a partial day and an unchanged state file.
 *
 * SalesIDs continue after the current maximum; foreign keys point at existing
 * employees, customers and products. The day must come after the current range
 * (gaps are allowed, like a closed store). Appended rows are clean even when the
 * landing was generated dirty. State comes from `_mdw_generate.json`, or from one
 * scan of the files when the landing was not written by generateDataset.
 */
import { existsSync } from 'node:fs';
import { open, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MdwError } from '../util/errors.js';
import { parseDayKey } from './calendar.js';
import { datedPartFile, outPath, SALES_FILE, undatedPartFile } from './layout.js';
import { type GenerateReport, tableTotals } from './report.js';
import { SalesContext } from './sales.js';
import { writeSalesDays } from './sales-writer.js';
import { FileSink } from './sink.js';
import { appendedDayRows, BASE_ROWS, checkScale, checkSeed } from './sizes.js';
import { detectLayout, type GenerateState, readState, scanLanding, statePools, writeState } from './state.js';

export interface AppendDayOptions {
  outDir: string;
  /** The new day, YYYYMMDD. */
  day: string;
  /** Default: the seed recorded by generateDataset (42 when there is none). */
  seed?: number;
  /** Default: the recorded scale (estimated from the row count when there is none). */
  scale?: number;
}

export async function appendDay(options: AppendDayOptions): Promise<GenerateReport> {
  const started = performance.now();
  const { outDir } = options;
  const day = parseDayKey(options.day);
  if (!existsSync(outDir)) throw new MdwError(`Cannot append sales: folder ${outDir} does not exist.`);

  const layout = detectLayout(outDir);
  let state = await readState(outDir);
  let pools: ReturnType<typeof statePools>;
  if (state && state.layout === layout) {
    pools = statePools(state);
  } else {
    const scan = await scanLanding(outDir);
    pools = scan;
    state = {
      version: 1,
      seed: state?.seed ?? 42,
      scale: state?.scale ?? Math.max(scan.salesRows / BASE_ROWS.sales, 1e-9),
      layout,
      dirty: state?.dirty ?? false,
      firstDay: scan.firstDay,
      lastDay: scan.lastDay,
      maxSalesId: scan.maxSalesId,
      salesRows: scan.salesRows,
      keys: { employees: scan.employees.size, customers: scan.customers.size, products: scan.products.size },
      appendedDays: state?.appendedDays ?? [],
    };
  }
  const seed = checkSeed(options.seed ?? state.seed);
  const scale = checkScale(options.scale ?? state.scale);
  refuseDay(outDir, options.day, day, state);

  const rows = appendedDayRows(seed, scale, day);
  const ctx = new SalesContext(seed, pools.employees, pools.customers, pools.products);
  const salesStarted = performance.now();
  const single = layout === 'single' ? new FileSink(join(outDir, SALES_FILE), { append: true }) : undefined;
  let result: Awaited<ReturnType<typeof writeSalesDays>>;
  try {
    single?.write(await missingNewline(join(outDir, SALES_FILE)));
    result = await writeSalesDays({
      outDir,
      ctx,
      layout,
      days: [{ day, rows }],
      firstId: state.maxSalesId + 1,
      atomic: true,
      ...(single && { single }),
    });
  } catch (error) {
    if (layout === 'daily') {
      // Leave no half drop behind: the day's folder did not exist before (refuseDay),
      // so its undated file can only come from this attempt.
      const undated = outPath(outDir, undatedPartFile(options.day));
      await rm(dirname(outPath(outDir, datedPartFile(options.day))), { recursive: true, force: true });
      await rm(`${undated}.tmp`, { force: true });
      await rm(undated, { force: true });
    }
    throw error;
  } finally {
    single?.close();
  }
  const salesSeconds = (performance.now() - salesStarted) / 1000;

  const next: GenerateState = {
    ...state,
    seed,
    scale,
    lastDay: options.day,
    maxSalesId: result.lastId,
    salesRows: state.salesRows + result.rows,
    appendedDays: [...state.appendedDays, options.day],
  };
  await writeState(outDir, next);
  return {
    outDir,
    seed,
    scale,
    layout,
    dirty: false,
    files: result.files,
    tables: tableTotals(result.files),
    days: { first: options.day, last: options.day, count: 1 },
    salesIds: { first: state.maxSalesId + 1, last: result.lastId },
    seconds: (performance.now() - started) / 1000,
    salesSeconds,
    salesRowsPerSecond: Math.round(result.rows / Math.max(salesSeconds, 1e-9)),
    dirtyEntries: 0,
  };
}

/** Refuses a day inside or before the existing range, or whose folder already exists. */
function refuseDay(outDir: string, key: string, day: number, state: GenerateState): void {
  const range = `${state.firstDay}–${state.lastDay}`;
  const exists =
    (state.layout === 'daily' && existsSync(dirname(outPath(outDir, datedPartFile(key))))) ||
    (day >= parseDayKey(state.firstDay) && day <= parseDayKey(state.lastDay));
  if (exists) {
    throw new MdwError(
      `Day ${key} already exists in ${outDir} (sales cover ${range}); appendDay only adds new days.`,
    );
  }
  if (day < parseDayKey(state.lastDay)) {
    throw new MdwError(
      `Day ${key} is not after the existing sales range ${range} in ${outDir}; appendDay only adds days after ${state.lastDay}.`,
    );
  }
}

/** "\n" when the file does not end with one (a hand-edited file), so the first new row starts on its own line. */
async function missingNewline(path: string): Promise<string> {
  const { size } = await stat(path);
  if (size === 0) return '';
  const handle = await open(path, 'r');
  try {
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] === 0x0a ? '' : '\n';
  } finally {
    await handle.close();
  }
}
