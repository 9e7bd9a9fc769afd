/**
 * View reuse: a view read by several nodes of one invocation is evaluated once. Right after
 * the view is built (or, when it is not part of the invocation, the engine copies lazily or
 * every reader may be reused, when its first reader that runs its own SQL starts) its rows
 * are copied into a table that lives for this invocation only; the nodes that evaluate their
 * SQL immediately (tables, incrementals, snapshots, tests) read the copy instead of re-running
 * the view's query. A copy whose readers were skipped goes when the adapter closes. The view
 * itself, the compiled SQL in target/ and every persisted definition still name the view: a
 * view built on top of a reused view keeps reading the view. Within one invocation nothing a
 * view reads changes after the view is built (its parents come first), so the copy holds the
 * rows the view would return.
 * A view narrowed to the landing folders a run brings in (src/run/landing-partitions.ts) is
 * copied for those folders only, and only its readers' narrowed reads (`<view> where
 * "partition" in (...)`, as test-scope.ts renders them) are pointed at the copy.
 */
import type { Adapter, Connection, Relation, ViewCopies, ViewCopy } from '../adapters/types.js';
import type { Graph } from '../graph/dag.js';
import type { Manifest, ManifestNode } from '../manifest/types.js';
import { partitionCondition } from './test-scope.js';

/** Readers a view needs before copying it pays off (one reader gains nothing). */
const MIN_READERS = 2;

interface Candidate {
  view: Relation;
  /** for a narrowed view, ` where <the readers' partition condition>`: the copy holds those rows */
  narrowedTo: string | null;
  /** how many planned nodes read the copy */
  readerCount: number;
  /** readers that have not finished yet; the copy is dropped when none is left */
  pending: Set<string>;
  /** the view failed, or its copy is dropped: readers run their own SQL */
  unavailable: boolean;
  /** copied right after the view is built (else when its first reader needs the copy) */
  eager: boolean;
  copy?: Promise<ViewCopy | null>;
}

export interface ReuseReport {
  rows: number | null;
  readers: number;
}

export class ViewReuse {
  private constructor(
    private readonly copies: ViewCopies | null,
    private readonly candidates: Map<string, Candidate>,
    private readonly readsOf: Map<string, string[]>,
  ) {}

  static disabled(): ViewReuse {
    return new ViewReuse(null, new Map(), new Map());
  }

  /**
   * `narrowed`: {view name: landing folders} for views whose readers read only the partitions
   * this run changed (src/run/landing-partitions.ts); a copy of every row would read what no
   * reader needs.
   */
  static plan(
    manifest: Manifest,
    graph: Graph,
    plan: readonly string[],
    adapter: Adapter,
    narrowed: Readonly<Record<string, readonly string[]>> = {},
    mayBeReused: (node: ManifestNode) => boolean = () => false,
  ): ViewReuse {
    if (!adapter.capabilities.viewReuse || !adapter.viewCopies) return ViewReuse.disabled();
    const planned = new Set(plan);
    const candidates = new Map<string, Candidate>();
    const readsOf = new Map<string, string[]>();
    for (const [viewId, view] of Object.entries(manifest.nodes)) {
      if (!isPlainView(view)) continue;
      const folders = Object.hasOwn(narrowed, view.name) ? narrowed[view.name]! : null;
      if (folders?.length === 0) continue;
      const readers = readersOf(manifest, graph, viewId, planned);
      if (readers.size < MIN_READERS) continue;
      candidates.set(viewId, {
        view: adapter.relation(view.database, view.schema, view.alias),
        narrowedTo: folders
          ? ` where ${partitionCondition(adapter.quoteIdentifier('partition'), folders)}`
          : null,
        readerCount: readers.size,
        pending: new Set(readers),
        unavailable: false,
        // a copy no reader may need waits for the first that does (all may be reused)
        eager:
          adapter.viewCopies.eager && [...readers].some((reader) => !mayBeReused(manifest.nodes[reader]!)),
      });
      for (const reader of readers) readsOf.set(reader, [...(readsOf.get(reader) ?? []), viewId]);
    }
    return new ViewReuse(adapter.viewCopies, candidates, readsOf);
  }

  isReused(viewId: string): boolean {
    return this.candidates.has(viewId);
  }

  /**
   * After the view's own build: copy its rows now (so the view's node carries the cost), or,
   * for copies that are made lazily (ViewCopies.eager), when the first reader needs one.
   */
  async afterBuild(viewId: string, succeeded: boolean, conn: Connection): Promise<ReuseReport | null> {
    const candidate = this.candidates.get(viewId);
    if (!candidate) return null;
    if (!succeeded) {
      candidate.unavailable = true;
      return null;
    }
    if (!candidate.eager) return null;
    const copy = await this.copyOf(candidate, conn);
    return copy ? { rows: copy.rows, readers: candidate.readerCount } : null;
  }

  /** The SQL a reader runs: every reused view it reads replaced by that view's copy. */
  async rewrite(nodeId: string, sql: string, conn: Connection): Promise<string> {
    let rewritten = sql;
    for (const viewId of this.readsOf.get(nodeId) ?? []) {
      const candidate = this.candidates.get(viewId)!;
      if (candidate.unavailable) continue;
      const copy = await this.copyOf(candidate, conn);
      if (!copy) continue;
      const read = candidate.view.render() + (candidate.narrowedTo ?? '');
      rewritten = rewritten.replaceAll(read, copy.relation.render() + (candidate.narrowedTo ?? ''));
    }
    return rewritten;
  }

  /** A reader finished (whatever its status): drop copies no one else will read. */
  async release(nodeId: string, conn: Connection): Promise<void> {
    for (const viewId of this.readsOf.get(nodeId) ?? []) {
      const candidate = this.candidates.get(viewId)!;
      candidate.pending.delete(nodeId);
      if (candidate.pending.size === 0) await this.dropCopy(candidate, conn);
    }
  }

  private copyOf(candidate: Candidate, conn: Connection): Promise<ViewCopy | null> {
    // A view that fails to copy (say, it does not exist yet) is simply not reused: its
    // readers run their own SQL and report their own error.
    candidate.copy ??= this.copies!.create(conn, candidate.view, candidate.narrowedTo ?? '').catch(
      () => null,
    );
    return candidate.copy;
  }

  private async dropCopy(candidate: Candidate, conn: Connection): Promise<void> {
    const copy = await candidate.copy;
    candidate.copy = Promise.resolve(null);
    candidate.unavailable = true;
    if (copy) await this.copies!.drop(conn, copy.relation).catch(() => undefined);
  }
}

function isPlainView(node: ManifestNode): boolean {
  return (
    node.resource_type === 'model' && String(node.config.materialized ?? 'view').toLowerCase() === 'view'
  );
}

/** Nodes whose SQL runs once, now; a view or a hook keeps the SQL and must keep the view. */
function evaluatesNow(node: ManifestNode): boolean {
  if (node.resource_type === 'test' || node.resource_type === 'snapshot') return true;
  if (node.resource_type !== 'model') return false;
  const materialized = String(node.config.materialized ?? 'view').toLowerCase();
  return materialized === 'table' || materialized === 'incremental';
}

/** Planned nodes that read the view, directly or through ephemeral models (inlined as CTEs). */
function readersOf(manifest: Manifest, graph: Graph, viewId: string, planned: Set<string>): Set<string> {
  const readers = new Set<string>();
  const stack = [...graph.children(viewId)];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = manifest.nodes[id];
    if (!node) continue;
    if (node.resource_type === 'model' && node.config.materialized === 'ephemeral') {
      stack.push(...graph.children(id));
    } else if (planned.has(id) && evaluatesNow(node)) {
      readers.add(id);
    }
  }
  return readers;
}
