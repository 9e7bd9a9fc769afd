/**
 * The landing folders a run brings in. A view over a Hive-style landing source
 * (`sales/partition=YYYYMMDD/*.csv`) whose config has `meta: {mdw_test_scope:
 * changed_partitions, mdw_landing_loaded_by: <model>}` brings in, in a run, the dated folders
 * that <model> (an incremental model partitioned by the day, which reads the view) holds no
 * partition of yet: the folders its own incremental run reads. Those folders are published as
 * the view's changed partitions (src/run/changed-partitions.ts), so the view's data tests and
 * its incremental readers (macro changed_partitions) read those folders only. Nothing is
 * published, and everything counts as changed, under --full-refresh, when <model> does not
 * exist yet, or when the source is not a Hive-style landing. An engine that reads the source in
 * place (Athena over S3: no landing report) names the folders itself (Adapter.landingFolders).
 * Undated rows (folder __HIVE_DEFAULT_PARTITION__, `partition` NULL in staging) are checked by
 * full runs.
 */
import type { Adapter, Connection, Relation } from '../adapters/types.js';
import type { LandingReport } from '../landing/report.js';
import type { Manifest } from '../manifest/types.js';
import { nodeMeta } from './changed-partitions.js';
import { CHANGED_PARTITIONS_SCOPE, TEST_SCOPE_META } from './test-scope.js';

export const LANDING_LOADED_BY_META = 'mdw_landing_loaded_by';
const PARTITION_FIELD = 'partition';
const UNDATED_FOLDER = '__HIVE_DEFAULT_PARTITION__';
const FOLDER = /(?:^|[\\/])partition=([^\\/]+)[\\/]/;

/** The dated landing folders of `report`, or null when a file is not in a Hive-style folder. */
export function landingFolders(report: LandingReport): string[] | null {
  if (report.files.length === 0) return null;
  const folders = new Set<string>();
  for (const file of report.files) {
    const folder = FOLDER.exec(file.file)?.[1];
    if (folder === undefined) return null;
    if (folder !== UNDATED_FOLDER) folders.add(folder);
  }
  return [...folders].sort();
}

interface Inputs {
  manifest: Manifest;
  plan: readonly string[];
  landing: readonly LandingReport[];
  fullRefresh: boolean;
  adapter: Adapter;
  connection: Connection;
}

/** {view name: folders it brings in} for the scoped views over one landing source. */
export async function landingPartitionsByView(inputs: Inputs): Promise<Record<string, string[]>> {
  const { manifest, adapter, connection } = inputs;
  const published: Record<string, string[]> = {};
  if (inputs.fullRefresh) return published;
  for (const id of inputs.plan) {
    const node = manifest.nodes[id];
    if (node?.resource_type !== 'model') continue;
    if (String(node.config.materialized ?? 'view') !== 'view') continue;
    const meta = nodeMeta(node);
    const loader = manifest.nodes[`model.${node.package_name}.${String(meta[LANDING_LOADED_BY_META])}`];
    if (meta[TEST_SCOPE_META] !== CHANGED_PARTITIONS_SCOPE || !loader) continue;
    if (node.depends_on.nodes.length !== 1) continue;
    const source = manifest.sources[node.depends_on.nodes[0]!];
    if (!source) continue;
    const report = inputs.landing.find((r) => r.source === `${source.source_name}.${source.name}`);
    if (!report && !adapter.landingFolders) continue;
    const relation = adapter.relation(loader.database, loader.schema, loader.alias);
    const existing = await adapter.getRelation(
      connection,
      relation.database,
      relation.schema,
      relation.identifier,
    );
    if (!existing || existing.type === 'view') continue;
    // an engine reading the source in place (Athena over S3) lists its folders instead
    const folders = report ? landingFolders(report) : await adapter.landingFolders!(connection, source);
    if (!folders) continue;
    const done = await loadedDays(adapter, connection, relation);
    published[node.name] = folders.filter((folder) => !done.has(folder));
  }
  return published;
}

/**
 * The `partition` values the loader holds. An Iceberg table partitioned by `partition` answers
 * from its metadata (no data file read: on Athena, a few kB scanned instead of a column of the
 * whole fact); any other table is queried.
 */
async function loadedDays(
  adapter: Adapter,
  connection: Connection,
  relation: Relation,
): Promise<Set<string>> {
  const iceberg = adapter.iceberg;
  if (iceberg && (await iceberg.isIcebergTable(connection, relation.schema, relation.identifier))) {
    const partitions = await iceberg.partitions(connection, relation.schema, relation.identifier);
    if (partitions.every((p) => PARTITION_FIELD in p.partition))
      return new Set(
        partitions.filter((p) => p.recordCount > 0).map((p) => String(p.partition[PARTITION_FIELD])),
      );
  }
  const loaded = await connection.query(
    `select distinct cast(${adapter.quoteIdentifier(PARTITION_FIELD)} as varchar) from ${relation.render()}`,
  );
  return new Set(loaded.rows.map((row) => String(row[0])));
}
