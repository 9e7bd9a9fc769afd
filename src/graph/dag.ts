/**
 * The dependency graph of a project: manifest nodes and sources, with an edge
 * parent → child for every entry of a node's `depends_on.nodes`.
 *
 * The graph is an immutable snapshot; adjacency lists are deduplicated and sorted so
 * every traversal (and therefore every error message and run order) is deterministic.
 */
import type { Manifest } from '../manifest/types.js';
import { ConfigError } from '../util/errors.js';
import { MinHeap } from './min-heap.js';

const NONE: readonly string[] = Object.freeze([]);

export class Graph {
  private readonly parentMap = new Map<string, string[]>();
  private readonly childMap = new Map<string, string[]>();
  private readonly sortedIds: readonly string[];
  /** Full topological order, computed on first use. */
  private cachedOrder: readonly string[] | undefined;

  private constructor(parentsById: Iterable<readonly [string, Iterable<string>]>) {
    const declared = new Map<string, Iterable<string>>();
    for (const [id, parents] of parentsById) declared.set(id, parents);
    for (const id of declared.keys()) {
      this.parentMap.set(id, []);
      this.childMap.set(id, []);
    }
    for (const [id, parents] of declared) {
      // Unknown ids (e.g. a disabled or missing node) have no place in the graph; the
      // loader reports those, so the edge is simply dropped here.
      const unique = new Set<string>();
      for (const parent of parents) if (this.parentMap.has(parent)) unique.add(parent);
      this.parentMap.set(id, [...unique].sort());
      for (const parent of unique) this.childMap.get(parent)!.push(id);
    }
    for (const children of this.childMap.values()) children.sort();
    this.sortedIds = [...declared.keys()].sort();
  }

  /** Every node and source of the manifest; sources have no parents. */
  static fromManifest(manifest: Manifest): Graph {
    const entries: [string, Iterable<string>][] = [];
    for (const id of Object.keys(manifest.sources)) entries.push([id, NONE]);
    for (const [id, node] of Object.entries(manifest.nodes))
      entries.push([id, node.depends_on?.nodes ?? NONE]);
    for (const extra of [
      manifest.unit_tests,
      manifest.semantic_models,
      manifest.metrics,
      manifest.saved_queries,
    ])
      for (const [id, entry] of Object.entries(extra ?? {})) entries.push([id, entry.depends_on.nodes]);
    return new Graph(entries);
  }

  /** A graph from `id → parent ids` (handy for tests and tools that have no manifest). */
  static fromParents(
    parentsById: Record<string, readonly string[]> | ReadonlyMap<string, readonly string[]>,
  ): Graph {
    return new Graph(parentsById instanceof Map ? parentsById : Object.entries(parentsById));
  }

  get size(): number {
    return this.sortedIds.length;
  }

  /** All ids, sorted. */
  ids(): readonly string[] {
    return this.sortedIds;
  }

  has(id: string): boolean {
    return this.parentMap.has(id);
  }

  /** Direct upstream ids, sorted; empty for unknown ids. */
  parents(id: string): readonly string[] {
    return this.parentMap.get(id) ?? NONE;
  }

  /** Direct downstream ids, sorted; empty for unknown ids. */
  children(id: string): readonly string[] {
    return this.childMap.get(id) ?? NONE;
  }

  /**
   * Everything upstream of `start` (one id or several) within `depth` hops
   * (undefined = unlimited). A start id is included only if it is upstream of another.
   */
  ancestors(start: string | Iterable<string>, depth?: number): Set<string> {
    return walk(this.parentMap, start, depth);
  }

  /** Everything downstream of `start` within `depth` hops (undefined = unlimited). */
  descendants(start: string | Iterable<string>, depth?: number): Set<string> {
    return walk(this.childMap, start, depth);
  }

  /**
   * Parents before children; among nodes that are ready at the same time the smallest
   * unique_id goes first. With `ids`, the full order restricted to those ids, so
   * dependencies through unlisted nodes are still respected. Throws on a cycle.
   */
  topologicalOrder(ids?: Iterable<string>): string[] {
    const order = this.fullOrder();
    if (ids === undefined) return [...order];
    const wanted = ids instanceof Set ? ids : new Set(ids);
    return order.filter((id) => wanted.has(id));
  }

  /**
   * A cycle as a path along parent → child edges that starts and ends at the same id
   * (rotated to start at its smallest id), or null if the graph is acyclic.
   */
  findCycle(): string[] | null {
    const ON_PATH = 1;
    const DONE = 2;
    const state = new Map<string, number>();
    // Iterative DFS: project graphs can be long chains that would overflow the call stack.
    for (const root of this.sortedIds) {
      if (state.has(root)) continue;
      const path: string[] = [root];
      const next: number[] = [0];
      state.set(root, ON_PATH);
      while (path.length > 0) {
        const top = path[path.length - 1];
        const children = this.childMap.get(top)!;
        const i = next[next.length - 1]++;
        if (i >= children.length) {
          state.set(top, DONE);
          path.pop();
          next.pop();
          continue;
        }
        const child = children[i];
        const seen = state.get(child);
        if (seen === ON_PATH) return closeCycle(path.slice(path.lastIndexOf(child)));
        if (seen === undefined) {
          state.set(child, ON_PATH);
          path.push(child);
          next.push(0);
        }
      }
    }
    return null;
  }

  private fullOrder(): readonly string[] {
    if (this.cachedOrder) return this.cachedOrder;
    const waiting = new Map<string, number>();
    const ready = new MinHeap();
    for (const id of this.sortedIds) {
      const count = this.parentMap.get(id)!.length;
      if (count === 0) ready.push(id);
      else waiting.set(id, count);
    }
    const order: string[] = [];
    while (ready.size > 0) {
      const id = ready.pop()!;
      order.push(id);
      for (const child of this.childMap.get(id)!) {
        const left = waiting.get(child)! - 1;
        if (left === 0) {
          waiting.delete(child);
          ready.push(child);
        } else waiting.set(child, left);
      }
    }
    if (order.length < this.sortedIds.length) assertAcyclic(this);
    this.cachedOrder = order;
    return order;
  }
}

/** Throws a ConfigError naming the cycle, e.g. `Found a cycle: model.a → model.b → model.a`. */
export function assertAcyclic(graph: Graph): void {
  const cycle = graph.findCycle();
  if (cycle) throw new ConfigError(`Found a cycle: ${cycle.join(' → ')}`);
}

function walk(
  adjacency: Map<string, string[]>,
  start: string | Iterable<string>,
  depth?: number,
): Set<string> {
  const found = new Set<string>();
  let frontier = typeof start === 'string' ? [start] : [...start];
  // Breadth-first, so a node's hop count is its shortest distance from any start id.
  for (let hop = 0; frontier.length > 0 && (depth === undefined || hop < depth); hop++) {
    const nextFrontier: string[] = [];
    for (const id of frontier) {
      for (const neighbour of adjacency.get(id) ?? NONE) {
        if (found.has(neighbour)) continue;
        found.add(neighbour);
        nextFrontier.push(neighbour);
      }
    }
    frontier = nextFrontier;
  }
  return found;
}

function closeCycle(cycle: string[]): string[] {
  let smallest = 0;
  for (let i = 1; i < cycle.length; i++) if (cycle[i] < cycle[smallest]) smallest = i;
  const rotated = [...cycle.slice(smallest), ...cycle.slice(0, smallest)];
  return [...rotated, rotated[0]];
}
