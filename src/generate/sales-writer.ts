/**
 * Drives SalesDay over a list of days and routes its bytes to files: one shared
 * sales.csv sink, or per-day part files in the daily layout. Each output owns one
 * ≈1 MB buffer that is written and reused, so memory stays flat whatever the scale.
 */
import { mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { ByteOut } from './bytes.js';
import { dayKey } from './calendar.js';
import { headerLine } from './csv.js';
import { datedPartFile, type Layout, outPath, SALES_FILE, undatedPartFile } from './layout.js';
import type { FileReport } from './report.js';
import { type DayTargets, type SalesContext, SalesDay } from './sales.js';
import { FileSink } from './sink.js';

export interface SalesRun {
  outDir: string;
  ctx: SalesContext;
  layout: Layout;
  days: ReadonlyArray<{ day: number; rows: number }>;
  /** SalesID of the first row written. */
  firstId: number;
  /** The open sales.csv sink for the single layout. */
  single?: FileSink;
  /** The single sink is a new, empty file: write the header first. */
  singleIsNew?: boolean;
  /** Daily layout: write each file as `*.csv.tmp` and rename it when complete. */
  atomic?: boolean;
  onDay?: (day: string, rowsSoFar: number) => void;
}

export interface SalesRunResult {
  files: FileReport[];
  rows: number;
  lastId: number;
}

/** A daily part file: the sink, its final relative path and the (shared) byte chunk feeding it. */
class Part {
  readonly sink: FileSink;

  constructor(
    private readonly outDir: string,
    readonly file: string,
    private readonly atomic: boolean,
    readonly out: ByteOut,
  ) {
    const path = outPath(outDir, file);
    mkdirSync(dirname(path), { recursive: true });
    this.sink = new FileSink(atomic ? `${path}.tmp` : path);
    this.sink.write(headerLine('sales'));
    this.sink.lines = 1;
  }

  finish(rows: number): FileReport {
    this.out.writeTo(this.sink);
    this.sink.rows += rows;
    this.sink.close();
    if (this.atomic) renameSync(this.sink.path, outPath(this.outDir, this.file));
    return { file: this.file, table: 'sales', rows: this.sink.rows, bytes: this.sink.bytes };
  }
}

export async function writeSalesDays(run: SalesRun): Promise<SalesRunResult> {
  const files: FileReport[] = [];
  const atomic = run.atomic ?? false;
  const { single } = run;
  let id = run.firstId;
  let rows = 0;
  const singleStart = single && { bytes: single.bytes, rows: single.rows };
  if (single && run.singleIsNew) {
    single.write(headerLine('sales'));
    single.lines = 1;
  }
  // One chunk per output kind for the whole run: sales.csv keeps filling it across
  // days (small days do not each cost a write); daily parts empty it when they finish.
  const datedOut = new ByteOut();
  const undatedOut = single ? undefined : new ByteOut();
  const open: Part[] = [];

  try {
    for (const { day, rows: dayRows } of run.days) {
      const key = dayKey(day);
      const datedPart = single ? undefined : new Part(run.outDir, datedPartFile(key), atomic, datedOut);
      if (datedPart) open.push(datedPart);
      const dated = datedPart ?? { sink: single!, out: datedOut, file: SALES_FILE };
      let undated: Part | undefined;
      // The undated chunk gets its own file only if the day has such rows.
      const undatedFile = undatedPartFile(key);
      const flushUndated = (): void => {
        if (!undatedOut || undatedOut.pos === 0) return;
        if (!undated) {
          undated = new Part(run.outDir, undatedFile, atomic, undatedOut);
          open.push(undated);
        }
        undatedOut.writeTo(undated.sink);
      };

      const targets: DayTargets = {
        dated: { file: dated.file, lines: dated.sink.lines, out: dated.out },
        ...(undatedOut && { undated: { file: undatedFile, lines: 1, out: undatedOut } }),
      };
      const gen = new SalesDay(run.ctx, day, dayRows, id, id - run.firstId, targets);
      while (!gen.done) {
        gen.fill();
        if (dated.out.full) dated.out.writeTo(dated.sink);
        if (undatedOut?.full) flushUndated();
      }
      flushUndated();
      rows += gen.datedRows + gen.undatedRows;
      id += dayRows;

      // Undated file first: once the day's part-00000.csv appears, its undated rows are in place.
      if (undated) files.push(undated.finish(gen.undatedRows));
      if (datedPart) {
        files.push(datedPart.finish(gen.datedRows));
      } else {
        dated.sink.rows += gen.datedRows;
        dated.sink.lines += gen.datedRows;
      }
      open.length = 0;
      run.onDay?.(key, rows);
      // Let timers and I/O callbacks of the host run between days.
      await nextTurn();
    }
  } finally {
    for (const part of open) part.sink.close();
  }

  if (single && singleStart) {
    datedOut.writeTo(single);
    files.push({
      file: SALES_FILE,
      table: 'sales',
      rows: single.rows - singleStart.rows,
      bytes: single.bytes - singleStart.bytes,
    });
  }
  return { files, rows, lastId: id - 1 };
}
