/** What a generate or append run wrote, for the CLI and benchmarks. */
import type { TableName } from './csv.js';
import type { Layout } from './layout.js';

export interface FileReport {
  /** Path relative to outDir, forward slashes. */
  file: string;
  table: TableName;
  /** Data rows written by this run (header excluded). */
  rows: number;
  /** Bytes written by this run. */
  bytes: number;
}

export interface TableReport {
  rows: number;
  bytes: number;
  files: number;
}

export interface GenerateReport {
  outDir: string;
  seed: number;
  scale: number;
  layout: Layout;
  dirty: boolean;
  files: FileReport[];
  /** Totals per table written by this run. */
  tables: Partial<Record<TableName, TableReport>>;
  /** Sales days written by this run (YYYYMMDD). */
  days: { first: string; last: string; count: number };
  /** SalesID range written by this run. */
  salesIds: { first: number; last: number };
  seconds: number;
  /** Time spent on sales alone, and sales rows per second over that time. */
  salesSeconds: number;
  salesRowsPerSecond: number;
  /** Number of entries in dirty_manifest.json (0 when not dirty). */
  dirtyEntries: number;
}

export function tableTotals(files: readonly FileReport[]): Partial<Record<TableName, TableReport>> {
  const tables: Partial<Record<TableName, TableReport>> = {};
  for (const f of files) {
    const t = tables[f.table] ?? { rows: 0, bytes: 0, files: 0 };
    tables[f.table] = t;
    t.rows += f.rows;
    t.bytes += f.bytes;
    t.files += 1;
  }
  return tables;
}

/** What onProgress receives: after each small table and after each sales day. */
export interface GenerateProgress {
  table: TableName;
  /** Sales: the day just finished (YYYYMMDD). */
  day?: string;
  /** Rows of this table written so far and planned in total. */
  rows: number;
  totalRows: number;
}
