/**
 * The header of every landing file must hold the columns the source declares (in order when
 * it declares them all): CSV readers map columns by position, so a renamed, reordered or
 * missing column would silently shift values. One sentence names the file and the expected vs found columns.
 */
import { isAbsolute, relative } from 'node:path';
import type { SourceDefinition } from '../manifest/types.js';
import { ExecutionError } from '../util/errors.js';
import { type HeaderReader, readCsvHeaderSync } from './header.js';

export function checkSourceHeaders(
  source: SourceDefinition,
  files: string[],
  delimiter: string,
  projectRoot: string,
  readHeaderOf: HeaderReader = readCsvHeaderSync,
): void {
  const declared = Object.keys(source.columns);
  if (declared.length === 0) return;
  for (const file of files) {
    const hiveKeys = new Set([...file.matchAll(/[\\/]([^\\/=]+)=[^\\/]*(?=[\\/])/g)].map((m) => m[1]!));
    const expected = declared.filter((name) => !hiveKeys.has(name));
    const found = readHeader(file, delimiter, readHeaderOf);
    if (found === null) continue; // an empty file has no header to check; it adds no rows
    // Sources may declare only some columns (to document or test them): those must be
    // present; when every column is declared, the order must match too.
    const missing = expected.filter((name) => !found.includes(name));
    const reordered = found.length === expected.length && found.some((name, i) => name !== expected[i]);
    if (missing.length === 0 && !reordered) continue;
    const shown = relative(projectRoot, file);
    const path = shown && !shown.startsWith('..') && !isAbsolute(shown) ? shown : file;
    throw new ExecutionError(
      `${path}: the header does not match source ${source.source_name}.${source.name}: expected columns ` +
        `${expected.join(',')} but found ${found.join(',') || '(none)'}${describeDifference(expected, found)}.`,
    );
  }
}

function describeDifference(expected: string[], found: string[]): string {
  const missing = expected.filter((name) => !found.includes(name));
  const unexpected = found.filter((name) => !expected.includes(name));
  const parts: string[] = [];
  if (missing.length > 0) parts.push(`missing ${missing.join(', ')}`);
  if (unexpected.length > 0) parts.push(`unexpected ${unexpected.join(', ')}`);
  if (parts.length === 0) parts.push('same columns in another order');
  return ` (${parts.join('; ')})`;
}

/** The header's column names (surrounding spaces trimmed), or null for an empty file. */
export function readHeader(
  file: string,
  delimiter: string,
  readHeaderOf: HeaderReader = readCsvHeaderSync,
): string[] | null {
  return readHeaderOf(file, delimiter)?.map((name) => name.trim()) ?? null;
}
