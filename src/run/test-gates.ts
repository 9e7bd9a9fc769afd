/**
 * dbt build's test gates: which planned tests each planned node waits for. dbt's rule (its
 * linker's test edges): a test gates a node when every node the test depends on is upstream of
 * that node. A test of one model gates the model's children, and so everything built from it;
 * a test reading several nodes (a relationships test, a reconciliation of two models) gates
 * only the nodes built from all of them. A reconciliation of a fact with an aggregate of it
 * then holds back the aggregate's readers, not the fact's other children, which need not wait
 * for the aggregate to be built.
 *
 * The rule never closes a cycle: a gated node comes after every node its test reads, and a
 * test is read by nothing. Each test gates the first planned nodes it reaches on every path
 * (their descendants wait through them); a node outside the plan passes the gate on.
 */
import type { Graph } from '../graph/dag.js';

export interface GateNodes {
  graph: Graph;
  plan: ReadonlySet<string>;
  /** a data test (a gate) */
  isTest: (id: string) => boolean;
  /** a node that runs (a model, seed or snapshot: what a test can hold back) */
  isExecutable: (id: string) => boolean;
}

/** Planned node → the planned tests it waits for. */
export function testGates({ graph, plan, isTest, isExecutable }: GateNodes): Map<string, string[]> {
  const gates = new Map<string, string[]>();
  const descendantsOf = memoized((id: string) => graph.descendants(id));
  for (const testId of plan) {
    if (!isTest(testId)) continue;
    const reads = graph.parents(testId);
    if (reads.length === 0) continue;
    // below the one node it reads, every node walked is downstream of all it reads
    const downstreamOfAll = (id: string) =>
      reads.length === 1 || reads.every((read) => descendantsOf(read).has(id));
    const gated = (id: string) => plan.has(id) && isExecutable(id) && downstreamOfAll(id);
    // walk down from one node the test reads (every gated node is below each of them)
    const stack = graph.children(reads[0]!).filter((id) => id !== testId && !isTest(id));
    const seen = new Set<string>(stack);
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (gated(id)) {
        const list = gates.get(id) ?? [];
        list.push(testId);
        gates.set(id, list);
        continue; // its descendants wait for it
      }
      for (const child of graph.children(id))
        if (!seen.has(child) && !isTest(child)) {
          seen.add(child);
          stack.push(child);
        }
    }
  }
  return gates;
}

function memoized<T>(compute: (id: string) => T): (id: string) => T {
  const cache = new Map<string, T>();
  return (id) => {
    let value = cache.get(id);
    if (value === undefined) {
      value = compute(id);
      cache.set(id, value);
    }
    return value;
  };
}
