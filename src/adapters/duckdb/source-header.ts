/**
 * The header of every landing file must hold the columns the source declares (in order when
 * it declares them all): CSV readers map columns by position, so a renamed, reordered or
 * missing column would silently shift values. One sentence names the file and the expected vs found columns.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { isAbsolute, relative } from 'node:path';
import type { SourceDefinition } from '../../project/types.js';
import { ExecutionError } from '../../util/errors.js';

const HEAD_BYTES = 64 * 1024;

export function checkSourceHeaders(
  source: SourceDefinition,
  files: string[],
  delimiter: string,
  projectRoot: string,
): void {
  const declared = Object.keys(source.columns);
  if (declared.length === 0) return;
  for (const file of files) {
    const hiveKeys = new Set([...file.matchAll(/[\\/]([^\\/=]+)=[^\\/]*(?=[\\/])/g)].map((m) => m[1]!));
    const expected = declared.filter((name) => !hiveKeys.has(name));
    const found = readHeader(file, delimiter);
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

/** The first line's fields (BOM, CR and quotes removed), or null for an empty file. */
export function readHeader(file: string, delimiter: string): string[] | null {
  const fd = openSync(file, 'r');
  let text: string;
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const read = readSync(fd, buffer, 0, HEAD_BYTES, 0);
    text = buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const line = text.split('\n', 1)[0]!.replace(/\r$/, '');
  if (line.trim() === '') return null;
  return splitFields(line, delimiter);
}

function splitFields(line: string, delimiter: string): string[] {
  const fields: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        current += '"';
        i++;
      } else if (char === '"') quoted = false;
      else current += char;
    } else if (char === '"') quoted = true;
    else if (line.startsWith(delimiter, i)) {
      fields.push(current.trim());
      current = '';
      i += delimiter.length - 1;
    } else current += char;
  }
  fields.push(current.trim());
  return fields;
}
