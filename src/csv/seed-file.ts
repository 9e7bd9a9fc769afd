/**
 * A seed's CSV read whole for engines that load it themselves (by INSERT or an upload): its
 * path, header and rows with every row's field count checked, and the column types asked for
 * in `column_types`. Errors name the file and the line.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { ManifestNode } from '../manifest/types.js';
import { ExecutionError } from '../util/errors.js';
import { parseCsvRecords } from './records.js';

export interface SeedFile {
  /** the file as named to the user */
  shown: string;
  header: string[];
  rows: string[][];
  /** `column_types` by lower-case column name */
  overrides: Map<string, string>;
}

export function readSeedFile(node: ManifestNode, projectRoot: string): SeedFile {
  const path = node.seed_file_path || node.original_file_path;
  const file = isAbsolute(path) ? path : resolve(projectRoot, path);
  const shown = node.original_file_path || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ExecutionError(`Seed file ${shown} does not exist.`);
  }
  const delimiter =
    typeof node.config.delimiter === 'string' && node.config.delimiter !== '' ? node.config.delimiter : ',';
  const [header, ...rows] = parseCsvRecords(text, delimiter);
  if (!header) throw new ExecutionError(`Seed file ${shown} is empty: it needs at least a header row.`);
  rows.forEach((row, index) => {
    if (row.length !== header.length)
      throw new ExecutionError(
        `Could not read seed file ${shown}, line ${index + 2}: expected ${header.length} fields, found ${row.length}.`,
      );
  });
  const overrides = new Map(
    Object.entries(node.config.column_types ?? {}).map(([name, type]) => [name.toLowerCase(), String(type)]),
  );
  return { shown, header, rows, overrides };
}
