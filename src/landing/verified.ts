/**
 * Landing files already proven whole: scanned independently, read by the engine's CSV reader
 * with the same row count, nothing quarantined. A file is identified by its path, size and
 * modification time, and by the reader options it was checked with; while all of these are
 * unchanged it reads the same, so the next build need not scan or count it again. That keeps
 * a daily build's landing check to the new day's folder instead of the whole history.
 *
 * Damaged files are never recorded: their quarantine rows and copies are redone every build.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

interface VerifiedEntry {
  bytes: number;
  mtimeMs: number;
  dataLines: number;
}

interface VerifiedFile {
  version: 1;
  /** the reader options the files were checked with */
  options: string;
  files: Record<string, VerifiedEntry>;
}

export class VerifiedFiles {
  private readonly files: Record<string, VerifiedEntry>;

  private constructor(
    private readonly path: string,
    private readonly options: string,
    files: Record<string, VerifiedEntry>,
  ) {
    this.files = files;
  }

  /** The record at `path`, or an empty one when it is missing, unreadable or for other options. */
  static load(path: string, options: string): VerifiedFiles {
    if (existsSync(path)) {
      try {
        const stored = JSON.parse(readFileSync(path, 'utf8')) as VerifiedFile;
        if (stored.version === 1 && stored.options === options && typeof stored.files === 'object') {
          return new VerifiedFiles(path, options, stored.files);
        }
      } catch {
        // A damaged record only costs a rescan.
      }
    }
    return new VerifiedFiles(path, options, {});
  }

  /** The data lines of a file proven whole and unchanged since, or null when it must be checked. */
  dataLines(file: string): number | null {
    const entry = this.files[file];
    if (!entry) return null;
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat || stat.size !== entry.bytes || stat.mtimeMs !== entry.mtimeMs) return null;
    return entry.dataLines;
  }

  /** Records the files of this check: the whole ones replace their entries, every other is dropped. */
  save(whole: ReadonlyArray<{ file: string; dataLines: number }>): void {
    const files: Record<string, VerifiedEntry> = {};
    for (const { file, dataLines } of whole) {
      const stat = statSync(file, { throwIfNoEntry: false });
      if (stat) files[file] = { bytes: stat.size, mtimeMs: stat.mtimeMs, dataLines };
    }
    const record: VerifiedFile = { version: 1, options: this.options, files };
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(record));
    renameSync(temporary, this.path);
  }
}
