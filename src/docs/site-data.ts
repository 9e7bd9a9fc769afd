/**
 * Everything the static site shows, in one JSON-able object (embedded as data.js so the site
 * works from file:// without fetching anything): the project's nodes with columns, tests and
 * their last status, SQL, config and neighbours; lineage; ERD; dashboard; run results; Iceberg
 * history per table.
 */
import type { Connection, IcebergOperations } from '../adapters/types.js';
import type { Manifest, ManifestNode, SourceDefinition } from '../manifest/types.js';
import type { CatalogBuild, ColumnStats, StatsItem } from './catalog.js';
import type { Panel } from './dashboard.js';
import type { Erd } from './erd.js';
import { type ColumnEdge, columnLineage, type LineageGraph, layerOf } from './lineage.js';

export interface RunResult {
  unique_id: string;
  status: string;
  execution_time: number;
  message: string | null;
  failures: number | null;
}

export interface RunResults {
  generated_at: string;
  elapsed_time: number;
  results: RunResult[];
}

export interface SiteColumn {
  name: string;
  type: string | null;
  description: string;
  tests: { id: string; name: string; status: string | null }[];
  stats: ColumnStats | null;
  /** parent columns it is computed from (models only, where derivable) */
  lineage: ColumnEdge[];
}

export interface IcebergInfo {
  snapshots: {
    id: string;
    parent: string | null;
    committed_at: string;
    operation: string;
    added_records: number;
    deleted_records: number;
    total_records: number;
    total_files: number;
    total_bytes: number;
    current: boolean;
  }[];
  partitions: { partition: string; records: number; files: number; bytes: number }[];
  files: number;
  bytes: number;
  records: number;
}

export interface SiteNode {
  id: string;
  name: string;
  type: string;
  layer: string;
  package: string;
  path: string;
  fqn: string[];
  tags: string[];
  description: string;
  relation: string | null;
  materialized: string | null;
  config: Record<string, unknown>;
  raw_code: string;
  compiled_code: string | null;
  columns: SiteColumn[];
  parents: string[];
  children: string[];
  /** tests: the node they test, and the column */
  attached: string | null;
  column_name: string | null;
  stats: StatsItem[];
  result: RunResult | null;
  iceberg: IcebergInfo | null;
}

export interface SiteData {
  project: { name: string; generated_at: string; target: string; adapter: string; mdw_version: string };
  nodes: Record<string, SiteNode>;
  lineage: LineageGraph;
  erd: Erd;
  erd_svg: string;
  dashboard: Panel[];
  run_results: RunResults | null;
}

export interface SiteInputs {
  manifest: Manifest;
  catalog: CatalogBuild;
  lineage: LineageGraph;
  erd: Erd;
  erdSvg: string;
  dashboard: Panel[];
  runResults: RunResults | null;
  /** Iceberg details of the target's Iceberg tables, by icebergKey(schema, table) */
  iceberg: ReadonlyMap<string, IcebergInfo>;
  target: string;
  mdwVersion: string;
}

function partitionText(partition: Record<string, unknown>): string {
  const entries = Object.entries(partition);
  return entries.length === 0 ? '(unpartitioned)' : entries.map(([k, v]) => `${k}=${String(v)}`).join('/');
}

export function icebergKey(schema: string, table: string): string {
  return `${schema}.${table}`.toLowerCase();
}

/** Every Iceberg table of the manifest's nodes, read once through the adapter (async: any engine). */
export async function icebergInfos(
  iceberg: IcebergOperations | undefined,
  conn: Connection,
  manifest: Manifest,
): Promise<Map<string, IcebergInfo>> {
  const infos = new Map<string, IcebergInfo>();
  if (!iceberg) return infos;
  for (const node of Object.values(manifest.nodes)) {
    if (node.resource_type === 'test' || !(await iceberg.isIcebergTable(conn, node.schema, node.alias)))
      continue;
    infos.set(icebergKey(node.schema, node.alias), await icebergInfo(iceberg, conn, node.schema, node.alias));
  }
  return infos;
}

export async function icebergInfo(
  iceberg: IcebergOperations,
  conn: Connection,
  schema: string,
  table: string,
): Promise<IcebergInfo> {
  const partitions = (await iceberg.partitions(conn, schema, table)).map((p) => ({
    partition: partitionText(p.partition),
    records: p.recordCount,
    files: p.fileCount,
    bytes: p.totalSizeBytes,
  }));
  const snapshots = (await iceberg.history(conn, schema, table)).map((s) => ({
    id: s.snapshotId,
    parent: s.parentId,
    committed_at: s.committedAt.toISOString(),
    operation: s.operation,
    added_records: Number(s.summary['added-records'] ?? 0),
    deleted_records: Number(s.summary['deleted-records'] ?? 0),
    total_records: Number(s.summary['total-records'] ?? 0),
    total_files: Number(s.summary['total-data-files'] ?? 0),
    total_bytes: Number(s.summary['total-files-size'] ?? 0),
    current: s.isCurrent,
  }));
  return {
    snapshots,
    partitions,
    files: partitions.reduce((a, p) => a + p.files, 0),
    bytes: partitions.reduce((a, p) => a + p.bytes, 0),
    records: partitions.reduce((a, p) => a + p.records, 0),
  };
}

export function buildSiteData(inputs: SiteInputs): SiteData {
  const { manifest, catalog } = inputs;
  const results = new Map((inputs.runResults?.results ?? []).map((r) => [r.unique_id, r]));
  const testsByColumn = new Map<string, SiteColumn['tests']>();
  for (const node of Object.values(manifest.nodes)) {
    if (node.resource_type !== 'test' || !node.attached_node) continue;
    const key = `${node.attached_node}\u0000${node.column_name ?? ''}`;
    const list = testsByColumn.get(key) ?? [];
    list.push({
      id: node.unique_id,
      name: node.test_metadata?.name ?? node.name,
      status: results.get(node.unique_id)?.status ?? null,
    });
    testsByColumn.set(key, list);
  }
  const tableOf = (id: string) => catalog.catalog.nodes[id] ?? catalog.catalog.sources[id];
  const catalogColumns = (id: string): string[] => Object.keys(tableOf(id)?.columns ?? {});

  const columnsOf = (item: ManifestNode | SourceDefinition): SiteColumn[] => {
    const table = tableOf(item.unique_id);
    const names = [...Object.keys(table?.columns ?? {})];
    for (const name of Object.keys(item.columns)) {
      if (!names.some((n) => n.toLowerCase() === name.toLowerCase())) names.push(name);
    }
    const declared = new Map(Object.entries(item.columns).map(([k, v]) => [k.toLowerCase(), v]));
    let lineage: Record<string, ColumnEdge[]> = {};
    if (item.resource_type !== 'source' && item.compiled_code) {
      const parentColumns = new Map(item.depends_on.nodes.map((p) => [p, catalogColumns(p)]));
      lineage = columnLineage(item.compiled_code, names, parentColumns);
    }
    return names.map((name) => ({
      name,
      type: table?.columns[name]?.type ?? declared.get(name.toLowerCase())?.data_type ?? null,
      description: declared.get(name.toLowerCase())?.description ?? '',
      tests: testsByColumn.get(`${item.unique_id}\u0000${name}`) ?? [],
      stats: catalog.columnStats[item.unique_id]?.[name] ?? null,
      lineage: lineage[name] ?? [],
    }));
  };

  const nodes: Record<string, SiteNode> = {};
  const base = (item: ManifestNode | SourceDefinition) => ({
    id: item.unique_id,
    package: item.package_name,
    path: item.original_file_path,
    fqn: item.fqn,
    tags: item.tags,
    description: item.description,
    relation: item.relation_name ?? null,
    parents: manifest.parent_map[item.unique_id] ?? [],
    children: manifest.child_map[item.unique_id] ?? [],
    stats: Object.values(tableOf(item.unique_id)?.stats ?? {}),
    result: results.get(item.unique_id) ?? null,
    columns: columnsOf(item),
  });
  for (const source of Object.values(manifest.sources)) {
    nodes[source.unique_id] = {
      ...base(source),
      name: `${source.source_name}.${source.name}`,
      type: 'source',
      layer: layerOf(source),
      materialized: null,
      config: { ...source.config, external: source.external, loader: source.loader },
      raw_code: '',
      compiled_code: null,
      attached: null,
      column_name: null,
      iceberg: null,
    };
  }
  for (const node of Object.values(manifest.nodes)) {
    const alias = node.alias;
    nodes[node.unique_id] = {
      ...base(node),
      name: node.name,
      type: node.resource_type,
      layer: node.resource_type === 'test' ? 'test' : layerOf(node),
      materialized: node.config.materialized ?? null,
      config: node.config,
      raw_code: node.raw_code,
      compiled_code: node.compiled_code ?? null,
      attached: node.attached_node ?? null,
      column_name: node.column_name ?? null,
      iceberg: inputs.iceberg.get(icebergKey(node.schema, alias)) ?? null,
    };
  }
  for (const macro of Object.values(manifest.macros)) {
    if (macro.package_name !== manifest.metadata.project_name) continue;
    nodes[macro.unique_id] = {
      id: macro.unique_id,
      name: macro.name,
      type: 'macro',
      layer: 'macro',
      package: macro.package_name,
      path: macro.original_file_path,
      fqn: [macro.package_name, macro.name],
      tags: [],
      description: macro.description,
      relation: null,
      materialized: null,
      config: {},
      raw_code: macro.macro_sql,
      compiled_code: null,
      columns: [],
      parents: [],
      children: Object.values(manifest.nodes)
        .filter((n) => n.depends_on.macros.includes(macro.unique_id))
        .map((n) => n.unique_id)
        .sort(),
      attached: null,
      column_name: null,
      stats: [],
      result: null,
      iceberg: null,
    };
  }
  return {
    project: {
      name: manifest.metadata.project_name,
      generated_at: new Date().toISOString(),
      target: inputs.target,
      adapter: manifest.metadata.adapter_type,
      mdw_version: inputs.mdwVersion,
    },
    nodes,
    lineage: inputs.lineage,
    erd: inputs.erd,
    erd_svg: inputs.erdSvg,
    dashboard: inputs.dashboard,
    run_results: inputs.runResults,
  };
}
