/**
 * 1234567 → "1,234,567", as toLocaleString('en-US') writes a whole number, without loading
 * ICU's number data: that costs about 20 ms on the first call of every command.
 */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString('en-US');
  const grouped = String(Math.abs(n)).replace(/\B(?=(\d{3})+$)/g, ',');
  return n < 0 ? `-${grouped}` : grouped;
}
