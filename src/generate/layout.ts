/**
 * Where sales land.
 *
 * Single landing: `sales.csv`.
 *
 * Daily landing (Hive-style, one folder per day that has sales):
 *   sales/partition=YYYYMMDD/part-00000.csv                     rows dated that day
 *   sales/partition=__HIVE_DEFAULT_PARTITION__/part-YYYYMMDD.csv  that day's rows with an empty SalesDate
 *
 * Why undated rows get their own folder, one file per drop day: a row without a
 * SalesDate belongs to no date partition, and `__HIVE_DEFAULT_PARTITION__` is the
 * name Hive, Spark and DuckDB (≥ 1.5 reads it as NULL) use for "no value". Naming the
 * file after the day it arrived with keeps every drop additive — a new day adds one
 * dated folder plus at most one new undated file and never rewrites an existing file
 * — so an incremental loader that tracks loaded files (or reads
 * `partition=D/*` plus `partition=__HIVE_DEFAULT_PARTITION__/part-D.csv`) processes
 * exactly that day. Days with no undated rows write no undated file.
 *
 * The folder is the drop day, not a promise about the data: in dirty mode a row may
 * carry an unparseable or far-off SalesDate and still sit in the folder of the day it
 * arrived with — staging must read SalesDate from the row, not from the path.
 */
import { join } from 'node:path';

export const SALES_FILE = 'sales.csv';
export const SALES_DIR = 'sales';
export const UNDATED_PARTITION = 'partition=__HIVE_DEFAULT_PARTITION__';
export const STATE_FILE = '_mdw_generate.json';
export const MANIFEST_FILE = 'dirty_manifest.json';

export type Layout = 'single' | 'daily';

/** Relative path (forward slashes) of a day's dated part file. */
export function datedPartFile(dayKey: string): string {
  return `${SALES_DIR}/partition=${dayKey}/part-00000.csv`;
}

/** Relative path of the file holding a drop day's rows with an empty SalesDate. */
export function undatedPartFile(dayKey: string): string {
  return `${SALES_DIR}/${UNDATED_PARTITION}/part-${dayKey}.csv`;
}

/** Absolute path of a relative output path. */
export function outPath(outDir: string, relative: string): string {
  return join(outDir, ...relative.split('/'));
}

/** `partition=YYYYMMDD` → `YYYYMMDD`, or undefined for any other folder name. */
export function partitionDay(folder: string): string | undefined {
  return /^partition=(\d{8})$/.exec(folder)?.[1];
}
