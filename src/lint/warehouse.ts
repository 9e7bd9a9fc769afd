/** Reads the local lakehouse's Iceberg tables (read-only) into the statistics the W rules judge. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { usesIceberg } from '../adapters/duckdb/iceberg/lakehouse.js';
import { resolveDuckDbProfile } from '../adapters/duckdb/profile.js';
import type { LoadedProject } from '../project/loader.js';
import { ConfigError } from '../util/errors.js';
import { type TableStats, tableHealth } from './rules/warehouse.js';
import type { Finding } from './types.js';
import type { ModelUnit } from './unit.js';

export async function warehouseFindings(loaded: LoadedProject, units: ModelUnit[]): Promise<Finding[]> {
  if (loaded.target.type !== 'duckdb') {
    throw new ConfigError(
      `--warehouse reads the local Iceberg lakehouse of a duckdb target; target '${loaded.target.name}' is ${loaded.target.type}.`,
    );
  }
  const warehouse = resolveDuckDbProfile(loaded.target, loaded.project.root).icebergWarehouse;
  if (!warehouse || !existsSync(join(warehouse, 'catalog.db'))) {
    throw new ConfigError(
      `--warehouse found no Iceberg catalog${warehouse ? ` in ${warehouse}` : ''}: run mdw build first.`,
    );
  }
  const { openCatalog, partitionKeyText } = await loadIceberg();
  const catalog = openCatalog(warehouse, { name: 'mdw' });
  const findings: Finding[] = [];
  try {
    for (const unit of units) {
      const { node } = unit;
      if (!usesIceberg(node) || !catalog.tableExists(node.schema, node.alias)) continue;
      const table = catalog.loadTable(node.schema, node.alias);
      const byPartition = new Map<string, TableStats['partitions'][number]>();
      for (const file of table.dataFiles()) {
        const key = partitionKeyText(file.partition);
        const entry = byPartition.get(key) ?? {
          value: table.partitioned ? key : null,
          bytes: 0,
          fileSizes: [],
        };
        entry.bytes += file.fileSizeInBytes;
        entry.fileSizes.push(file.fileSizeInBytes);
        byPartition.set(key, entry);
      }
      const stats: TableStats = {
        identifier: `${node.schema}.${node.alias}`,
        partitioned: table.partitioned,
        partitions: [...byPartition.values()],
      };
      for (const health of tableHealth(stats))
        findings.push(unit.at(health.ruleId, unit.configOffset(), health.message));
    }
  } finally {
    catalog.close();
  }
  return findings;
}

async function loadIceberg() {
  const { openCatalog } = await import('../lakehouse/iceberg/index.js');
  /** A partition's values as text: the single `partition` value, or k=v pairs. */
  const partitionKeyText = (values: Record<string, unknown>): string => {
    const entries = Object.entries(values);
    if (entries.length === 1) return entries[0]![1] === null ? '' : String(entries[0]![1]);
    return entries.map(([k, v]) => `${k}=${v === null ? '' : String(v)}`).join('/');
  };
  return { openCatalog, partitionKeyText };
}
