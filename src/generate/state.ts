/**
 * What appendDay needs to know about a landing folder: seed, scale, layout, the sales
 * day range, the largest SalesID and the parent keys. generateDataset records it in
 * `_mdw_generate.json`; for a folder without one (files dropped in from elsewhere) it
 * is worked out by scanning the files once.
 */
import { createReadStream, existsSync } from 'node:fs';
import { readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { MdwError } from '../util/errors.js';
import { fileName, parseCsv } from './csv.js';
import { type KeyPool, rangePool } from './keys.js';
import { type Layout, partitionDay, SALES_DIR, SALES_FILE, STATE_FILE } from './layout.js';

export interface GenerateState {
  version: 1;
  seed: number;
  scale: number;
  layout: Layout;
  dirty: boolean;
  /** Sales day range, YYYYMMDD. */
  firstDay: string;
  lastDay: string;
  maxSalesId: number;
  salesRows: number;
  /** Parent tables hold keys 1..n. */
  keys: { employees: number; customers: number; products: number };
  /** Days added by appendDay, in order. */
  appendedDays: string[];
}

/** The landing's layout, from what is on disk. */
export function detectLayout(outDir: string): Layout {
  const single = existsSync(join(outDir, SALES_FILE));
  const daily = existsSync(join(outDir, SALES_DIR));
  if (single && daily) {
    throw new MdwError(`${outDir} holds both ${SALES_FILE} and ${SALES_DIR}/; keep one sales landing.`);
  }
  if (!single && !daily) {
    throw new MdwError(
      `No sales landing in ${outDir}: expected ${SALES_FILE} or ${SALES_DIR}/partition=YYYYMMDD/.`,
    );
  }
  return single ? 'single' : 'daily';
}

export async function readState(outDir: string): Promise<GenerateState | undefined> {
  const path = join(outDir, STATE_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  let state: GenerateState;
  try {
    state = JSON.parse(text) as GenerateState;
  } catch (error) {
    throw new MdwError(
      `${path} is not valid JSON (${(error as Error).message}); delete it to rescan the files.`,
    );
  }
  if (
    state.version !== 1 ||
    !/^\d{8}$/.test(state.lastDay ?? '') ||
    !Number.isSafeInteger(state.maxSalesId)
  ) {
    throw new MdwError(
      `${path} is not a generator state file this version understands; delete it to rescan.`,
    );
  }
  return state;
}

/** Written via a temporary file and rename, so a crash never leaves half a state file. */
export async function writeState(outDir: string, state: GenerateState): Promise<void> {
  const path = join(outDir, STATE_FILE);
  await writeFile(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  await rename(`${path}.tmp`, path);
}

/** Landing facts recovered by scanning, for folders without a state file. */
export interface LandingScan {
  layout: Layout;
  firstDay: string;
  lastDay: string;
  maxSalesId: number;
  salesRows: number;
  employees: KeyPool;
  customers: KeyPool;
  products: KeyPool;
}

/** First-column keys of a parent file (small files: read whole). */
async function readKeys(outDir: string, table: 'employees' | 'customers' | 'products'): Promise<KeyPool> {
  const path = join(outDir, fileName(table));
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new MdwError(`Cannot append sales: ${path} is missing (needed for foreign keys).`);
  }
  const ids = new Set<string>();
  for (const record of parseCsv(text.replace(/^\uFEFF/, '')).slice(1)) {
    const id = record[0]?.trim() ?? '';
    if (/^\d+$/.test(id)) ids.add(String(Number(id)));
  }
  if (ids.size === 0) throw new MdwError(`Cannot append sales: ${path} has no rows with an integer key.`);
  return { size: ids.size, ids: [...ids] };
}

interface SalesScan {
  maxId: number;
  rows: number;
  /** Rows per sales day (YYYYMMDD). */
  days: Map<string, number>;
}

/** Streams sales files once, reading only SalesID and the date part of SalesDate. */
async function scanSales(paths: string[]): Promise<SalesScan> {
  const scan: SalesScan = { maxId: 0, rows: 0, days: new Map() };
  for (const path of paths) {
    let idColumn = -1;
    let dateColumn = -1;
    let rest = '';
    const onLine = (line: string): void => {
      const fields = line.split(',');
      if (idColumn < 0) {
        const names = fields.map((f) => f.replace(/^\uFEFF/, '').trim());
        idColumn = names.indexOf('SalesID');
        dateColumn = names.indexOf('SalesDate');
        if (idColumn < 0 || dateColumn < 0) {
          throw new MdwError(
            `${path}: header has no SalesID or SalesDate column (found: ${names.join(', ')}).`,
          );
        }
        return;
      }
      scan.rows++;
      const id = Number(fields[idColumn]);
      if (Number.isSafeInteger(id) && id > scan.maxId) scan.maxId = id;
      const date = /^\s*(\d{4})-(\d{2})-(\d{2})/.exec(fields[dateColumn] ?? '');
      if (date) {
        const key = date[1]! + date[2]! + date[3]!;
        scan.days.set(key, (scan.days.get(key) ?? 0) + 1);
      }
    };
    for await (const chunk of createReadStream(path, { encoding: 'latin1', highWaterMark: 1 << 22 })) {
      const lines = (rest + chunk).split('\n');
      rest = lines.pop()!;
      for (const line of lines) if (line.trim() !== '') onLine(line);
    }
    if (rest.trim() !== '') onLine(rest);
  }
  return scan;
}

/** Sales files of a landing, plus the day folders when daily. */
async function salesFiles(
  outDir: string,
  layout: Layout,
): Promise<{ files: string[]; dayFolders: string[] }> {
  if (layout === 'single') return { files: [join(outDir, SALES_FILE)], dayFolders: [] };
  const files: string[] = [];
  const dayFolders: string[] = [];
  const root = join(outDir, SALES_DIR);
  for (const folder of (await readdir(root)).sort()) {
    const dir = join(root, folder);
    if (!(await stat(dir)).isDirectory() || !folder.startsWith('partition=')) continue;
    const day = partitionDay(folder);
    if (day) dayFolders.push(day);
    for (const file of (await readdir(dir)).sort()) if (file.endsWith('.csv')) files.push(join(dir, file));
  }
  return { files, dayFolders };
}

export async function scanLanding(outDir: string): Promise<LandingScan> {
  const layout = detectLayout(outDir);
  const { files, dayFolders } = await salesFiles(outDir, layout);
  const sales = await scanSales(files);
  let days: string[];
  if (layout === 'daily') {
    days = dayFolders;
  } else {
    // Ignore stray dates (typos, far-off dirty values) that hold only a sliver of rows.
    const busiest = Math.max(0, ...sales.days.values());
    days = [...sales.days].filter(([, n]) => n >= Math.max(1, busiest / 100)).map(([day]) => day);
  }
  days.sort();
  if (days.length === 0) throw new MdwError(`Cannot append sales: no dated sales rows found in ${outDir}.`);
  return {
    layout,
    firstDay: days[0]!,
    lastDay: days[days.length - 1]!,
    maxSalesId: sales.maxId,
    salesRows: sales.rows,
    employees: await readKeys(outDir, 'employees'),
    customers: await readKeys(outDir, 'customers'),
    products: await readKeys(outDir, 'products'),
  };
}

/** Key pools for a landing the generator wrote itself. */
export function statePools(state: GenerateState): {
  employees: KeyPool;
  customers: KeyPool;
  products: KeyPool;
} {
  return {
    employees: rangePool(state.keys.employees),
    customers: rangePool(state.keys.customers),
    products: rangePool(state.keys.products),
  };
}
