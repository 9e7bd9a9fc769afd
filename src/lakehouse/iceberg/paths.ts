/**
 * Locations. Metadata stores full URIs (spec: "Full URI for the file with FS scheme"); DuckDB
 * and `fs` want local paths. URIs are written as `file://` + the absolute path, unescaped —
 * what PyIceberg writes and reads back for local warehouses (it does not percent-decode).
 * Java's `file:/path` form is read too, and `local:///path`, which Trino writes for tables it
 * creates in a shared lakehouse (its native local file system rooted at `/`).
 */
import { realpathSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { ExecutionError } from '../../util/errors.js';

export function pathToUri(path: string): string {
  return `file://${resolve(path)}`;
}

/** The local path of a `file:` URI (or of a plain absolute path). */
export function uriToPath(uri: string): string {
  if (uri.startsWith('file://')) {
    const rest = uri.slice('file://'.length);
    // file://host/path is not local; file:///path is
    if (rest.startsWith('/')) return rest;
    if (rest.startsWith('localhost/')) return rest.slice('localhost'.length);
  } else if (uri.startsWith('file:/')) {
    return uri.slice('file:'.length);
  } else if (uri.startsWith('local:///')) {
    return uri.slice('local://'.length);
  } else if (isAbsolute(uri)) {
    return uri;
  }
  throw new ExecutionError(
    `The location ${uri} is not on the local file system; mdw reads local Iceberg tables only.`,
  );
}

/** Joins a location URI and relative parts without doubling slashes. */
export function joinUri(base: string, ...parts: string[]): string {
  return [base.replace(/\/+$/, ''), ...parts].join('/');
}

/** W/<namespace>/<table> — the warehouse layout (README: "The local Iceberg lakehouse"). */
export function tableLocation(warehouseDir: string, namespace: string, table: string): string {
  return pathToUri(join(warehouseDir, namespace, table));
}

/**
 * Whether `path` is `dir` or inside it, comparing real paths (links resolved) so that a link
 * cannot lead a deletion outside. A path that does not exist is judged by its nearest
 * existing parent.
 */
export function isInside(path: string, dir: string): boolean {
  const inside = relative(realOrNearest(dir), realOrNearest(path));
  return inside === '' || (!inside.startsWith('..') && !isAbsolute(inside));
}

function realOrNearest(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(realOrNearest(parent), basename(absolute));
  }
}
