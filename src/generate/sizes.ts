/**
 * How many rows each table gets at a scale factor, and how sales spread over days.
 */

import { MdwError } from '../util/errors.js';
import { daysFromCivil, weekday } from './calendar.js';
import { hashSeed } from './prng.js';

/** Row counts of the published dataset (scale 1). */
export const BASE_ROWS = {
  categories: 11,
  countries: 206,
  cities: 96,
  customers: 98_759,
  employees: 23,
  products: 452,
  sales: 6_758_125,
} as const;

/** The published sales span 2018-01-01 … 2018-05-09 (129 days). */
export const FIRST_SALES_DAY = daysFromCivil(2018, 1, 1);
export const LAST_SALES_DAY = daysFromCivil(2018, 5, 9);

export function checkScale(scale: number): number {
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new MdwError(`Scale must be a positive number (e.g. 1 or 0.01), got ${scale}.`);
  }
  return scale;
}

export function checkSeed(seed: number): number {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new MdwError(`Seed must be a non-negative integer, got ${seed}.`);
  }
  return seed;
}

export function salesRows(scale: number): number {
  return Math.max(1, Math.round(BASE_ROWS.sales * scale));
}

/**
 * Customers grow with sqrt(scale): a bigger shop sells more mostly to returning
 * customers, so sales per customer rise (≈68 at scale 1, ≈216 at scale 10) while the
 * customer dimension stays small enough to hold as a lookup table in memory.
 */
export function customerRows(scale: number): number {
  return Math.max(1, Math.round(BASE_ROWS.customers * Math.sqrt(scale)));
}

/** Relative traffic per weekday (Mon … Sun): busier weekends, like a real grocer. */
const WEEKDAY_WEIGHT = [0.93, 0.9, 0.94, 0.97, 1.06, 1.14, 1.06];

/** A day's relative volume: weekday pattern times ±8% deterministic noise. */
export function dayWeight(seed: number, day: number): number {
  const noise = hashSeed(seed, 'day-volume', day) / 4294967296;
  return WEEKDAY_WEIGHT[weekday(day)]! * (0.92 + 0.16 * noise);
}

/**
 * Rows per day for [firstDay, lastDay] summing exactly to `total`
 * (rounding the cumulative share, so no remainder piles up on one day).
 */
export function rowsPerDay(seed: number, total: number, firstDay: number, lastDay: number): number[] {
  const weights: number[] = [];
  let sum = 0;
  for (let day = firstDay; day <= lastDay; day++) {
    const w = dayWeight(seed, day);
    weights.push(w);
    sum += w;
  }
  const counts: number[] = [];
  let cumulative = 0;
  let previous = 0;
  for (const w of weights) {
    cumulative += w;
    const upTo = Math.round((total * cumulative) / sum);
    counts.push(upTo - previous);
    previous = upTo;
  }
  return counts;
}

/** Rows for one day appended after the published range: a typical day of that weekday. */
export function appendedDayRows(seed: number, scale: number, day: number): number {
  let sum = 0;
  for (let d = FIRST_SALES_DAY; d <= LAST_SALES_DAY; d++) sum += dayWeight(seed, d);
  return Math.max(1, Math.round((salesRows(scale) * dayWeight(seed, day)) / sum));
}
