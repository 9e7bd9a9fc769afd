/**
 * A moved or copied warehouse: Iceberg metadata holds full URIs (spec v2 has no relative
 * paths), so after `mv` or `cp -a` the copy's metadata still names the old folder — a copy
 * would write into, and read from, the original. On open, every metadata file of each table
 * under the old root is rewritten in place with the new root (the same result as Iceberg's
 * rewrite-table-path action), then the catalog pointers. External readers (PyIceberg,
 * Trino's register_table) then see correct absolute paths.
 *
 * Only files inside the new folder are written. Each file is replaced atomically and the
 * rewrite is idempotent (a path already under the new root is left alone), so a crash part
 * way is finished by the next open: the catalog records the new root only at the end.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import type Database from 'better-sqlite3';
import { decodeAvro, encodeAvro } from './avro.js';

/** The forms a local location takes in metadata (ours, Java's `file:/`, Trino's `local://`). */
const SCHEMES = ['file://', 'file:', 'local://', ''];

/** Maps a location under `oldRoot` to the same place under `newRoot`; other locations unchanged. */
export function relocator(oldRoot: string, newRoot: string): (location: string) => string {
  const from = oldRoot.replace(/\/+$/, '');
  const to = newRoot.replace(/\/+$/, '');
  return (location) => {
    for (const scheme of SCHEMES) {
      const prefix = `${scheme}${from}/`;
      if (location.startsWith(prefix)) return `${scheme}${to}/${location.slice(prefix.length)}`;
    }
    return location;
  };
}

export interface RelocationResult {
  tables: number;
  files: number;
}

/** Rewrites the metadata of every table of the catalog database that lived under `oldRoot`. */
export function relocateWarehouse(db: Database.Database, oldRoot: string, newRoot: string): RelocationResult {
  const move = relocator(oldRoot, newRoot);
  const rows = db
    .prepare(
      'SELECT rowid AS id, metadata_location AS current, previous_metadata_location AS previous FROM iceberg_tables',
    )
    .all() as { id: number; current: string | null; previous: string | null }[];
  let tables = 0;
  let files = 0;
  const update = db.prepare(
    'UPDATE iceberg_tables SET metadata_location = ?, previous_metadata_location = ? WHERE rowid = ?',
  );
  for (const row of rows) {
    if (row.current === null || move(row.current) === row.current) continue;
    const metadataDir = dirname(localOf(move(row.current)));
    if (existsSync(metadataDir)) files += rewriteMetadataFolder(metadataDir, move);
    update.run(move(row.current), row.previous === null ? null : move(row.previous), row.id);
    tables += 1;
  }
  return { tables, files };
}

/** Rewrites one table's metadata folder from `oldRoot` to `newRoot` (recover of a moved warehouse). */
export function relocateTableFolder(metadataDir: string, oldRoot: string, newRoot: string): number {
  return rewriteMetadataFolder(metadataDir, relocator(oldRoot, newRoot));
}

function localOf(location: string): string {
  for (const scheme of ['file://', 'local://', 'file:']) {
    if (location.startsWith(scheme)) return location.slice(scheme.length);
  }
  return location;
}

/** Manifests first (their new sizes go into the manifest lists), then lists, then metadata JSON. */
function rewriteMetadataFolder(metadataDir: string, move: (l: string) => string): number {
  const names = readdirSync(metadataDir);
  const avroFiles = names.filter((n) => n.endsWith('.avro')).map((n) => join(metadataDir, n));
  const decoded = avroFiles.flatMap((path) => {
    try {
      return [{ path, file: decodeAvro(readFileSync(path), path) }];
    } catch {
      return []; // a damaged file stays as it is; reading it later names it
    }
  });
  const isList = (schema: any) =>
    Array.isArray(schema?.fields) && schema.fields.some((f: any) => f.name === 'manifest_path');
  let count = 0;
  const sizes = new Map<string, number>();
  for (const { path, file } of decoded.filter((d) => !isList(d.file.schema))) {
    const records = file.records.map((r) => mapStrings(r, move));
    if (JSON.stringify(records, jsonSafe) !== JSON.stringify(file.records, jsonSafe)) {
      writeAtomically(path, encodeAvro(file.schema, records, file.metadata));
      count += 1;
    }
    sizes.set(path, statSync(path).size);
  }
  for (const { path, file } of decoded.filter((d) => isList(d.file.schema))) {
    const records = file.records.map((r) => {
      const next = mapStrings(r, move);
      const size = sizes.get(localOf(String(next.manifest_path)));
      return size === undefined ? next : { ...next, manifest_length: BigInt(size) };
    });
    if (JSON.stringify(records, jsonSafe) !== JSON.stringify(file.records, jsonSafe)) {
      writeAtomically(path, encodeAvro(file.schema, records, file.metadata));
      count += 1;
    }
  }
  for (const name of names.filter((n) => n.endsWith('.metadata.json'))) {
    const path = join(metadataDir, name);
    const bytes = readFileSync(path);
    const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
    let text: string;
    try {
      text = (gzipped ? gunzipSync(bytes) : bytes).toString('utf8');
    } catch {
      continue;
    }
    // Text, not parsed JSON: snapshot ids are 64-bit and everything else must stay verbatim.
    const next = text.replace(/"((?:file:|local:)?[^"\\]*)"/g, (whole, value: string) => {
      const moved = move(value);
      return moved === value ? whole : JSON.stringify(moved);
    });
    if (next === text) continue;
    writeAtomically(path, gzipped ? gzipSync(next) : Buffer.from(next));
    count += 1;
  }
  return count;
}

function mapStrings(value: any, move: (l: string) => string): any {
  if (typeof value === 'string') return move(value);
  if (Array.isArray(value)) return value.map((v) => mapStrings(v, move));
  if (value && typeof value === 'object' && !Buffer.isBuffer(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = mapStrings(v, move);
    return out;
  }
  return value;
}

function jsonSafe(_key: string, v: unknown) {
  return typeof v === 'bigint' ? v.toString() : v;
}

/** Replaces a file with new bytes: a fsynced temporary file renamed over it. */
function writeAtomically(path: string, bytes: Buffer): void {
  const temp = `${path}.relocating-${process.pid}`;
  const fd = openSync(temp, 'w');
  try {
    writeSync(fd, bytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, path);
}
