import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Graph } from '../../src/graph/dag.js';
import { testGates } from '../../src/run/test-gates.js';

// dim → fact → daily (aggregate) → report; fact → firsts → summary; dim → summary
// test_fact reads fact; test_rel reads fact and dim; test_reconcile reads fact and daily
const parents: Record<string, string[]> = {
  'source.raw': [],
  dim: ['source.raw'],
  fact: ['dim'],
  daily: ['fact'],
  report: ['daily'],
  firsts: ['fact'],
  summary: ['firsts', 'dim'],
  'test.fact': ['fact'],
  'test.rel': ['fact', 'dim'],
  'test.reconcile': ['fact', 'daily'],
  'test.source': ['source.raw'],
};

function gatesFor(plan: string[]): Record<string, string[]> {
  const gates = testGates({
    graph: Graph.fromParents(parents),
    plan: new Set(plan),
    isTest: (id) => id.startsWith('test.'),
    isExecutable: (id) => !id.startsWith('test.') && !id.startsWith('source.'),
  });
  return Object.fromEntries([...gates].map(([id, tests]) => [id, [...tests].sort()]));
}

describe('test gates (dbt build)', () => {
  const everything = Object.keys(parents).filter((id) => !id.startsWith('source.'));

  it('a test of one model gates its children; descendants wait through them', () => {
    const gates = gatesFor(everything);
    assert.deepEqual(gates.daily, ['test.fact', 'test.rel']);
    assert.deepEqual(gates.firsts, ['test.fact', 'test.rel']);
    assert.ok(!gates.summary?.includes('test.fact'), 'summary waits through firsts');
  });

  it("a test reading two models gates only the nodes built from both, not the first one's other children", () => {
    const gates = gatesFor(everything);
    assert.deepEqual(gates.report, ['test.reconcile']);
    assert.ok(!gates.firsts?.includes('test.reconcile'), 'firsts is not built from daily');
    assert.ok(!gates.summary?.includes('test.reconcile'));
  });

  it('a test on a source gates the models read from it', () => {
    assert.deepEqual(gatesFor(everything).dim, ['test.source']);
  });

  it('a node outside the plan passes the gate on to its planned children', () => {
    const gates = gatesFor(['fact', 'test.fact', 'firsts', 'summary', 'report']);
    assert.deepEqual(gates.firsts, ['test.fact']);
    assert.deepEqual(gates.report, ['test.fact'], 'daily is not planned: report waits itself');
  });

  it('never makes a test wait for a node it reads', () => {
    const gates = gatesFor(everything);
    for (const [id, tests] of Object.entries(gates))
      for (const test of tests) assert.ok(!parents[test]!.includes(id), `${test} reads ${id}`);
  });
});
