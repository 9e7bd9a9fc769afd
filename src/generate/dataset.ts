/**
 * generateDataset: writes the seven files of the Grocery Sales Database into outDir,
 * deterministically from (seed, scale, daily, dirty). Earlier generator outputs in
 * outDir (sales.csv, sales/, the manifest and state file) are removed first so the
 * folder never mixes two runs or two layouts.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dayKey } from './calendar.js';
import { fileName, HEADERS, type TableName } from './csv.js';
import { DIRTY_CASES, DirtyLog, forcedPositions, SALES_CASES } from './dirty.js';
import { rangePool } from './keys.js';
import { type Layout, MANIFEST_FILE, SALES_DIR, SALES_FILE, STATE_FILE } from './layout.js';
import {
  categories,
  cities,
  countries,
  employees,
  products,
  type Records,
  writeCustomers,
  writeRecords,
} from './reference.js';
import { type FileReport, type GenerateProgress, type GenerateReport, tableTotals } from './report.js';
import { SalesContext } from './sales.js';
import { writeSalesDays } from './sales-writer.js';
import { FileSink } from './sink.js';
import {
  BASE_ROWS,
  checkScale,
  checkSeed,
  customerRows,
  FIRST_SALES_DAY,
  LAST_SALES_DAY,
  rowsPerDay,
  salesRows,
} from './sizes.js';
import { type GenerateState, writeState } from './state.js';

export interface GenerateOptions {
  outDir: string;
  /** Sales rows = 6,758,125 × scale; customers = 98,759 × √scale. Default 1. */
  scale?: number;
  /** Default 42. */
  seed?: number;
  /** Write sales as daily Hive-style partitions instead of one sales.csv (see layout.ts). */
  daily?: boolean;
  /** Inject the row-level dirty cases and write dirty_manifest.json. */
  dirty?: boolean;
  onProgress?: (info: GenerateProgress) => void;
}

/** Writes one whole table file through `write` and reports it. */
function writeTable(outDir: string, table: TableName, write: (sink: FileSink) => void): FileReport {
  const sink = new FileSink(join(outDir, fileName(table)));
  try {
    write(sink);
  } finally {
    sink.close();
  }
  return { file: fileName(table), table, rows: sink.rows, bytes: sink.bytes };
}

export async function generateDataset(options: GenerateOptions): Promise<GenerateReport> {
  const started = performance.now();
  const { outDir } = options;
  const seed = checkSeed(options.seed ?? 42);
  const scale = checkScale(options.scale ?? 1);
  const layout: Layout = options.daily ? 'daily' : 'single';
  const log = options.dirty ? new DirtyLog() : undefined;
  const progress = options.onProgress ?? (() => {});

  await mkdir(outDir, { recursive: true });
  for (const stale of [SALES_FILE, SALES_DIR, MANIFEST_FILE, STATE_FILE]) {
    await rm(join(outDir, stale), { recursive: true, force: true });
  }

  const files: FileReport[] = [];
  const small: Array<[TableName, Records]> = [
    ['categories', categories()],
    ['countries', countries()],
    ['cities', cities(seed)],
    ['employees', employees(seed)],
    ['products', products(seed)],
  ];
  for (const [table, records] of small) {
    files.push(writeTable(outDir, table, (sink) => writeRecords(sink, HEADERS[table], records)));
    progress({ table, rows: records.length, totalRows: records.length });
  }
  const customerCount = customerRows(scale);
  const customers = writeTable(outDir, 'customers', (sink) =>
    writeCustomers(sink, seed, customerCount, log && { log, file: fileName('customers') }),
  );
  files.push(customers);
  progress({ table: 'customers', rows: customers.rows, totalRows: customerCount });

  const salesStarted = performance.now();
  const totalSales = salesRows(scale);
  const perDay = rowsPerDay(seed, totalSales, FIRST_SALES_DAY, LAST_SALES_DAY);
  const days = perDay.map((rows, i) => ({ day: FIRST_SALES_DAY + i, rows })).filter((d) => d.rows > 0);
  const ctx = new SalesContext(
    seed,
    rangePool(BASE_ROWS.employees),
    rangePool(customerCount),
    rangePool(BASE_ROWS.products),
    log && { log, forced: forcedPositions(SALES_CASES, totalSales) },
  );
  const single = layout === 'single' ? new FileSink(join(outDir, SALES_FILE)) : undefined;
  let sales: Awaited<ReturnType<typeof writeSalesDays>>;
  try {
    sales = await writeSalesDays({
      outDir,
      ctx,
      layout,
      days,
      firstId: 1,
      ...(single && { single, singleIsNew: true }),
      onDay: (day, rows) => progress({ table: 'sales', day, rows, totalRows: totalSales }),
    });
  } finally {
    single?.close();
  }
  files.push(...sales.files);
  const salesSeconds = (performance.now() - salesStarted) / 1000;

  if (log) {
    const manifest = { seed, scale, layout, cases: DIRTY_CASES, entries: log.sorted() };
    await writeFile(join(outDir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 1)}\n`);
  }
  const firstDay = dayKey(days[0]!.day);
  const lastDay = dayKey(days[days.length - 1]!.day);
  const state: GenerateState = {
    version: 1,
    seed,
    scale,
    layout,
    dirty: log !== undefined,
    firstDay,
    lastDay,
    maxSalesId: sales.lastId,
    salesRows: sales.rows,
    keys: { employees: BASE_ROWS.employees, customers: customerCount, products: BASE_ROWS.products },
    appendedDays: [],
  };
  await writeState(outDir, state);

  return {
    outDir,
    seed,
    scale,
    layout,
    dirty: log !== undefined,
    files,
    tables: tableTotals(files),
    days: { first: firstDay, last: lastDay, count: days.length },
    salesIds: { first: 1, last: sales.lastId },
    seconds: (performance.now() - started) / 1000,
    salesSeconds,
    salesRowsPerSecond: Math.round(sales.rows / Math.max(salesSeconds, 1e-9)),
    dirtyEntries: log?.entries.length ?? 0,
  };
}
