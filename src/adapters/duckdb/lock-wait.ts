/**
 * A DuckDB database file has one writer process at a time. A second writer waits for it,
 * saying who holds the file, up to MDW_LOCK_TIMEOUT seconds (default 120); a reader (mdw
 * show) instead reads the last published Iceberg snapshots without the file (see adapter.ts).
 */
import { errorMessage } from '../../util/errors.js';

const LOCK_ERROR = /Could not set lock on file|Conflicting lock is held/i;
const RETRY_MS = 250;

export function isLockError(error: unknown): boolean {
  return LOCK_ERROR.test(errorMessage(error));
}

/** "PID 1234" from DuckDB's lock message, when it names the holder. */
export function lockHolder(error: unknown): string {
  const pid = /PID (\d+)/.exec(errorMessage(error));
  return pid ? `process ${pid[1]}` : 'another process';
}

export function lockTimeoutSeconds(): number {
  const configured = Number(process.env.MDW_LOCK_TIMEOUT);
  return Number.isFinite(configured) && configured >= 0 ? configured : 120;
}

/** Calls `open` until it stops failing on the lock or the timeout passes. */
export async function openWaitingForLock<T>(
  path: string,
  open: () => Promise<T>,
  notice: (message: string) => void,
  timeoutSeconds = lockTimeoutSeconds(),
): Promise<T> {
  const started = Date.now();
  let told = false;
  for (;;) {
    try {
      return await open();
    } catch (error) {
      if (!isLockError(error)) throw error;
      const waited = (Date.now() - started) / 1000;
      if (waited >= timeoutSeconds) {
        throw new LockTimeout(
          `The warehouse database ${path} is in use by ${lockHolder(error)} (a build?); gave up after ` +
            `${Math.round(waited)} s. Wait for it to finish, or raise MDW_LOCK_TIMEOUT (seconds).`,
        );
      }
      if (!told) {
        told = true;
        notice(
          `The warehouse database ${path} is in use by ${lockHolder(error)}; waiting up to ${timeoutSeconds} s for it (MDW_LOCK_TIMEOUT).`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }
}

export class LockTimeout extends Error {}
