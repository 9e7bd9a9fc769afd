/**
 * Bytes scanned and what they cost, for engines that bill by the data a query reads (Athena
 * reports DataScannedInBytes per query; the adapter sums a node's statements).
 */

/** Athena's list price in USD per TB scanned (targets may set bytes_scanned_price). */
export const DEFAULT_PRICE_PER_TB = 5;

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** USD for `bytes` at `pricePerTb` (a TB is 2^40 bytes, as Athena bills). */
export function scanCostUsd(bytes: number, pricePerTb: number): number {
  return (bytes / 2 ** 40) * pricePerTb;
}

/** The run summary's line, or null when no node reported bytes scanned. */
export function scanSummary(scanned: readonly (number | undefined)[], pricePerTb: number): string | null {
  const reported = scanned.filter((bytes): bytes is number => bytes !== undefined);
  if (reported.length === 0) return null;
  const total = reported.reduce((sum, bytes) => sum + bytes, 0);
  const cost = scanCostUsd(total, pricePerTb);
  return `Scanned ${formatBytes(total)} in total: estimated cost $${cost < 0.01 && cost > 0 ? cost.toFixed(6) : cost.toFixed(2)} at $${pricePerTb} per TB.`;
}
