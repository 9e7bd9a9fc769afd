/**
 * Where unit tests sit in a run: as in dbt build, a unit test runs before the model it tests
 * (the model waits for it, so a failing unit test skips the model and what is downstream),
 * after the model's own parents and the inputs it reads.
 */
import type { Graph } from '../graph/dag.js';
import type { UnitTestDefinition } from '../manifest/resources.js';
import type { Manifest } from '../manifest/types.js';
import type { NodeResult } from './results.js';

export function unitTestGates(
  manifest: Manifest,
  graph: Graph,
  plan: readonly string[],
  parents: (id: string) => string[],
  build: boolean,
): (id: string) => string[] {
  const unitTests = manifest.unit_tests ?? {};
  const planned = new Set(plan);
  const extra = new Map<string, string[]>();
  const own = new Map<string, string[]>();
  const previous = new Map<string, string>(); // model id → its last unit test so far
  for (const id of [...plan].sort()) {
    const test = unitTests[id];
    if (!test) continue;
    const modelId = test.depends_on.nodes[0]!;
    const inputs = test.given
      .map((input) => input.input_id)
      .filter((p): p is string => p !== null && planned.has(p));
    const before = planned.has(modelId)
      ? parents(modelId)
      : graph.parents(modelId).filter((p) => planned.has(p));
    // as in dbt build, a model's unit tests run one after the other: the first failure skips the rest
    const chained = build && previous.has(modelId) ? [previous.get(modelId)!] : [];
    own.set(id, [...new Set([...before, ...inputs, ...chained])]);
    previous.set(modelId, id);
    if (planned.has(modelId)) extra.set(modelId, [...(extra.get(modelId) ?? []), id]);
  }
  // a saved query waits for the planned nodes its metrics read (through the semantic models)
  for (const id of plan)
    if (manifest.saved_queries?.[id])
      own.set(
        id,
        [...graph.ancestors(id)].filter((p) => planned.has(p)),
      );
  return (id) => own.get(id) ?? [...parents(id), ...(extra.get(id) ?? [])];
}

/** dbt's progress line end for a unit test: `PASS model::test` / `FAIL 1 model::test` and its status. */
export function unitTestLine(test: UnitTestDefinition, result: NodeResult): [string, string] {
  const label = `${test.model}::${test.name}`;
  const seconds = `in ${result.execution_time.toFixed(2)}s`;
  if (result.status === 'pass') return [`PASS ${label}`, `PASS ${seconds}`];
  if (result.status === 'fail')
    return [`FAIL ${result.failures} ${label}`, `FAIL ${result.failures} ${seconds}`];
  return [`ERROR ${label}`, `ERROR ${seconds}`];
}
