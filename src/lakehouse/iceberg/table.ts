/**
 * One Iceberg table: reading its snapshots and files from the metadata tree, and the
 * operations the adapter runs on it. Reads are synchronous (local files); commits are async
 * (they may wait to retry).
 */
import { join } from 'node:path';
import { compareText } from '../../util/compare-text.js';
import { ExecutionError } from '../../util/errors.js';
import type { IcebergCatalog } from './catalog.js';
import { commitDataChange, commitWithRetry, ensureMetadataDir, nextVersion } from './commit.js';
import { DeleteIndex, liveDeleteFile } from './deletes.js';
import {
  type CompactionGroup,
  compact,
  type ExpireOptions,
  type ExpireResult,
  expireSnapshots,
  type OrphanOptions,
  planCompaction,
  type RewriteGroup,
  referencedFiles,
  removeOrphans,
} from './maintenance.js';
import {
  type DataFile,
  EntryStatus,
  FileContent,
  type ManifestEntry,
  type ManifestFile,
  type PartitionValues,
  partitionKey,
  readManifest,
  readManifestList,
} from './manifest.js';
import { DecodedFiles } from './manifest-cache.js';
import {
  ancestry,
  currentSnapshot,
  defaultSpec,
  type PartitionSpec,
  type Snapshot,
  schemaById,
  snapshotById,
  type TableMetadata,
} from './metadata.js';
import { uriToPath } from './paths.js';
import { damagedFileError } from './recovery.js';
import { fieldIds, type Schema } from './schema.js';
import type { PartitionRequest } from './transforms.js';

/** A live data file of a snapshot, with where it came from. */
export interface LiveDataFile extends DataFile {
  /** local path of the data file (engines read it from here) */
  localPath: string;
  snapshotId: bigint;
  sequenceNumber: number;
  fileSequenceNumber: number;
  specId: number;
}

export interface HistoryEntry {
  snapshotId: bigint;
  parentId: bigint | null;
  timestampMs: number;
  operation: string;
  summary: Record<string, string>;
  /** on the current snapshot's line of parents (false for snapshots undone by a rollback) */
  isCurrentAncestor: boolean;
}

export interface PartitionInfo {
  partition: PartitionValues;
  recordCount: number;
  fileCount: number;
  totalSizeBytes: number;
}

/** decoded manifest lists and manifests of the whole process (immutable files, manifest-cache.ts) */
const MANIFEST_LISTS = new DecodedFiles<ManifestFile>();
const MANIFESTS = new DecodedFiles<ManifestEntry>();

export class IcebergTable {
  metadataLocation: string;
  metadata: TableMetadata;

  constructor(
    readonly catalog: IcebergCatalog,
    readonly namespace: string,
    readonly name: string,
    metadataLocation: string,
    metadata: TableMetadata,
  ) {
    this.metadataLocation = metadataLocation;
    this.metadata = metadata;
  }

  get identifier(): string {
    return `${this.namespace}.${this.name}`;
  }

  /** Re-reads the catalog pointer (another process may have committed). */
  refresh(): this {
    const location = this.catalog.currentMetadataLocation(this.namespace, this.name);
    if (location === undefined)
      throw new ExecutionError(`Iceberg table ${this.identifier} no longer exists.`);
    if (location !== this.metadataLocation)
      this.setState(location, this.catalog.readMetadata(location, this.identifier));
    return this;
  }

  /** @internal called after a successful commit */
  setState(location: string, metadata: TableMetadata): void {
    this.metadataLocation = location;
    this.metadata = metadata;
  }

  locationPath(): string {
    return uriToPath(this.metadata.location);
  }

  /** Where new data files go: `<location>/data` (Hive-style `partition=…` folders below). */
  dataDir(): string {
    return join(this.locationPath(), 'data');
  }

  get partitioned(): boolean {
    return defaultSpec(this.metadata).fields.length > 0;
  }

  spec(): PartitionSpec {
    return defaultSpec(this.metadata);
  }

  // --- snapshots -----------------------------------------------------------------------------

  snapshots(): Snapshot[] {
    return [...this.metadata.snapshots].sort((a, b) => a['timestamp-ms'] - b['timestamp-ms']);
  }

  currentSnapshot(): Snapshot | undefined {
    return currentSnapshot(this.metadata);
  }

  snapshot(snapshotId: bigint): Snapshot {
    const s = snapshotById(this.metadata, BigInt(snapshotId));
    if (!s) throw new ExecutionError(`Iceberg table ${this.identifier} has no snapshot ${snapshotId}.`);
    return s;
  }

  /**
   * The snapshot that was current at `timestampMs` (spec Appendix F: by the snapshot-log,
   * falling back on snapshot times when a writer kept no log). Undefined before the first.
   */
  snapshotAsOf(timestampMs: number): Snapshot | undefined {
    const log = this.metadata['snapshot-log'].filter(
      (e) => e['timestamp-ms'] <= timestampMs && snapshotById(this.metadata, e['snapshot-id']!),
    );
    if (log.length > 0) return snapshotById(this.metadata, log[log.length - 1]!['snapshot-id']!);
    if (this.metadata['snapshot-log'].length > 0) return undefined;
    return this.snapshots()
      .filter((s) => s['timestamp-ms'] <= timestampMs)
      .pop();
  }

  /** The schema data of a snapshot was written with (the current schema without one). */
  schema(snapshotId?: bigint): Schema {
    if (snapshotId === undefined) return schemaById(this.metadata, this.metadata['current-schema-id']);
    return schemaById(this.metadata, this.snapshot(snapshotId)['schema-id']);
  }

  history(): HistoryEntry[] {
    const ancestors = new Set(
      ancestry(this.metadata, this.metadata['current-snapshot-id']).map((s) => s['snapshot-id']),
    );
    return this.snapshots().map((s) => ({
      snapshotId: s['snapshot-id'],
      parentId: s['parent-snapshot-id'] ?? null,
      timestampMs: s['timestamp-ms'],
      operation: s.summary.operation,
      summary: { ...s.summary },
      isCurrentAncestor: ancestors.has(s['snapshot-id']),
    }));
  }

  // --- files ---------------------------------------------------------------------------------

  manifests(snapshotId?: bigint, md: TableMetadata = this.metadata): ManifestFile[] {
    const snap = snapshotId === undefined ? currentSnapshot(md) : snapshotById(md, BigInt(snapshotId));
    if (snapshotId !== undefined && !snap) {
      throw new ExecutionError(`Iceberg table ${this.identifier} has no snapshot ${snapshotId}.`);
    }
    if (!snap) return [];
    const path = uriToPath(snap['manifest-list']);
    try {
      return [...MANIFEST_LISTS.get(path, () => readManifestList(path))];
    } catch (error) {
      throw damagedFileError(this.identifier, path, error);
    }
  }

  /** All entries of one manifest, inheritance applied (manifests never change: cached, read-only). */
  manifestEntries(manifest: ManifestFile, md: TableMetadata = this.metadata): readonly ManifestEntry[] {
    const spec = md['partition-specs'].find((s) => s['spec-id'] === manifest.partitionSpecId);
    if (!spec) {
      throw new ExecutionError(
        `Iceberg table ${this.identifier} has a manifest with unknown partition spec ${manifest.partitionSpecId}.`,
      );
    }
    const schema = this.schemaForManifest(md, manifest);
    const path = uriToPath(manifest.manifestPath);
    const key = [
      path,
      manifest.sequenceNumber,
      manifest.minSequenceNumber,
      manifest.addedSnapshotId,
      spec['spec-id'],
      schema['schema-id'],
    ].join('\u0000');
    try {
      return MANIFESTS.get(key, () => readManifest(manifest, path, spec, schema));
    } catch (error) {
      throw damagedFileError(this.identifier, path, error);
    }
  }

  /** @internal the newest schema that still has every partition source column of a manifest's spec */
  schemaForManifest(md: TableMetadata, manifest: ManifestFile): Schema {
    const spec = md['partition-specs'].find((s) => s['spec-id'] === manifest.partitionSpecId);
    const sources = spec?.fields.map((f) => f['source-id']) ?? [];
    const candidates = [schemaById(md, md['current-schema-id']), ...[...md.schemas].reverse()];
    return candidates.find((s) => sources.every((id) => fieldIds(s).includes(id))) ?? candidates[0]!;
  }

  /** Live (ADDED or EXISTING) entries of a snapshot, data and delete files alike. */
  liveEntries(
    snapshotId?: bigint,
    md: TableMetadata = this.metadata,
  ): (ManifestEntry & { specId: number })[] {
    return this.manifests(snapshotId, md).flatMap((m) =>
      this.manifestEntries(m, md)
        .filter((e) => e.status !== EntryStatus.DELETED)
        .map((e) => ({ ...e, specId: m.partitionSpecId })),
    );
  }

  /**
   * The data files of the snapshot (default: current). Rows removed by row-level delete files
   * (written by other engines) are still in them: readers apply `deleteIndex()`.
   */
  dataFiles(snapshotId?: bigint): LiveDataFile[] {
    return this.liveEntries(snapshotId)
      .filter((e) => e.dataFile.content === FileContent.DATA)
      .map((e) => ({
        ...e.dataFile,
        localPath: uriToPath(e.dataFile.filePath),
        snapshotId: e.snapshotId!,
        sequenceNumber: e.sequenceNumber!,
        fileSequenceNumber: e.fileSequenceNumber!,
        specId: e.specId,
      }));
  }

  /** The snapshot's position and equality delete files, ready to match against its data files. */
  deleteIndex(snapshotId?: bigint, md: TableMetadata = this.metadata): DeleteIndex {
    const deletes = this.liveEntries(snapshotId, md)
      .filter((e) => e.dataFile.content !== FileContent.DATA)
      .map((e) => liveDeleteFile(e.dataFile, e.sequenceNumber!, e.specId));
    const unpartitioned = new Set(
      md['partition-specs'].filter((s) => s.fields.length === 0).map((s) => s['spec-id']),
    );
    return new DeleteIndex(deletes, unpartitioned, this.identifier);
  }

  /** Per partition of a snapshot: records, files, bytes. */
  partitions(snapshotId?: bigint): PartitionInfo[] {
    const groups = new Map<string, PartitionInfo>();
    for (const f of this.dataFiles(snapshotId)) {
      const key = partitionKey(f.partition);
      const g = groups.get(key) ?? {
        partition: f.partition,
        recordCount: 0,
        fileCount: 0,
        totalSizeBytes: 0,
      };
      g.recordCount += f.recordCount;
      g.fileCount += 1;
      g.totalSizeBytes += f.fileSizeInBytes;
      groups.set(key, g);
    }
    return [...groups.entries()].sort(([a], [b]) => compareText(a, b)).map(([, g]) => g);
  }

  /** @internal local paths of every file any snapshot or metadata version references (for purge). */
  allReferencedFiles(): string[] {
    return [...referencedFiles(this)];
  }

  // --- writes --------------------------------------------------------------------------------

  /** Adds data files (operation `append`). */
  async append(addFiles: readonly DataFile[], options: { schema?: Schema } = {}): Promise<Snapshot> {
    ensureMetadataDir(this);
    return commitDataChange(this, { operation: 'append', addFiles, schema: options.schema });
  }

  /**
   * Removes some live files and adds others in one snapshot (operation `overwrite`): the
   * copy-on-write form of merge, delete+insert and insert_overwrite. Fails if another writer
   * removed one of `deleteFiles` first.
   */
  async overwrite(change: {
    deleteFiles: readonly (string | DataFile)[];
    addFiles: readonly DataFile[];
    schema?: Schema;
  }): Promise<Snapshot> {
    ensureMetadataDir(this);
    const deleteFiles = uris(change.deleteFiles);
    const operation =
      change.addFiles.length === 0 ? 'delete' : deleteFiles.length === 0 ? 'append' : 'overwrite';
    return commitDataChange(this, {
      operation,
      deleteFiles,
      addFiles: change.addFiles,
      schema: change.schema,
    });
  }

  /**
   * Full refresh: one snapshot that deletes every live file and adds `addFiles`; the schema
   * (and so the partition spec) may change.
   */
  async replace(change: {
    schema?: Schema;
    addFiles: readonly DataFile[];
    partitioned?: boolean;
    partitionBy?: readonly PartitionRequest[];
  }): Promise<Snapshot> {
    ensureMetadataDir(this);
    return commitDataChange(this, {
      operation: 'overwrite',
      deleteAll: true,
      addFiles: change.addFiles,
      schema: change.schema,
      partitioned: change.partitioned,
      partitionBy: change.partitionBy,
    });
  }

  /** Compaction result: same rows in other files (operation `replace`). */
  async rewrite(change: {
    deleteFiles: readonly (string | DataFile)[];
    addFiles: readonly DataFile[];
  }): Promise<Snapshot> {
    ensureMetadataDir(this);
    const deleteFiles = uris(change.deleteFiles);
    if (deleteFiles.length === 0)
      throw new ExecutionError(`A rewrite of ${this.identifier} must replace at least one file.`);
    return commitDataChange(this, { operation: 'replace', deleteFiles, addFiles: change.addFiles });
  }

  // --- maintenance ---------------------------------------------------------------------------

  /**
   * Makes an existing snapshot current again (a new metadata version; no data is written).
   * The table's current schema follows the snapshot's.
   */
  async rollback(snapshotId: bigint): Promise<Snapshot> {
    const id = BigInt(snapshotId);
    const md = await commitWithRetry(this, (base) => {
      const target = snapshotById(base.metadata, id);
      if (!target)
        throw new ExecutionError(
          `Iceberg table ${this.identifier} has no snapshot ${snapshotId} to roll back to.`,
        );
      const now = Math.max(Date.now(), base.metadata['last-updated-ms'] + 1);
      return {
        metadata: nextVersion(base, {
          'current-snapshot-id': id,
          'current-schema-id': target['schema-id'] ?? base.metadata['current-schema-id'],
          refs: {
            ...base.metadata.refs,
            main: { ...(base.metadata.refs.main ?? {}), 'snapshot-id': id, type: 'branch' },
          },
          'snapshot-log': [...base.metadata['snapshot-log'], { 'timestamp-ms': now, 'snapshot-id': id }],
        }),
        written: [],
      };
    });
    return currentSnapshot(md)!;
  }

  expireSnapshots(options: ExpireOptions = {}): Promise<ExpireResult> {
    return expireSnapshots(this, options);
  }

  removeOrphans(options: OrphanOptions = {}): Promise<string[]> {
    return removeOrphans(this, options);
  }

  planCompaction(targetFileSizeBytes: number): CompactionGroup[] {
    return planCompaction(this, targetFileSizeBytes);
  }

  compact(rewrite: RewriteGroup, targetFileSizeBytes: number): Promise<Snapshot | undefined> {
    return compact(this, rewrite, targetFileSizeBytes);
  }
}

function uris(files: readonly (string | DataFile)[]): string[] {
  return files.map((f) => (typeof f === 'string' ? f : f.filePath));
}
