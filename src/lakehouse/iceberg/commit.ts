/**
 * Committing: every new file is written first (manifests, manifest list, metadata JSON), then
 * the catalog pointer is swapped with a compare-and-set. A lost race re-reads the table and
 * re-applies the change (spec "Commit Conflict Resolution and Retry"): appends always apply;
 * overwrite/replace/rewrite only while every file they delete is still live. Files of a
 * failed attempt are removed; a crash leaves only unreferenced files (see removeOrphans).
 */
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ExecutionError } from '../../util/errors.js';
import { faultPoint } from '../../util/fault-pause.js';
import { writeFileDurably } from './avro.js';
import {
  type DataFile,
  EntryStatus,
  FileContent,
  type ManifestEntry,
  type ManifestFile,
  type WrittenManifest,
  writeManifest,
  writeManifestList,
} from './manifest.js';
import {
  currentSchema,
  currentSnapshot,
  DEFAULT_PREVIOUS_VERSIONS_MAX,
  defaultSpec,
  newSnapshotId,
  nextMetadataFileName,
  type PartitionSpec,
  type Snapshot,
  serializeTableMetadata,
  specFor,
  type TableMetadata,
  withSchema,
} from './metadata.js';
import { joinUri, uriToPath } from './paths.js';
import type { Schema } from './schema.js';
import type { IcebergTable } from './table.js';
import { buildPartitionSpec, type PartitionRequest } from './transforms.js';

export type Operation = 'append' | 'overwrite' | 'replace' | 'delete';

/** One logical change to a table's data, re-appliable on top of a newer base. */
export interface DataChange {
  operation: Operation;
  addFiles: readonly DataFile[];
  /** URIs of live data files this change removes */
  deleteFiles?: readonly string[];
  /** remove every live data file (full refresh) */
  deleteAll?: boolean;
  /** make this the current schema (replace; also allowed with append/overwrite) */
  schema?: Schema;
  /** with `schema` on replace: partition on `partition` (default: as the table is now) */
  partitioned?: boolean;
  /** with `deleteAll`: the partition fields the table has from this snapshot on (partition_by) */
  partitionBy?: readonly PartitionRequest[];
  /** extra snapshot summary entries */
  summary?: Record<string, string>;
}

interface Base {
  location: string;
  metadata: TableMetadata;
}

interface Attempt {
  metadata: TableMetadata;
  /** files written by this attempt that nothing references if the swap fails */
  written: string[];
}

/**
 * Runs `build` on the freshest table state, writes its metadata, swaps the pointer; retries
 * with backoff when another writer committed first. `build` may throw ExecutionError to
 * stop (e.g. a file it must delete is gone).
 */
export async function commitWithRetry(
  table: IcebergTable,
  build: (base: Base, attempt: number) => Attempt,
): Promise<TableMetadata> {
  const { catalog } = table;
  const retries = catalog.commitRetries;
  for (let attempt = 0; attempt <= retries; attempt++) {
    const location = catalog.currentMetadataLocation(table.namespace, table.name);
    if (location === undefined) {
      throw new ExecutionError(`Iceberg table ${table.identifier} was dropped while mdw was writing to it.`);
    }
    const base = { location, metadata: catalog.readMetadata(location, table.identifier) };
    const next = build(base, attempt);
    const fileName = nextMetadataFileName(location, base.metadata);
    const metadataPath = join(table.locationPath(), 'metadata', fileName);
    const metadataLocation = joinUri(base.metadata.location, 'metadata', fileName);
    writeFileDurably(metadataPath, serializeTableMetadata(next.metadata));
    await catalog.beforeSwap?.(table, attempt);
    faultPoint('before-commit', table.identifier);
    if (catalog.swapMetadataLocation(table.namespace, table.name, location, metadataLocation)) {
      faultPoint('after-commit', table.identifier);
      table.setState(metadataLocation, next.metadata);
      removeDroppedMetadataFiles(base.metadata, next.metadata);
      return next.metadata;
    }
    for (const file of [metadataPath, ...next.written]) rmSync(file, { force: true });
    if (attempt < retries) await sleep(Math.min(100 * 2 ** attempt, 2000) * (0.5 + Math.random()));
  }
  throw new ExecutionError(
    `Could not commit to Iceberg table ${table.identifier}: other writers committed first ${retries + 1} times in a row.`,
  );
}

/** The metadata fields every new version updates: timestamp and the log of previous files. */
export function nextVersion(base: Base, changes: Partial<TableMetadata>): TableMetadata {
  const max = Number(
    base.metadata.properties['write.metadata.previous-versions-max'] ?? DEFAULT_PREVIOUS_VERSIONS_MAX,
  );
  const log = [
    ...(changes['metadata-log'] ?? base.metadata['metadata-log']),
    { 'timestamp-ms': base.metadata['last-updated-ms'], 'metadata-file': base.location },
  ].slice(-Math.max(1, max));
  return {
    ...base.metadata,
    ...changes,
    'last-updated-ms': Math.max(Date.now(), base.metadata['last-updated-ms'] + 1),
    'metadata-log': log,
  };
}

/** `write.metadata.delete-after-commit.enabled`: delete files that fell off the metadata-log. */
function removeDroppedMetadataFiles(before: TableMetadata, after: TableMetadata): void {
  if (after.properties['write.metadata.delete-after-commit.enabled'] !== 'true') return;
  const kept = new Set(after['metadata-log'].map((e) => e['metadata-file']));
  for (const e of before['metadata-log']) {
    if (!kept.has(e['metadata-file'])) rmSync(uriToPath(e['metadata-file']), { force: true });
  }
}

/** Commits a data change as one new snapshot. */
export async function commitDataChange(table: IcebergTable, change: DataChange): Promise<Snapshot> {
  const commitId = randomUUID();
  // The manifest of added files does not depend on the base (sequence numbers inherit), so
  // it is written once and reused by every retry.
  let added: { manifest: WrittenManifest; specId: number; schemaId: number; snapshotId: bigint } | undefined;
  const commit = commitWithRetry(table, (base, attempt) => {
    const md = base.metadata;
    const schemaFields = change.schema ? withSchema(md, change.schema) : undefined;
    const schema = schemaFields
      ? schemaFields.schemas.find((s) => s['schema-id'] === schemaFields['current-schema-id'])!
      : currentSchema(md);
    const spec =
      change.partitionBy && change.deleteAll
        ? buildPartitionSpec(
            schema,
            change.partitionBy,
            md['partition-specs'],
            md['last-partition-id'],
            table.identifier,
          )
        : change.schema && change.operation === 'replace'
          ? specFor(
              schema,
              change.partitioned ?? defaultSpec(md).fields.length > 0,
              md['partition-specs'],
              md['last-partition-id'],
            )
          : defaultSpec(md);
    const snapshotId =
      added && !md.snapshots.some((s) => s['snapshot-id'] === added!.snapshotId)
        ? added.snapshotId
        : newSnapshotId(md);
    if (
      added &&
      (added.snapshotId !== snapshotId ||
        added.specId !== spec['spec-id'] ||
        added.schemaId !== schema['schema-id'])
    ) {
      rmSync(uriToPath(added.manifest.manifestPath), { force: true });
      added = undefined;
    }
    if (!added && change.addFiles.length > 0) {
      const entries: ManifestEntry[] = change.addFiles.map((dataFile) => ({
        status: EntryStatus.ADDED,
        snapshotId,
        sequenceNumber: null,
        fileSequenceNumber: null,
        dataFile,
      }));
      const name = `${commitId}-m0.avro`;
      const manifest = writeManifest(
        join(table.locationPath(), 'metadata', name),
        joinUri(md.location, 'metadata', name),
        entries,
        spec,
        schema,
        snapshotId,
      );
      added = { manifest, specId: spec['spec-id'], schemaId: schema['schema-id'], snapshotId };
    }
    return buildSnapshot(table, base, change, {
      snapshotId,
      schema,
      spec,
      schemaFields,
      added: added?.manifest,
      attempt,
    });
  });
  try {
    return currentSnapshot(await commit)!;
  } catch (error) {
    // nothing references the manifest of a commit that never landed
    if (added) rmSync(uriToPath(added.manifest.manifestPath), { force: true });
    throw error;
  }
}

interface BuildContext {
  snapshotId: bigint;
  schema: Schema;
  spec: PartitionSpec;
  schemaFields?: ReturnType<typeof withSchema>;
  added?: WrittenManifest;
  attempt: number;
}

function buildSnapshot(table: IcebergTable, base: Base, change: DataChange, ctx: BuildContext): Attempt {
  const md = base.metadata;
  const parent = currentSnapshot(md);
  const sequenceNumber = md['last-sequence-number'] + 1;
  const parentManifests = parent ? table.manifests(parent['snapshot-id'], md) : [];
  // compared as local paths: callers pass paths or URIs, other writers spell URIs `file:/…`
  const toDelete = new Set((change.deleteFiles ?? []).map(localPath));
  // Row-level delete files (another engine's) that no data file left after this change needs
  // go with it; the rows they deleted were left out of the files that replace them.
  const obsoleteDeletes = obsoleteDeleteFiles(table, md, change, toDelete);
  const found = new Set<string>();
  const written: string[] = [];
  const rewritten: ManifestFile[] = [];
  const kept: ManifestFile[] = [];
  const deleted: ManifestEntry[] = [];
  const attemptId = randomUUID();

  const removedDeletes: ManifestEntry[] = [];

  for (const m of parentManifests) {
    const removesSome = change.deleteAll || toDelete.size > 0 || obsoleteDeletes.size > 0;
    if (!removesSome) {
      kept.push(m);
      continue;
    }
    const entries = table.manifestEntries(m).filter((e) => e.status !== EntryStatus.DELETED);
    const gone = entries.filter((e) =>
      e.dataFile.content === FileContent.DATA
        ? change.deleteAll || toDelete.has(localPath(e.dataFile.filePath))
        : obsoleteDeletes.has(localPath(e.dataFile.filePath)),
    );
    if (gone.length === 0) {
      kept.push(m);
      continue;
    }
    for (const e of gone) {
      if (e.dataFile.content !== FileContent.DATA) removedDeletes.push(e);
      else {
        found.add(localPath(e.dataFile.filePath));
        deleted.push(e);
      }
    }
    // Survivors become EXISTING and the removed files DELETED, all with their sequence
    // numbers written out explicitly (spec: only ADDED entries inherit).
    const next: ManifestEntry[] = entries.map((e) =>
      gone.includes(e)
        ? { ...e, status: EntryStatus.DELETED, snapshotId: ctx.snapshotId }
        : { ...e, status: EntryStatus.EXISTING },
    );
    const name = `${attemptId}-m${rewritten.length + 1}.avro`;
    const path = join(table.locationPath(), 'metadata', name);
    const spec = md['partition-specs'].find((s) => s['spec-id'] === m.partitionSpecId)!;
    const w = writeManifest(
      path,
      joinUri(md.location, 'metadata', name),
      next,
      spec,
      table.schemaForManifest(md, m),
      ctx.snapshotId,
      m.content === 0 ? 'data' : 'deletes',
    );
    written.push(path);
    rewritten.push(withSequence(w, sequenceNumber));
  }

  const missing = [...toDelete].filter((f) => !found.has(f));
  if (missing.length > 0) {
    for (const f of written) rmSync(f, { force: true });
    throw new ExecutionError(
      `Cannot ${change.operation} Iceberg table ${table.identifier}: ${missing.length} of the files it replaces ${missing.length === 1 ? 'is' : 'are'} no longer in the table (another writer changed it; first: ${missing[0]}).`,
    );
  }

  const manifests = [...(ctx.added ? [withSequence(ctx.added, sequenceNumber)] : []), ...rewritten, ...kept];
  const listName = `snap-${ctx.snapshotId}-${ctx.attempt + 1}-${attemptId}.avro`;
  const listPath = join(table.locationPath(), 'metadata', listName);
  writeManifestList(listPath, manifests, ctx.snapshotId, parent?.['snapshot-id'] ?? null, sequenceNumber);
  written.push(listPath);

  const snapshot: Snapshot = {
    'snapshot-id': ctx.snapshotId,
    'parent-snapshot-id': parent?.['snapshot-id'] ?? null,
    'sequence-number': sequenceNumber,
    'timestamp-ms': Math.max(Date.now(), md['last-updated-ms'] + 1),
    'manifest-list': joinUri(md.location, 'metadata', listName),
    summary: summarize(table, md, parent, change, deleted, removedDeletes),
    'schema-id': ctx.schema['schema-id'],
  };
  const specs = md['partition-specs'].some((s) => s['spec-id'] === ctx.spec['spec-id'])
    ? md['partition-specs']
    : [...md['partition-specs'], ctx.spec];
  const metadata = nextVersion(base, {
    ...(ctx.schemaFields ?? {}),
    'partition-specs': specs,
    'default-spec-id': ctx.spec['spec-id'],
    'last-partition-id': Math.max(md['last-partition-id'], ...ctx.spec.fields.map((f) => f['field-id'])),
    'last-sequence-number': sequenceNumber,
    'current-snapshot-id': ctx.snapshotId,
    snapshots: [...md.snapshots, snapshot],
    refs: { ...md.refs, main: { ...(md.refs.main ?? {}), 'snapshot-id': ctx.snapshotId, type: 'branch' } },
    'snapshot-log': [
      ...md['snapshot-log'],
      { 'timestamp-ms': snapshot['timestamp-ms'], 'snapshot-id': ctx.snapshotId },
    ],
  });
  metadata['last-updated-ms'] = snapshot['timestamp-ms'];
  return { metadata, written };
}

function localPath(pathOrUri: string): string {
  return pathOrUri.startsWith('file:') ? uriToPath(pathOrUri) : resolve(pathOrUri);
}

/** Sets a new manifest's sequence numbers; entries that inherit get this snapshot's. */
function withSequence(w: WrittenManifest, sequenceNumber: number): ManifestFile {
  const { minExplicitSequenceNumber, ...rest } = w;
  const inherits = w.addedFilesCount > 0;
  const candidates = [
    ...(minExplicitSequenceNumber !== null ? [minExplicitSequenceNumber] : []),
    ...(inherits ? [sequenceNumber] : []),
  ];
  return {
    ...rest,
    sequenceNumber,
    minSequenceNumber: candidates.length ? Math.min(...candidates) : sequenceNumber,
  };
}

const sum = (files: readonly DataFile[], f: (d: DataFile) => number) => files.reduce((n, d) => n + f(d), 0);

/** Snapshot summary with the spec's standard counters (Appendix F). */
function summarize(
  table: IcebergTable,
  md: TableMetadata,
  parent: Snapshot | undefined,
  change: DataChange,
  deletedEntries: readonly ManifestEntry[],
  removedDeleteEntries: readonly ManifestEntry[] = [],
): Snapshot['summary'] {
  const added = change.addFiles;
  const deleted = deletedEntries.map((e) => e.dataFile);
  const before = parentTotals(table, md, parent);
  const partitions = new Set([...added, ...deleted].map((f) => JSON.stringify(f.partition, jsonSafe)));
  const summary: Snapshot['summary'] = { operation: change.operation };
  const put = (key: string, value: number) => {
    if (value !== 0) summary[key] = String(value);
  };
  put('added-data-files', added.length);
  put(
    'added-records',
    sum(added, (f) => f.recordCount),
  );
  put(
    'added-files-size',
    sum(added, (f) => f.fileSizeInBytes),
  );
  put('deleted-data-files', deleted.length);
  put(
    'deleted-records',
    sum(deleted, (f) => f.recordCount),
  );
  put(
    'removed-files-size',
    sum(deleted, (f) => f.fileSizeInBytes),
  );
  summary['changed-partition-count'] = String(partitions.size);
  summary['total-records'] = String(
    before.records + sum(added, (f) => f.recordCount) - sum(deleted, (f) => f.recordCount),
  );
  summary['total-data-files'] = String(before.files + added.length - deleted.length);
  summary['total-files-size'] = String(
    before.size + sum(added, (f) => f.fileSizeInBytes) - sum(deleted, (f) => f.fileSizeInBytes),
  );
  const removed = removedDeleteEntries.map((e) => e.dataFile);
  const removedOf = (content: number) =>
    sum(
      removed.filter((f) => f.content === content),
      (f) => f.recordCount,
    );
  put('removed-delete-files', removed.length);
  put('removed-position-deletes', removedOf(FileContent.POSITION_DELETES));
  put('removed-equality-deletes', removedOf(FileContent.EQUALITY_DELETES));
  const total = (key: string, minus: number) =>
    String(Math.max(0, Number(parent?.summary[key] ?? 0) - minus));
  summary['total-delete-files'] = total('total-delete-files', removed.length);
  summary['total-position-deletes'] = total(
    'total-position-deletes',
    removedOf(FileContent.POSITION_DELETES),
  );
  summary['total-equality-deletes'] = total(
    'total-equality-deletes',
    removedOf(FileContent.EQUALITY_DELETES),
  );
  summary['engine-name'] = 'mdw';
  return { ...summary, ...change.summary };
}

function jsonSafe(_key: string, v: unknown) {
  return typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('hex') : v;
}

/** The parent's totals from its summary, or counted from its manifests when a writer left them out. */
function parentTotals(table: IcebergTable, md: TableMetadata, parent: Snapshot | undefined) {
  if (!parent) return { records: 0, files: 0, size: 0 };
  const s = parent.summary;
  const records = Number(s['total-records']);
  const files = Number(s['total-data-files']);
  const size = Number(s['total-files-size']);
  if ([records, files, size].every(Number.isFinite) && s['total-records'] !== undefined)
    return { records, files, size };
  const live = table
    .liveEntries(parent['snapshot-id'], md)
    .filter((e) => e.dataFile.content === FileContent.DATA)
    .map((e) => e.dataFile);
  return {
    records: sum(live, (f) => f.recordCount),
    files: live.length,
    size: sum(live, (f) => f.fileSizeInBytes),
  };
}

/** Makes sure the metadata folder exists before the first commit writes there. */
export function ensureMetadataDir(table: IcebergTable): void {
  mkdirSync(join(table.locationPath(), 'metadata'), { recursive: true });
}

/** Local paths of the delete files no data file needs once `change` has removed its files. */
function obsoleteDeleteFiles(
  table: IcebergTable,
  md: TableMetadata,
  change: DataChange,
  toDelete: ReadonlySet<string>,
): Set<string> {
  const deletes = table.deleteIndex(undefined, md);
  if (deletes.isEmpty) return new Set();
  const remaining = change.deleteAll
    ? []
    : table
        .liveEntries(undefined, md)
        .filter(
          (e) => e.dataFile.content === FileContent.DATA && !toDelete.has(localPath(e.dataFile.filePath)),
        )
        .map((e) => ({
          filePath: e.dataFile.filePath,
          partition: e.dataFile.partition,
          sequenceNumber: e.sequenceNumber!,
          specId: e.specId,
        }));
  return new Set(deletes.superseded(remaining).map((d) => d.localPath));
}
