/**
 * Calendar arithmetic on integer day numbers (days since 1970-01-01, UTC) and the
 * dataset's timestamp format `yyyy-MM-dd HH:mm:ss.SSS`. Integer maths instead of Date
 * objects, so nothing depends on the machine's time zone.
 */
import { civilFromDays, daysFromCivil } from '../util/civil-date.js';
import { MdwError } from '../util/errors.js';

export const MS_PER_DAY = 86_400_000;

export { civilFromDays, daysFromCivil } from '../util/civil-date.js';

/** 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday). */
export function weekday(days: number): number {
  return (((days + 3) % 7) + 7) % 7;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `YYYYMMDD` → day number; throws MdwError on anything that is not a real date. */
export function parseDayKey(key: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})$/.exec(key);
  if (match) {
    const [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const days = daysFromCivil(y, m, d);
    const back = civilFromDays(days);
    if (back.y === y && back.m === m && back.d === d) return days;
  }
  throw new MdwError(`Day "${key}" is not a valid date in the form YYYYMMDD (e.g. 20180510).`);
}

/** Day number → `YYYYMMDD` (the daily partition value). */
export function dayKey(days: number): string {
  const { y, m, d } = civilFromDays(days);
  return pad(y, 4) + pad(m, 2) + pad(d, 2);
}

/** Day number → `yyyy-MM-dd ` (with the trailing space a timestamp needs). */
export function datePrefix(days: number): string {
  const { y, m, d } = civilFromDays(days);
  return `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)} `;
}

/** Epoch milliseconds → `yyyy-MM-dd HH:mm:ss.SSS` (for the small tables; sales write bytes directly). */
export function formatTimestamp(epochMs: number): string {
  const days = Math.floor(epochMs / MS_PER_DAY);
  const msOfDay = epochMs - days * MS_PER_DAY;
  const seconds = Math.floor(msOfDay / 1000);
  const clock = `${pad(Math.floor(seconds / 3600), 2)}:${pad(Math.floor(seconds / 60) % 60, 2)}:${pad(seconds % 60, 2)}`;
  return `${datePrefix(days)}${clock}.${pad(msOfDay % 1000, 3)}`;
}

/** Midnight (epoch ms) of a civil date. */
export function epochMs(y: number, m: number, d: number): number {
  return daysFromCivil(y, m, d) * MS_PER_DAY;
}
