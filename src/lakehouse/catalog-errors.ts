/**
 * One sentence for a catalog.db that cannot be opened: which file, why, and what to do,
 * instead of SQLite's or the file system's bare code (SQLITE_NOTADB, ELOOP…).
 */
import { ExecutionError, errorMessage } from '../util/errors.js';

const REASONS: Record<string, string> = {
  SQLITE_NOTADB: 'it is not a SQLite database (damaged or overwritten)',
  SQLITE_CORRUPT: 'the database file is damaged',
  SQLITE_BUSY: 'another mdw process holds it locked (wait for it to finish)',
  SQLITE_CANTOPEN: 'the file cannot be opened (check the folder exists and is writable)',
  SQLITE_READONLY: 'the file is read-only',
  SQLITE_IOERR: 'the disk could not read or write it (full disk?)',
  SQLITE_FULL: 'the disk is full',
  ELOOP: 'its path is a loop of symbolic links',
  EEXIST: 'a file is in the way of the warehouse folder',
  ENOTDIR: 'a file is in the way of the warehouse folder',
  EACCES: 'permission denied',
};

export function catalogError(path: string, error: unknown): ExecutionError {
  const code = String((error as { code?: unknown }).code ?? '');
  const base = code.startsWith('SQLITE_IOERR') ? 'SQLITE_IOERR' : code;
  const reason = REASONS[base] ?? errorMessage(error);
  return new ExecutionError(
    `Iceberg catalog ${path} cannot be used: ${reason}. Fix or restore the file, or move it aside and ` +
      `run \`mdw iceberg recover\` to rebuild it from the tables' metadata files.`,
  );
}
