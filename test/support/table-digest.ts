/**
 * Comparing the warehouse's tables across targets: every column cast to text in the engine
 * itself (no float on the way), the rows as canonical lines, sorted and hashed. Shared by the
 * Trino and Athena warehouse suites, which compare their builds with the local target's.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';

/** The std and cur tables every target must build identically. */
export const WAREHOUSE_TABLES = [
  'mdw_std.mdw_std_dim_customers',
  'mdw_std.mdw_std_dim_date',
  'mdw_std.mdw_std_dim_employees',
  'mdw_std.mdw_std_dim_products',
  'mdw_cur.mdw_cur_ft_sales',
  'mdw_cur.mdw_cur_daily_revenue',
  'mdw_cur.mdw_cur_category_daily_sales',
  'mdw_cur.mdw_cur_customer_summary',
  'mdw_cur.mdw_cur_product_performance',
  'mdw_cur.mdw_cur_salesperson_performance',
] as const;

/**
 * One value as comparable text: numbers lose trailing fraction zeros (the engines agree on
 * decimal digits but not on every result scale), timestamps lose trailing zeros of their fraction.
 */
export function canonical(value: unknown): string {
  if (value === null || value === undefined) return '∅';
  const text = String(value);
  if (/^-?\d+\.\d+$/.test(text)) return text.replace(/\.?0+$/, '');
  const time = /^(\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d)(\.\d+)?$/.exec(text);
  if (time) return `${time[1]!.replace('T', ' ')}${(time[2] ?? '').replace(/\.?0+$/, '')}`;
  return text;
}

export interface TableDigest {
  rows: number;
  checksum: string;
  /** the sorted lines, to name a differing row */
  lines: string[];
}

/** The select that casts every column to text (run it on each target). */
export function textSelect(table: string, columns: readonly string[]): string {
  return `select ${columns.map((c) => `cast("${c}" as varchar) as "${c}"`).join(', ')} from ${table}`;
}

export function digestRows(
  rows: readonly Record<string, unknown>[],
  columns: readonly string[],
): TableDigest {
  const lines = rows.map((row) => columns.map((c) => canonical(row[c])).join('|')).sort();
  return { rows: lines.length, checksum: createHash('sha256').update(lines.join('\n')).digest('hex'), lines };
}

/** Fails naming the table and one row found on only one side. */
export function assertSameDigest(
  table: string,
  expected: TableDigest,
  actual: TableDigest,
  names: { expected: string; actual: string },
  when: string,
): void {
  assert.ok(expected.rows > 0, `${table} is empty on ${names.expected} (${when})`);
  assert.equal(
    actual.rows,
    expected.rows,
    `${table}: ${names.actual} has ${actual.rows} rows, ${names.expected} ${expected.rows} (${when})`,
  );
  if (actual.checksum === expected.checksum) return;
  const expectedSet = new Set(expected.lines);
  const actualSet = new Set(actual.lines);
  const onlyActual = actual.lines.find((line) => !expectedSet.has(line));
  const onlyExpected = expected.lines.find((line) => !actualSet.has(line));
  assert.fail(
    `${table} differs (${when}): ${names.actual} has ${onlyActual}, ${names.expected} has ${onlyExpected}`,
  );
}
