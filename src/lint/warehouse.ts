/**
 * Reads the target's built Iceberg tables (read-only, through the adapter's Iceberg operations,
 * so any engine with Iceberg tables is judged the same way) into the statistics the W rules judge.
 */
import { createAdapter } from '../adapters/index.js';
import type { Connection } from '../adapters/types.js';
import { usesIceberg } from '../materialize/plan.js';
import type { LoadedProject } from '../project/loader.js';
import { ConfigError } from '../util/errors.js';
import { type TableStats, tableHealth } from './rules/warehouse.js';
import type { Finding } from './types.js';
import type { ModelUnit } from './unit.js';

export async function warehouseFindings(loaded: LoadedProject, units: ModelUnit[]): Promise<Finding[]> {
  const adapter = await createAdapter(loaded.target, loaded.project.root);
  let conn: Connection | undefined;
  try {
    const iceberg = adapter.iceberg;
    if (!iceberg) {
      throw new ConfigError(
        `--warehouse reads Iceberg tables; target '${loaded.target.name}' (${loaded.target.type}) has none mdw can inspect.`,
      );
    }
    conn = await adapter.connect();
    const findings: Finding[] = [];
    let tablesFound = 0;
    for (const unit of units) {
      const { node } = unit;
      if (!usesIceberg(node) || !(await iceberg.isIcebergTable(conn, node.schema, node.alias))) continue;
      tablesFound++;
      const byPartition = new Map<string, TableStats['partitions'][number]>();
      let partitioned = false;
      for (const file of await iceberg.files(conn, node.schema, node.alias)) {
        partitioned ||= Object.keys(file.partition).length > 0;
        const key = partitionKeyText(file.partition);
        const entry = byPartition.get(key) ?? { value: key, bytes: 0, fileSizes: [] };
        entry.bytes += file.fileSizeBytes;
        entry.fileSizes.push(file.fileSizeBytes);
        byPartition.set(key, entry);
      }
      const partitions = [...byPartition.values()].map((p) => ({
        ...p,
        value: partitioned ? p.value : null,
      }));
      const stats: TableStats = { identifier: `${node.schema}.${node.alias}`, partitioned, partitions };
      for (const health of tableHealth(stats))
        findings.push(unit.at(health.ruleId, unit.configOffset(), health.message));
    }
    if (tablesFound === 0 && units.some((unit) => usesIceberg(unit.node))) {
      throw new ConfigError(
        `--warehouse found no built Iceberg table for the selected models: run mdw build first.`,
      );
    }
    return findings;
  } finally {
    await conn?.close();
    await adapter.close();
  }
}

/** A partition's values as text: the single `partition` value, or k=v pairs. */
function partitionKeyText(values: Record<string, unknown>): string {
  const entries = Object.entries(values);
  if (entries.length === 1) return entries[0]![1] === null ? '' : String(entries[0]![1]);
  return entries.map(([k, v]) => `${k}=${v === null ? '' : String(v)}`).join('/');
}
