/**
 * Write-Audit-Publish on the local catalog. A build's commits write their files as always, but
 * move a staged pointer (staging.ts) instead of the published one; the build reads its staged
 * tables back, audits them (its data tests), then publishes every pointer in one SQLite
 * transaction — a real multi-table atomic commit — or discards the stage. Discarding deletes
 * the files only the staged metadata references; the published tables are never touched.
 *
 * A build killed before it publishes leaves its staged pointer behind, under a process that
 * no longer runs: the next stage on the catalog (or remove-orphans) discards it.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { IcebergCatalog } from './catalog.js';
import { referencedFiles } from './maintenance.js';
import { uriToPath } from './paths.js';
import { otherStages, removeRows, type StagedPointer, type StagedPointers } from './staging.js';
import { IcebergTable } from './table.js';

export { PublishConflict } from './staging.js';

export class CatalogStage {
  private constructor(
    private readonly catalog: IcebergCatalog,
    private readonly pointers: StagedPointers,
  ) {}

  /** Starts staging on `catalog`, first discarding what dead builds left staged. */
  static begin(catalog: IcebergCatalog, buildId: string = randomUUID()): CatalogStage {
    discardDeadStages(catalog);
    return new CatalogStage(catalog, catalog.startStaging(buildId));
  }

  get buildId(): string {
    return this.pointers.buildId;
  }

  /** `namespace.name` of every table staged so far. */
  tables(): string[] {
    return this.pointers.mine().map((p) => `${p.namespace}.${p.name}`);
  }

  /** Publishes every staged table at once (PublishConflict: nothing published); staging ends. */
  publish(): string[] {
    try {
      return this.pointers.publish(this.catalog.typed).map((p) => `${p.namespace}.${p.name}`);
    } finally {
      this.catalog.stopStaging();
    }
  }

  /** Drops the stage and the files only it references; staging ends. Returns the tables dropped. */
  discard(): string[] {
    const staged = this.pointers.mine();
    this.catalog.stopStaging();
    for (const pointer of staged) removeStagedFiles(this.catalog, pointer);
    this.pointers.clear();
    return staged.map((p) => `${p.namespace}.${p.name}`);
  }
}

/** Discards the stages of builds whose process is gone; returns how many tables they held. */
export function discardDeadStages(catalog: IcebergCatalog): number {
  const { dead } = otherStages(catalog.sqlite, catalog.name);
  for (const pointer of dead) removeStagedFiles(catalog, pointer);
  for (const buildId of new Set(dead.map((p) => p.buildId)))
    removeRows(catalog.sqlite, catalog.name, buildId);
  return dead.length;
}

/** Deletes what the staged metadata references and the published table does not. */
function removeStagedFiles(catalog: IcebergCatalog, pointer: StagedPointer): void {
  const staged = tableAt(catalog, pointer, pointer.metadataLocation);
  const keep = new Set<string>();
  const published = catalog.publishedMetadataLocation(pointer.namespace, pointer.name);
  // a table dropped by someone else since it was staged, or one that cannot be read: touch nothing
  if (published === undefined && pointer.baseLocation !== null) return;
  const current = published === undefined ? undefined : tableAt(catalog, pointer, published);
  if (current) for (const file of referencedFiles(current)) keep.add(file);
  else if (published !== undefined) return;
  const files = staged ? [...referencedFiles(staged)] : [uriToPath(pointer.metadataLocation)];
  for (const file of files) if (!keep.has(file)) rmSync(file, { force: true });
  if (published === undefined && staged) removeEmptyDirs(catalog, staged.locationPath());
}

function tableAt(catalog: IcebergCatalog, pointer: StagedPointer, location: string): IcebergTable | null {
  try {
    const metadata = catalog.readMetadata(location);
    return new IcebergTable(catalog, pointer.namespace, pointer.name, location, metadata);
  } catch {
    return null;
  }
}

/** A table that never got published leaves no empty folders behind (inside the warehouse only). */
function removeEmptyDirs(catalog: IcebergCatalog, dir: string): void {
  if (!dir.startsWith(`${catalog.warehouseDir}/`)) return;
  const prune = (path: string): boolean => {
    let names: string[];
    try {
      names = readdirSync(path);
    } catch {
      return false;
    }
    let empty = true;
    for (const name of names) {
      const child = join(path, name);
      if (!statSync(child, { throwIfNoEntry: false })?.isDirectory() || !prune(child)) empty = false;
    }
    if (empty) rmdirSync(path);
    return empty;
  };
  prune(dir);
}
