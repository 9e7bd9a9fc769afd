/**
 * Pinned CSV columns for a landing view. DuckDB sniffs a CSV file every time a query binding
 * the view is planned (about 0.1 s for a large file), so a view read by many models and tests
 * pays it many times. When the source pins the dialect (delimiter and quote) and every file
 * has the same header, the view names its columns instead (all text, as the raw layer
 * reads them) and turns sniffing off: the same rows, without the repeated sniff.
 */
import { type HeaderReader, readCsvHeaderSync } from '../../csv/header.js';
import { sqlString } from '../sql-helpers.js';

/** Reader options that decide columns or types themselves: with any of them, nothing is pinned. */
const COLUMN_OPTIONS = [
  'columns',
  'types',
  'dtypes',
  'column_types',
  'names',
  'column_names',
  'auto_detect',
  'skip',
  'union_by_name',
  'filename',
];

/**
 * The `columns` option naming every header column as VARCHAR, or null when the files'
 * headers differ, a name has surrounding spaces or repeats, or the options do not pin the
 * dialect. `options` are the reader options as written into the call (lower-case names).
 */
export function pinnedCsvColumns(
  files: readonly string[],
  options: ReadonlyMap<string, string>,
  readHeaderOf: HeaderReader = readCsvHeaderSync,
): string | null {
  if (options.get('all_varchar') !== 'true' || options.get('header') !== 'true') return null;
  if (COLUMN_OPTIONS.some((name) => options.has(name))) return null;
  const delimiter = literalText(options.get('delim') ?? options.get('sep'));
  if (delimiter === null || literalText(options.get('quote')) === null) return null;
  let header: string[] | null = null;
  for (const file of files) {
    const found = readHeaderOf(file, delimiter);
    if (found === null) continue; // an empty file adds no rows
    if (header === null) header = found;
    else if (found.length !== header.length || found.some((name, i) => name !== header![i])) return null;
  }
  if (header === null || header.length === 0) return null;
  const names = new Set(header.map((name) => name.toLowerCase()));
  if (names.size !== header.length || header.some((name) => name === '' || name.trim() !== name)) return null;
  return `{${header.map((name) => `${sqlString(name)}: 'VARCHAR'`).join(', ')}}`;
}

/** The text of a single-quoted SQL literal as written into the options, or null. */
function literalText(value: string | undefined): string | null {
  if (value === undefined || !/^'(?:[^']|'')*'$/.test(value)) return null;
  return value.slice(1, -1).replace(/''/g, "'");
}
