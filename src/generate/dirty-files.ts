/**
 * File-level dirty cases for tests to build on top of a generated landing: an empty
 * file, a header with renamed / reordered / missing columns, a missing file or folder.
 * Each helper rewrites `path` in place unless `dest` is given. The column helpers
 * parse the whole file, so use them on small files (reference tables, small scales).
 */

import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { MdwError } from '../util/errors.js';
import { csvLine, parseCsv } from './csv.js';

/** Truncates (or creates) a file to zero bytes. */
export async function writeEmptyFile(path: string): Promise<void> {
  await writeFile(path, '');
}

/** Keeps only the header line. */
export async function writeHeaderOnly(path: string, dest = path): Promise<void> {
  const { header } = await readTable(path);
  await writeFile(dest, csvLine(header));
}

/**
 * Renames header columns (e.g. { SalesDate: 'Sales_Date' }); data lines are copied
 * byte for byte, streaming, so this works on sales.csv at any scale.
 */
export async function writeWithRenamedHeader(
  path: string,
  renames: Record<string, string>,
  dest = path,
): Promise<void> {
  const target = dest === path ? `${path}.tmp` : dest;
  const out = createWriteStream(target);
  let headerDone = false;
  let pending = Buffer.alloc(0);
  for await (const chunk of createReadStream(path)) {
    if (headerDone) {
      if (!out.write(chunk)) await once(out, 'drain');
      continue;
    }
    pending = Buffer.concat([pending, chunk as Buffer]);
    const end = pending.indexOf(0x0a);
    if (end < 0) continue;
    const eol = pending[end - 1] === 0x0d ? '\r\n' : '\n';
    const header = parseCsv(pending.subarray(0, end).toString('utf8'))[0] ?? [];
    missingColumns(path, header, Object.keys(renames));
    out.write(csvLine(header.map((name) => renames[name] ?? name)).slice(0, -1) + eol);
    out.write(pending.subarray(end + 1));
    headerDone = true;
  }
  if (!headerDone) {
    const header = parseCsv(pending.toString('utf8'))[0] ?? [];
    missingColumns(path, header, Object.keys(renames));
    out.write(csvLine(header.map((name) => renames[name] ?? name)));
  }
  out.end();
  await once(out, 'finish');
  if (target !== dest) await rename(target, dest);
}

/** Writes the same data with its columns in another order (header and rows move together). */
export async function writeWithReorderedColumns(
  path: string,
  order: readonly string[],
  dest = path,
): Promise<void> {
  const { header, rows } = await readTable(path);
  missingColumns(path, header, order);
  if (order.length !== header.length) {
    throw new MdwError(`Reorder of ${path} must list all ${header.length} columns (${header.join(', ')}).`);
  }
  const index = order.map((name) => header.indexOf(name));
  await writeRows(
    dest,
    order,
    rows.map((row) => index.map((i) => row[i] ?? '')),
  );
}

/** Writes the data without one column (header and rows). */
export async function writeWithMissingColumn(path: string, column: string, dest = path): Promise<void> {
  const { header, rows } = await readTable(path);
  missingColumns(path, header, [column]);
  const drop = header.indexOf(column);
  const keep = (fields: string[]): string[] => fields.filter((_, i) => i !== drop);
  await writeRows(dest, keep(header), rows.map(keep));
}

/** Deletes a file or a whole folder (e.g. one sales partition). */
export async function removePath(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true });
}

async function readTable(path: string): Promise<{ header: string[]; rows: string[][] }> {
  const records = parseCsv((await readFile(path, 'utf8')).replace(/^\uFEFF/, ''));
  if (records.length === 0) throw new MdwError(`${path} is empty; it has no header to change.`);
  return { header: records[0]!, rows: records.slice(1) };
}

async function writeRows(dest: string, header: readonly string[], rows: readonly string[][]): Promise<void> {
  let text = csvLine(header);
  for (const row of rows) text += csvLine(row);
  await writeFile(dest, text);
}

function missingColumns(path: string, header: readonly string[], wanted: readonly string[]): void {
  const missing = wanted.filter((name) => !header.includes(name));
  if (missing.length > 0) {
    throw new MdwError(`${path} has no column ${missing.join(', ')} (found: ${header.join(', ')}).`);
  }
}
