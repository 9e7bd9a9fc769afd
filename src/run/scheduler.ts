/**
 * Runs a DAG of tasks on N workers: a node starts when all its parents inside the plan
 * have finished. A failed node makes its descendants SKIP (dbt's behaviour); with
 * failFast the first failure skips everything not yet started. With expected durations
 * (`weight`), the ready node heading the longest remaining chain starts first (critical path
 * first, as build systems schedule): a long chain started late leaves the other workers
 * idle at the end.
 */
export type Outcome = 'ok' | 'failed';

export interface SchedulerOptions {
  /** ids in a deterministic (topological) order: ties start in this order */
  order: string[];
  /** parents of each id, restricted to ids in `order` */
  parents: (id: string) => string[];
  threads: number;
  failFast: boolean;
  /**
   * expected seconds of a node (its last run's, say); when given, ready nodes start by the
   * longest expected path from them to the end of the plan, ties in `order`
   */
  weight?: (id: string) => number;
  /** run one node on a worker; `worker` is 0..threads-1 (one connection each) */
  run: (id: string, worker: number) => Promise<Outcome>;
  /** called for nodes that will not run because an ancestor failed (or fail-fast) */
  skip: (id: string, cause: string | null) => void;
}

export async function runScheduled(options: SchedulerOptions): Promise<void> {
  const inPlan = new Set(options.order);
  const position = new Map(options.order.map((id, index) => [id, index]));
  const waitingOn = new Map<string, number>();
  const children = new Map<string, string[]>();
  for (const id of options.order) {
    const parents = options.parents(id).filter((p) => inPlan.has(p));
    waitingOn.set(id, parents.length);
    for (const parent of parents) {
      const list = children.get(parent) ?? [];
      list.push(id);
      children.set(parent, list);
    }
  }
  const rank = options.weight ? criticalPathRanks(options.order, children, options.weight) : position;
  const ready = options.order.filter((id) => waitingOn.get(id) === 0);
  ready.sort((a, b) => (rank.get(a) ?? 0) - (rank.get(b) ?? 0));
  const done = new Set<string>();
  let stopped = false;
  let running = 0;

  const skipDescendants = (id: string): void => {
    const stack = [...(children.get(id) ?? [])];
    while (stack.length > 0) {
      const child = stack.pop()!;
      if (done.has(child)) continue;
      done.add(child);
      options.skip(child, id);
      stack.push(...(children.get(child) ?? []));
    }
  };

  const release = (id: string): void => {
    for (const child of children.get(id) ?? []) {
      const left = (waitingOn.get(child) ?? 1) - 1;
      waitingOn.set(child, left);
      if (left === 0 && !done.has(child)) insertSorted(ready, child, rank);
    }
  };

  await new Promise<void>((resolveAll, rejectAll) => {
    const freeWorkers = Array.from({ length: Math.max(1, options.threads) }, (_, i) => i).reverse();
    const pump = (): void => {
      while (!stopped && ready.length > 0 && freeWorkers.length > 0) {
        const id = ready.shift()!;
        if (done.has(id)) continue;
        const worker = freeWorkers.pop()!;
        running++;
        options.run(id, worker).then(
          (outcome) => {
            running--;
            freeWorkers.push(worker);
            done.add(id);
            if (outcome === 'failed') {
              skipDescendants(id);
              if (options.failFast) stopped = true;
            }
            release(id);
            pump();
          },
          (error: unknown) => {
            stopped = true;
            rejectAll(error);
          },
        );
      }
      if (running === 0 && (stopped || ready.length === 0)) {
        const left = options.order.filter((id) => !done.has(id));
        if (!stopped && left.length > 0) {
          rejectAll(new Error(`the plan cannot finish: ${left.slice(0, 5).join(', ')} wait on each other`));
          return;
        }
        for (const id of left) {
          done.add(id);
          options.skip(id, null);
        }
        resolveAll();
      }
    };
    pump();
  });
}

/**
 * Start order by the longest expected path from each node to the end of the plan (its own
 * weight plus its longest child's), longest first; equal paths keep their place in `order`.
 */
function criticalPathRanks(
  order: readonly string[],
  children: ReadonlyMap<string, string[]>,
  weight: (id: string) => number,
): Map<string, number> {
  const path = new Map<string, number>();
  const visiting = new Set<string>(); // a cycle (reported when the plan cannot finish) is cut here
  // children before parents (a test gate may follow its child in `order`): depth-first, no recursion
  for (const start of order) {
    const stack: { id: string; expanded: boolean }[] = [{ id: start, expanded: false }];
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      if (path.has(top.id)) {
        stack.pop();
        continue;
      }
      const kids = children.get(top.id) ?? [];
      if (!top.expanded) {
        top.expanded = true;
        visiting.add(top.id);
        for (const child of kids)
          if (!path.has(child) && !visiting.has(child)) stack.push({ id: child, expanded: false });
        continue;
      }
      stack.pop();
      visiting.delete(top.id);
      const longestChild = Math.max(0, ...kids.map((child) => path.get(child) ?? 0));
      path.set(top.id, Math.max(0, weight(top.id)) + longestChild);
    }
  }
  const byPath = order
    .map((id, index) => ({ id, index }))
    .sort((a, b) => path.get(b.id)! - path.get(a.id)! || a.index - b.index);
  return new Map(byPath.map(({ id }, rank) => [id, rank]));
}

function insertSorted(queue: string[], id: string, ranks: Map<string, number>): void {
  const rank = ranks.get(id) ?? 0;
  let index = queue.findIndex((other) => (ranks.get(other) ?? 0) > rank);
  if (index < 0) index = queue.length;
  queue.splice(index, 0, id);
}
