/** Reading what mdw and dbt leave in target/: run_results.json and manifest.json. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface NodeResult {
  uniqueId: string;
  status: string;
  seconds: number;
  message: string | null;
  rows: number | null;
  /** rows the node read from each source's landing files (mdw's adapter_response.rows_read_by_source) */
  rowsReadBySource: Record<string, number>;
}

export function readRunResults(projectDir: string): NodeResult[] {
  const doc = JSON.parse(readFileSync(join(projectDir, 'target', 'run_results.json'), 'utf8'));
  return (doc.results as any[]).map((r) => ({
    uniqueId: String(r.unique_id),
    status: String(r.status),
    seconds: Number(r.execution_time ?? 0),
    message: r.message ?? r.adapter_response?._message ?? null,
    rows: typeof r.adapter_response?.rows_affected === 'number' ? r.adapter_response.rows_affected : null,
    rowsReadBySource: r.adapter_response?.rows_read_by_source ?? {},
  }));
}

/** unique_id → execution seconds. */
export function nodeSeconds(results: NodeResult[]): Record<string, number> {
  return Object.fromEntries(results.map((r) => [r.uniqueId, r.seconds]));
}

/** Fails loudly when a run "succeeded" with a node in error (a benchmark of a broken build is no figure). */
export function checkAllPassed(results: NodeResult[], label: string): void {
  const bad = results.filter((r) => !['success', 'pass', 'warn'].includes(r.status));
  if (bad.length > 0) {
    throw new Error(
      `${label}: ${bad.length} node(s) did not pass: ${bad
        .slice(0, 5)
        .map((r) => `${r.uniqueId} ${r.status}`)
        .join(', ')}`,
    );
  }
}

export interface ManifestNode {
  unique_id: string;
  resource_type: string;
  name: string;
  schema: string;
  alias?: string;
  relation_name?: string;
  compiled_code?: string;
  config: Record<string, any>;
  depends_on: { nodes: string[] };
}

export interface Manifest {
  nodes: Record<string, ManifestNode>;
  sources: Record<string, { unique_id: string; schema: string; identifier: string }>;
}

export function readManifest(projectDir: string): Manifest {
  return JSON.parse(readFileSync(join(projectDir, 'target', 'manifest.json'), 'utf8'));
}

/**
 * Models and snapshots that are materialized (not ephemeral, enabled), in a topological order of
 * depends_on (Kahn; ties by unique_id, so the order is deterministic).
 */
export function buildOrder(manifest: Manifest): ManifestNode[] {
  const nodes = Object.values(manifest.nodes).filter(
    (n) =>
      (n.resource_type === 'model' || n.resource_type === 'snapshot') &&
      n.config.enabled !== false &&
      n.config.materialized !== 'ephemeral',
  );
  const ids = new Set(nodes.map((n) => n.unique_id));
  const waiting = new Map(
    nodes.map((n) => [n.unique_id, n.depends_on.nodes.filter((p) => ids.has(p)).length]),
  );
  const ready = nodes
    .filter((n) => waiting.get(n.unique_id) === 0)
    .map((n) => n.unique_id)
    .sort();
  const out: ManifestNode[] = [];
  while (ready.length > 0) {
    const id = ready.shift()!;
    out.push(manifest.nodes[id]!);
    for (const n of nodes) {
      if (!n.depends_on.nodes.includes(id)) continue;
      const left = waiting.get(n.unique_id)! - 1;
      waiting.set(n.unique_id, left);
      if (left === 0) {
        ready.push(n.unique_id);
        ready.sort();
      }
    }
  }
  if (out.length !== nodes.length) throw new Error('manifest: the model graph has a cycle');
  return out;
}
