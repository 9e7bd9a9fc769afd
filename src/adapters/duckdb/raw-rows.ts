/**
 * Rows a node read from raw files, from DuckDB's profiler: while a node runs, its connection
 * profiles each statement to a small JSON file (only the metrics needed here) and adds up the
 * rows returned by every file reader (READ_CSV, READ_PARQUET, READ_JSON...) in the plan. The
 * count is what the reader returned after the filters DuckDB pushes into it (hive partition
 * pruning included): no second pass over the data. A reader counts when the first file it
 * names lies in a source's landing folder, and is attributed to that source.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import type { RawRowsRead } from '../types.js';

/** Only what the count needs: keeps the file small and the profiler cheap. */
const METRICS = JSON.stringify({ OPERATOR_TYPE: 'true', OPERATOR_CARDINALITY: 'true', EXTRA_INFO: 'true' });
const FILE_READER = /^READ_/;

/** The landing folders of the file-backed sources, to tell which source a reader read. */
export class RawFolders {
  private readonly folders: { folder: string; label: string }[] = [];

  add(label: string, folder: string): void {
    if (!this.folders.some((known) => known.folder === folder && known.label === label))
      this.folders.push({ folder, label });
  }

  /** The source whose folder holds `file` (the longest folder wins), or null. */
  sourceOf(file: string): string | null {
    let best: { folder: string; label: string } | null = null;
    for (const known of this.folders) {
      const inside =
        file === known.folder ||
        file.startsWith(known.folder.endsWith(sep) ? known.folder : known.folder + sep);
      if (inside && (!best || known.folder.length > best.folder.length)) best = known;
    }
    return best?.label ?? null;
  }
}

interface ProfileNode {
  operator_type?: string;
  operator_cardinality?: number;
  extra_info?: Record<string, unknown>;
  children?: ProfileNode[];
}

/** Adds the file readers of one statement's profile to `into`. */
export function addReaderRows(profile: ProfileNode, folders: RawFolders, into: RawRowsRead): void {
  const info = profile.extra_info ?? {};
  const reader = typeof info.Function === 'string' && FILE_READER.test(info.Function);
  if (reader && profile.operator_type === 'TABLE_SCAN') {
    // Readers of the warehouse's own Parquet files (Iceberg tables) are not raw reads.
    const first = String(info['Filename(s)'] ?? '').split(', ')[0] ?? '';
    const source = folders.sourceOf(first);
    if (source !== null) {
      const rows = Number(profile.operator_cardinality ?? 0);
      into.total += rows;
      into.bySource[source] = (into.bySource[source] ?? 0) + rows;
    }
  }
  for (const child of profile.children ?? []) addReaderRows(child, folders, into);
}

let files = 0;

/** One connection's profiler: on between start() and stop(), read after each statement. */
export class RawRowsProfiler {
  private readonly file = join(tmpdir(), `mdw-rows-read-${process.pid}-${++files}.json`);
  private counted: RawRowsRead | null = null;

  constructor(private readonly folders: RawFolders) {}

  get counting(): boolean {
    return this.counted !== null;
  }

  /** The statements that turn profiling on, writing to this connection's own file. */
  startSql(): string {
    this.counted = { total: 0, bySource: {} };
    return `set enable_profiling = 'json'; set profiling_output = '${this.file.replaceAll("'", "''")}'; set custom_profiling_settings = '${METRICS}'`;
  }

  stopSql(): string {
    return 'pragma disable_profiling';
  }

  /** Before a statement: drop the last profile, so a statement that writes none adds nothing. */
  beforeStatement(): void {
    if (this.counted) rmSync(this.file, { force: true });
  }

  afterStatement(): void {
    if (!this.counted || !existsSync(this.file)) return;
    addReaderRows(JSON.parse(readFileSync(this.file, 'utf8')) as ProfileNode, this.folders, this.counted);
  }

  stop(): RawRowsRead {
    const counted = this.counted ?? { total: 0, bySource: {} };
    this.counted = null;
    rmSync(this.file, { force: true });
    return counted;
  }
}
