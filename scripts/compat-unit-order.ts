/**
 * dbt build runs a model's unit tests in the order of a Python set (hash order, which changes
 * from run to run) and skips the rest after the first error or failure, so which of them errors
 * and which are skipped is not reproducible. A model's unit tests whose statuses are the same
 * multiset on both sides count as the same (mdw's statuses are given dbt's order).
 */
export function alignUnitTestOrder(dbt: Map<string, string>, mdw: Map<string, string>): void {
  const groups = new Map<string, string[]>();
  for (const id of dbt.keys()) {
    if (!id.startsWith('unit_test.')) continue;
    const model = id.slice(0, id.lastIndexOf('.'));
    groups.set(model, [...(groups.get(model) ?? []), id]);
  }
  const sorted = (values: (string | undefined)[]) => JSON.stringify([...values].sort());
  for (const ids of groups.values()) {
    if (ids.length < 2) continue;
    if (sorted(ids.map((id) => dbt.get(id))) !== sorted(ids.map((id) => mdw.get(id)))) continue;
    for (const id of ids) mdw.set(id, dbt.get(id)!);
  }
}
