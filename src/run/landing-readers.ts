/**
 * The nodes whose SQL can reach a landing file: they read a source, or a view or ephemeral
 * model that can. Tables, incremental models, snapshots and seeds hold their own rows, so
 * their readers read no landing file. Only these nodes have their raw rows counted
 * (rows-read.ts): counting profiles every statement, which the other nodes need not pay.
 */
import type { ManifestNode } from '../manifest/types.js';

/** Materializations that store rows: reading them reads no landing file. */
const STORED = new Set(['table', 'incremental', 'snapshot', 'seed']);

export function landingReaders(nodes: Readonly<Record<string, ManifestNode>>): Set<string> {
  const reaches = new Map<string, boolean>();
  const visit = (id: string, path: Set<string>): boolean => {
    if (id.startsWith('source.')) return true;
    const known = reaches.get(id);
    if (known !== undefined) return known;
    const node = nodes[id];
    if (!node || path.has(id)) return false;
    path.add(id);
    const result = node.depends_on.nodes.some((parent) => {
      if (parent.startsWith('source.')) return true;
      const upstream = nodes[parent];
      if (upstream?.resource_type !== 'model' || STORED.has(upstream.config.materialized)) return false;
      return visit(parent, path);
    });
    path.delete(id);
    reaches.set(id, result);
    return result;
  };
  const readers = new Set<string>();
  for (const id of Object.keys(nodes)) if (visit(id, new Set())) readers.add(id);
  return readers;
}
