/** What the landing check found, for the run summary and run_results.json. */

import { formatCount } from '../util/format-count.js';
import type { DamageReason, FileScan } from './scan.js';

export interface LandingFileReport {
  /** the file as shown to the user (relative to the project when inside it) */
  file: string;
  /** data lines counted independently of the CSV reader */
  data_lines: number;
  rows_read: number;
  quarantined: number;
  reasons: Partial<Record<DamageReason, number>>;
  /** false when an earlier build proved the unchanged file whole (src/landing/verified.ts) */
  scanned: boolean;
}

export interface LandingReport {
  source: string;
  /** the table holding the quarantined lines, when any */
  quarantine_relation: string | null;
  files: LandingFileReport[];
}

export function quarantinedTotal(reports: readonly LandingReport[]): number {
  return reports.reduce((sum, report) => sum + report.files.reduce((n, file) => n + file.quarantined, 0), 0);
}

/** One line per damaged file for the run summary, e.g. `sales.csv: 1 line (unterminated_quote 1)`. */
export function summaryLines(reports: readonly LandingReport[]): string[] {
  const lines: string[] = [];
  for (const report of reports) {
    for (const file of report.files) {
      if (file.quarantined === 0) continue;
      const reasons = Object.entries(file.reasons)
        .map(([reason, count]) => `${reason} ${count}`)
        .join(', ');
      lines.push(
        `${report.source} ${file.file}: ${formatCount(file.quarantined)} of ${formatCount(file.data_lines)} lines quarantined (${reasons}) in ${report.quarantine_relation}`,
      );
    }
  }
  return lines;
}

/** A file's line of the report from its independent scan and the rows the engine read. */
export function fileReport(
  scan: FileScan,
  rowsRead: number,
  shownFile: (file: string) => string,
): LandingFileReport {
  const reasons: LandingFileReport['reasons'] = {};
  for (const record of scan.damaged) reasons[record.reason] = (reasons[record.reason] ?? 0) + 1;
  return {
    file: shownFile(scan.file),
    data_lines: scan.dataRecords,
    rows_read: rowsRead,
    quarantined: scan.damaged.length,
    reasons,
    scanned: true,
  };
}
