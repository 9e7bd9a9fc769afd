/**
 * The parent keys a child row may point at. Generated tables use 1..n; when appending
 * to files that came from elsewhere, the keys are the ones read from those files.
 */
export interface KeyPool {
  size: number;
  /** Explicit keys; undefined means the contiguous range 1..size. */
  ids?: string[];
}

export function rangePool(size: number): KeyPool {
  return { size };
}

export function keyAt(pool: KeyPool, index: number): string {
  return pool.ids ? pool.ids[index]! : String(index + 1);
}

/** Every key as a string (small pools only: products, employees). */
export function allKeys(pool: KeyPool): string[] {
  return pool.ids ?? Array.from({ length: pool.size }, (_, i) => String(i + 1));
}

/** A key guaranteed not to be in the pool (for orphan foreign keys). */
export function missingKey(pool: KeyPool, offset: number): string {
  let max = pool.size;
  for (const id of pool.ids ?? []) max = Math.max(max, Number(id) || 0);
  return String(max + 1_000_000 + offset);
}
