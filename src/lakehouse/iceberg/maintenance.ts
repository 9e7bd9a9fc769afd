/**
 * Table maintenance: expiring old snapshots (and deleting what only they used), removing
 * orphan files left by crashed or failed commits, and compacting small files.
 */
import { readdirSync, realpathSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ExecutionError } from '../../util/errors.js';
import { commitWithRetry, nextVersion } from './commit.js';
import { type DataFile, EntryStatus, partitionKey } from './manifest.js';
import { ancestry, type Snapshot, type TableMetadata } from './metadata.js';
import { isInside, uriToPath } from './paths.js';
import type { IcebergTable, LiveDataFile } from './table.js';

const DAY_MS = 86_400_000;

export interface ExpireOptions {
  /** expire snapshots older than this many ms (default: `history.expire.max-snapshot-age-ms`, else 5 days) */
  olderThanMs?: number;
  /** always keep this many of the newest snapshots on the current line (default: `history.expire.min-snapshots-to-keep`, else 1) */
  retainLast?: number;
}

export interface ExpireResult {
  expiredSnapshotIds: bigint[];
  /** local paths of the files deleted */
  deletedFiles: string[];
}

/**
 * Drops snapshots from the metadata (never the current one, nor any a branch or tag points
 * at), commits, then deletes the files no remaining snapshot uses: data files, manifests,
 * manifest lists, and metadata files older than every remaining snapshot.
 */
export async function expireSnapshots(table: IcebergTable, options: ExpireOptions): Promise<ExpireResult> {
  let before: TableMetadata | undefined;
  let expired: Snapshot[] = [];
  const after = await commitWithRetry(table, (base) => {
    const md = base.metadata;
    const maxAge =
      options.olderThanMs ?? Number(md.properties['history.expire.max-snapshot-age-ms'] ?? 5 * DAY_MS);
    const retainLast = Math.max(
      1,
      options.retainLast ?? Number(md.properties['history.expire.min-snapshots-to-keep'] ?? 1),
    );
    const cutoff = Date.now() - maxAge;
    const keep = new Set<bigint>();
    for (const ref of Object.values(md.refs)) {
      keep.add(ref['snapshot-id']);
      if (ref.type !== 'branch') continue;
      ancestry(md, ref['snapshot-id']).forEach((s, i) => {
        if (i < retainLast || s['timestamp-ms'] >= cutoff) keep.add(s['snapshot-id']);
      });
    }
    const current = md['current-snapshot-id'];
    if (current !== null && current !== undefined) keep.add(current);
    // Snapshots on no branch (undone by a rollback) go once they are old enough.
    expired = md.snapshots.filter((s) => !keep.has(s['snapshot-id']) && s['timestamp-ms'] < cutoff);
    before = md;
    const gone = new Set(expired.map((s) => s['snapshot-id']));
    const remaining = md.snapshots.filter((s) => !gone.has(s['snapshot-id']));
    const oldest = Math.min(...remaining.map((s) => s['timestamp-ms']));
    return {
      metadata: nextVersion(base, {
        snapshots: remaining,
        'snapshot-log': md['snapshot-log'].filter((e) => !gone.has(e['snapshot-id'])),
        // metadata files from before the oldest remaining snapshot describe only expired ones
        'metadata-log': md['metadata-log'].filter((e) => !(e['timestamp-ms'] < oldest)),
      }),
      written: [],
    };
  });
  if (expired.length === 0 || !before) return { expiredSnapshotIds: [], deletedFiles: [] };
  const stillUsed = filesOf(table, after, after.snapshots);
  for (const e of after['metadata-log']) stillUsed.add(uriToPath(e['metadata-file']));
  stillUsed.add(uriToPath(table.metadataLocation));
  const candidates = filesOf(table, before, expired);
  for (const e of before['metadata-log']) candidates.add(uriToPath(e['metadata-file']));
  const own = ownFiles(table);
  const deletedFiles = [...candidates].filter((f) => !stillUsed.has(f) && own(f));
  for (const f of deletedFiles) rmSync(f, { force: true });
  return { expiredSnapshotIds: expired.map((s) => s['snapshot-id']), deletedFiles };
}

/** Local paths of the manifest lists, manifests and live data/delete files of some snapshots. */
function filesOf(table: IcebergTable, md: TableMetadata, snapshots: readonly Snapshot[]): Set<string> {
  const out = new Set<string>();
  for (const s of snapshots) {
    out.add(uriToPath(s['manifest-list']));
    for (const m of table.manifests(s['snapshot-id'], md)) {
      out.add(uriToPath(m.manifestPath));
      // A DELETED entry records that the snapshot dropped the file: it is not the snapshot's data.
      for (const e of table.manifestEntries(m, md)) {
        if (e.status !== EntryStatus.DELETED) out.add(uriToPath(e.dataFile.filePath));
      }
    }
  }
  return out;
}

/** Every file the table's current (or the given) metadata reaches, metadata files included. */
export function referencedFiles(
  table: IcebergTable,
  md: TableMetadata = table.metadata,
  location: string = table.metadataLocation,
): Set<string> {
  const out = filesOf(table, md, md.snapshots);
  out.add(uriToPath(location));
  for (const e of md['metadata-log']) out.add(uriToPath(e['metadata-file']));
  return out;
}

export interface OrphanOptions {
  /**
   * Only files older than this many ms are removed (default 1 hour), so the files of a
   * commit still in flight — written but not yet swapped in — are never touched. 0 in tests.
   */
  olderThanMs?: number;
}

/**
 * Maintenance deletes only files inside the table's own location, and only when that location
 * is inside the warehouse folder: metadata that names other places (a copied warehouse that
 * still points at the original, a table registered from elsewhere) never leads a deletion there.
 */
export function ownFiles(table: IcebergTable): (path: string) => boolean {
  const location = table.locationPath();
  if (!isInside(location, table.catalog.warehouseDir)) return () => false;
  return (path) => isInside(path, location);
}

/** Deletes files under the table's location that no metadata reaches; returns their paths. */
export async function removeOrphans(table: IcebergTable, options: OrphanOptions): Promise<string[]> {
  const cutoff = Date.now() - (options.olderThanMs ?? 3_600_000);
  table.refresh();
  if (!isInside(table.locationPath(), table.catalog.warehouseDir)) {
    throw new ExecutionError(
      `Iceberg table ${table.identifier} lives at ${table.locationPath()}, outside the warehouse folder ` +
        `${table.catalog.warehouseDir}; mdw removes orphan files only inside the warehouse, so nothing was deleted.`,
    );
  }
  // Files a running build has staged (Write-Audit-Publish) are not orphans either.
  const staged = table.catalog
    .liveStagedLocations(table.namespace, table.name)
    .flatMap((location) => [...referencedFiles(table, table.catalog.readMetadata(location), location)]);
  // compared as real paths: a warehouse reached through a symlink must not make live files look orphaned
  const referenced = new Set([...referencedFiles(table), ...staged].map(realPath));
  const own = ownFiles(table);
  const removed: string[] = [];
  const walk = (dir: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      const path = join(dir, name);
      const st = statSync(path, { throwIfNoEntry: false });
      if (!st) continue;
      if (st.isDirectory()) {
        walk(path);
        if (st.mtimeMs < cutoff && readdirSync(path).length === 0) rmdirSync(path);
      } else if (st.mtimeMs < cutoff && !referenced.has(realPath(path)) && own(path)) {
        rmSync(path, { force: true });
        removed.push(path);
      }
    }
  };
  walk(table.locationPath());
  return removed;
}

function realPath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

export interface CompactionGroup {
  partition: DataFile['partition'];
  specId: number;
  files: LiveDataFile[];
  totalBytes: number;
  totalRecords: number;
}

/**
 * Groups of small files (under 3/4 of the target) within one partition, bin-packed so each
 * group holds at most about `targetFileSizeBytes`. Only groups of two or more files are
 * worth rewriting.
 */
export function planCompaction(table: IcebergTable, targetFileSizeBytes: number): CompactionGroup[] {
  const byPartition = new Map<string, LiveDataFile[]>();
  const deletes = table.deleteIndex();
  for (const f of table.dataFiles()) {
    if (f.fileSizeInBytes >= targetFileSizeBytes * 0.75) continue;
    // files with row-level deletes from another engine are left to a copy-on-write write
    if (!deletes.isEmpty && hasDeletes(deletes.applicableTo(f))) continue;
    const key = `${f.specId}:${partitionKey(f.partition)}`;
    byPartition.set(key, [...(byPartition.get(key) ?? []), f]);
  }
  const groups: CompactionGroup[] = [];
  for (const files of byPartition.values()) {
    const bins: LiveDataFile[][] = [];
    const sizes: number[] = [];
    for (const f of [...files].sort((a, b) => b.fileSizeInBytes - a.fileSizeInBytes)) {
      const i = sizes.findIndex((s) => s + f.fileSizeInBytes <= targetFileSizeBytes);
      if (i >= 0) {
        bins[i]!.push(f);
        sizes[i]! += f.fileSizeInBytes;
      } else {
        bins.push([f]);
        sizes.push(f.fileSizeInBytes);
      }
    }
    for (const bin of bins.filter((b) => b.length > 1)) {
      groups.push({
        partition: bin[0]!.partition,
        specId: bin[0]!.specId,
        files: bin,
        totalBytes: bin.reduce((n, f) => n + f.fileSizeInBytes, 0),
        totalRecords: bin.reduce((n, f) => n + f.recordCount, 0),
      });
    }
  }
  return groups;
}

/**
 * Writes one compaction group's rows as new data files near the target size; the engine that
 * reads and writes the data supplies it (the table format writes no data itself).
 */
export type RewriteGroup = (group: CompactionGroup, targetFileSizeBytes: number) => Promise<DataFile[]>;

/**
 * Rewrites every planned group with the engine's `rewrite` and commits all of them as one
 * `replace` snapshot. Returns undefined when there was nothing to compact.
 */
export async function compact(
  table: IcebergTable,
  rewrite: RewriteGroup,
  targetFileSizeBytes: number,
): Promise<Snapshot | undefined> {
  const groups = planCompaction(table, targetFileSizeBytes);
  if (groups.length === 0) return undefined;
  const added: DataFile[] = [];
  try {
    for (const group of groups) {
      const files = await rewrite(group, targetFileSizeBytes);
      added.push(...files);
      const written = files.reduce((n, f) => n + f.recordCount, 0);
      if (written !== group.totalRecords) {
        throw new ExecutionError(
          `Compaction of ${table.identifier} wrote ${written} rows for ${group.totalRecords}; nothing was committed.`,
        );
      }
    }
    return await table.rewrite({ deleteFiles: groups.flatMap((g) => g.files), addFiles: added });
  } catch (error) {
    for (const f of added) rmSync(uriToPath(f.filePath), { force: true });
    throw error;
  }
}

function hasDeletes(applicable: { position: unknown[]; equality: unknown[] }): boolean {
  return applicable.position.length + applicable.equality.length > 0;
}
