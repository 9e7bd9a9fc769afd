/**
 * The engine-free half of a landing check: how a source's CSV options become the independent
 * scan's options, how a file is named to the user, which values the quarantine table gets, and
 * the rule every engine applies per file: rows its reader returned plus lines quarantined must
 * equal the data lines counted independently, within the quarantine limits.
 */
import { isAbsolute, relative } from 'node:path';
import { ExecutionError } from '../util/errors.js';
import { formatCount } from '../util/format-count.js';
import { limitExceeded, type QuarantineLimits } from './limits.js';
import type { LandingFileReport } from './report.js';
import { DEFAULT_MAX_RECORD_BYTES, type FileScan, type ScanOptions, scanCsvFile } from './scan.js';

/** Scans one landing file with the source's own CSV options (delim/sep, quote, escape, max_line_size). */
export function scanWithOptions(file: string, csvOptions: Record<string, unknown>): FileScan {
  return scanCsvFile(file, scanOptions(csvOptions));
}

function scanOptions(csvOptions: Record<string, unknown>): ScanOptions {
  return {
    delimiter: stringOption(csvOptions.delim ?? csvOptions.sep),
    quote: stringOption(csvOptions.quote),
    escape: stringOption(csvOptions.escape),
    maxRecordBytes: Number(csvOptions.max_line_size ?? DEFAULT_MAX_RECORD_BYTES),
  };
}

/** A path relative to the project when it is inside it, else as given. */
export function shownPath(path: string, projectRoot: string): string {
  const rel = relative(projectRoot, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/**
 * Stops the build on the first file whose lines do not add up (no line may be lost silently) or
 * whose quarantine exceeds the limits. `reader` names the engine's CSV reader in the sentence.
 */
export function assertLandingReconciled(
  files: readonly LandingFileReport[],
  context: { reader: string; source: string; quarantineRelation: string; limits: QuarantineLimits },
): void {
  for (const file of files) {
    if (file.rows_read + file.quarantined !== file.data_lines)
      throw new ExecutionError(
        `${file.file}: ${context.reader} returned ${formatCount(file.rows_read)} rows and ${formatCount(file.quarantined)} lines were quarantined, ` +
          `but the file has ${formatCount(file.data_lines)} data lines; the build stops so that no line is lost silently (source ${context.source}).`,
      );
    const exceeded = limitExceeded(file.file, file.quarantined, file.data_lines, context.limits);
    if (exceeded)
      throw new ExecutionError(`${exceeded} of source ${context.source}; see ${context.quarantineRelation}.`);
  }
}

/** The quarantine table's columns; `timestampType` is the engine's spelling of a zoned timestamp. */
export function quarantineColumns(timestampType: string): string {
  return `source varchar, file varchar, line bigint, reason varchar, raw_text varchar, loaded_at ${timestampType}`;
}

/** One `(…)` values tuple per damaged record, for the engine's `insert … values`. */
export function quarantineRows(
  label: string,
  scans: readonly FileScan[],
  shownFile: (file: string) => string,
  quote: (value: string) => string,
  nowSql: string,
): string[] {
  return scans.flatMap((scan) =>
    scan.damaged.map(
      (record) =>
        `(${quote(label)}, ${quote(shownFile(scan.file))}, ${record.line}, ${quote(record.reason)}, ${quote(record.raw)}, ${nowSql})`,
    ),
  );
}

function stringOption(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
