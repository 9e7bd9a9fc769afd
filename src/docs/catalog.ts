/**
 * target/catalog.json (dbt's catalog v1): what the warehouse holds for each model, seed, snapshot
 * and source — columns with types and positions, and table statistics (rows, bytes, files,
 * snapshots for Iceberg tables). Column statistics (nulls, distinct values, min, max) are
 * computed only for tables small enough to scan cheaply; they feed the site, not the catalog,
 * whose schema has no place for them.
 */
import type { Adapter, Connection } from '../adapters/types.js';
import type { Manifest, ManifestNode, SourceDefinition } from '../manifest/types.js';

export const CATALOG_SCHEMA_VERSION = 'https://schemas.getdbt.com/dbt/catalog/v1.json';

/** Tables up to this many rows get per-column statistics (one scan each). */
export const COLUMN_STATS_MAX_ROWS = 1_000_000;

export interface StatsItem {
  id: string;
  label: string;
  value: string | number | boolean | null;
  include: boolean;
  description: string | null;
}

export interface CatalogColumn {
  type: string;
  index: number;
  name: string;
  comment: string | null;
}

export interface CatalogTable {
  metadata: {
    type: string;
    schema: string;
    name: string;
    database: string | null;
    comment: null;
    owner: null;
  };
  columns: Record<string, CatalogColumn>;
  stats: Record<string, StatsItem>;
  unique_id: string;
}

export interface ColumnStats {
  nulls: number;
  distinct: number;
  min: string | null;
  max: string | null;
}

export interface Catalog {
  metadata: {
    dbt_schema_version: string;
    dbt_version: string;
    generated_at: string;
    invocation_id: string | null;
    env: Record<string, string>;
  };
  nodes: Record<string, CatalogTable>;
  sources: Record<string, CatalogTable>;
  errors: string[] | null;
}

export interface CatalogBuild {
  catalog: Catalog;
  /** unique_id → column name → statistics (small tables only) */
  columnStats: Record<string, Record<string, ColumnStats>>;
}

type Documented = ManifestNode | SourceDefinition;

function stat(id: string, label: string, value: StatsItem['value'], description: string): StatsItem {
  return { id, label, value, include: true, description };
}

function identifierOf(item: Documented): string {
  return item.resource_type === 'source' ? item.identifier : item.alias;
}

/** Every node that becomes a relation: models (not ephemeral), seeds, snapshots. */
function cataloguedNodes(manifest: Manifest): ManifestNode[] {
  return Object.values(manifest.nodes).filter(
    (node) =>
      node.config.enabled !== false &&
      (node.resource_type === 'model' ||
        node.resource_type === 'seed' ||
        node.resource_type === 'snapshot') &&
      node.config.materialized !== 'ephemeral',
  );
}

export async function buildCatalog(
  manifest: Manifest,
  adapter: Adapter,
  conn: Connection,
  mdwVersion: string,
): Promise<CatalogBuild> {
  const columnStats: CatalogBuild['columnStats'] = {};
  const errors: string[] = [];
  const describe = async (item: Documented): Promise<CatalogTable | undefined> => {
    const identifier = identifierOf(item);
    const relation = await adapter.getRelation(conn, item.database, item.schema, identifier);
    if (!relation) return undefined;
    const columns = await adapter.getColumns(conn, relation);
    const iceberg = (await adapter.iceberg?.isIcebergTable(conn, item.schema, identifier)) === true;
    const table: CatalogTable = {
      metadata: {
        type: iceberg ? 'ICEBERG TABLE' : relation.type === 'view' ? 'VIEW' : 'BASE TABLE',
        schema: item.schema,
        name: identifier,
        database: item.database,
        comment: null,
        owner: null,
      },
      columns: Object.fromEntries(
        columns.map((c, i) => [c.name, { type: c.dataType, index: i + 1, name: c.name, comment: null }]),
      ),
      stats: {},
      unique_id: item.unique_id,
    };
    let rowCount: number | undefined;
    if (iceberg && adapter.iceberg) {
      const partitions = await adapter.iceberg.partitions(conn, item.schema, identifier);
      const history = await adapter.iceberg.history(conn, item.schema, identifier);
      rowCount = partitions.reduce((sum, p) => sum + p.recordCount, 0);
      const bytes = partitions.reduce((sum, p) => sum + p.totalSizeBytes, 0);
      const files = partitions.reduce((sum, p) => sum + p.fileCount, 0);
      table.stats.bytes = stat('bytes', 'Approximate Size', bytes, 'Bytes of the live Parquet data files');
      table.stats.num_files = stat(
        'num_files',
        'Data Files',
        files,
        'Live data files of the current snapshot',
      );
      table.stats.num_partitions = stat(
        'num_partitions',
        'Partitions',
        partitions.length,
        'Partitions holding data',
      );
      table.stats.num_snapshots = stat(
        'num_snapshots',
        'Snapshots',
        history.length,
        'Iceberg snapshots kept',
      );
    } else if (relation.type !== 'view') {
      const result = await conn.query(`select count(*) from ${relation.render()}`);
      rowCount = Number(result.rows[0]?.[0] ?? 0);
    }
    if (rowCount !== undefined) {
      table.stats.row_count = stat('row_count', 'Row Count', rowCount, 'Rows in the table');
      if (rowCount <= COLUMN_STATS_MAX_ROWS && columns.length > 0) {
        columnStats[item.unique_id] = await statsOfColumns(
          conn,
          relation.render(),
          columns.map((c) => c.name),
        );
      }
    }
    table.stats.has_stats = stat(
      'has_stats',
      'Has Stats?',
      Object.keys(table.stats).length > 0,
      'Statistics known',
    );
    return table;
  };

  const nodes: Record<string, CatalogTable> = {};
  for (const node of cataloguedNodes(manifest)) {
    const table = await describe(node).catch((error: Error) => {
      errors.push(`${node.unique_id}: ${error.message.split('\n')[0]}`);
      return undefined;
    });
    if (table) nodes[node.unique_id] = table;
  }
  const sources: Record<string, CatalogTable> = {};
  for (const source of Object.values(manifest.sources)) {
    const table = await describe(source).catch((error: Error) => {
      errors.push(`${source.unique_id}: ${error.message.split('\n')[0]}`);
      return undefined;
    });
    if (table) sources[source.unique_id] = table;
  }
  return {
    catalog: {
      metadata: {
        dbt_schema_version: CATALOG_SCHEMA_VERSION,
        dbt_version: `mdw-${mdwVersion}`,
        generated_at: new Date().toISOString(),
        invocation_id: manifest.metadata.invocation_id,
        env: {},
      },
      nodes,
      sources,
      errors: errors.length > 0 ? errors : null,
    },
    columnStats,
  };
}

/** Nulls, distinct count, min and max of every column, in one scan. */
async function statsOfColumns(
  conn: Connection,
  relation: string,
  names: string[],
): Promise<Record<string, ColumnStats>> {
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  const parts = names.flatMap((name) => [
    `count(*) - count(${quote(name)})`,
    `count(distinct ${quote(name)})`,
    `min(${quote(name)})::varchar`,
    `max(${quote(name)})::varchar`,
  ]);
  const result = await conn.query(`select ${parts.join(', ')} from ${relation}`);
  const row = result.rows[0] ?? [];
  return Object.fromEntries(
    names.map((name, i) => [
      name,
      {
        nulls: Number(row[i * 4] ?? 0),
        distinct: Number(row[i * 4 + 1] ?? 0),
        min: row[i * 4 + 2] === null || row[i * 4 + 2] === undefined ? null : String(row[i * 4 + 2]),
        max: row[i * 4 + 3] === null || row[i * 4 + 3] === undefined ? null : String(row[i * 4 + 3]),
      },
    ]),
  );
}
