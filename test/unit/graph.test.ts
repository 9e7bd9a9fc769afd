import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAcyclic, Graph } from '../../src/graph/dag.js';
import type { Manifest, ManifestNode, SourceDefinition } from '../../src/manifest/types.js';
import { ConfigError } from '../../src/util/errors.js';

/** Only the fields the graph reads; the rest of a real node does not matter here. */
function manifestOf(nodes: Record<string, string[]>, sources: string[] = []): Manifest {
  const nodeMap: Record<string, ManifestNode> = {};
  for (const [id, deps] of Object.entries(nodes)) {
    nodeMap[id] = { unique_id: id, depends_on: { nodes: deps, macros: [] } } as unknown as ManifestNode;
  }
  const sourceMap: Record<string, SourceDefinition> = {};
  for (const id of sources) sourceMap[id] = { unique_id: id } as unknown as SourceDefinition;
  return { nodes: nodeMap, sources: sourceMap } as unknown as Manifest;
}

const sorted = (ids: Iterable<string>) => [...ids].sort();

/**
 *   a ─→ b ─→ d ─→ e
 *   └──→ c ──┘
 *   x (isolated)
 */
const diamond = () => Graph.fromParents({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'], e: ['d'], x: [] });

describe('Graph.fromManifest', () => {
  it('adds sources as parentless nodes and takes edges from depends_on.nodes', () => {
    const graph = Graph.fromManifest(
      manifestOf(
        {
          'model.shop.stg': ['source.shop.raw.orders'],
          'model.shop.fct': ['model.shop.stg', 'source.shop.raw.orders'],
          'test.shop.unique_fct.1': ['model.shop.fct'],
        },
        ['source.shop.raw.orders'],
      ),
    );
    assert.equal(graph.size, 4);
    assert.ok(graph.has('source.shop.raw.orders'));
    assert.deepEqual(graph.parents('source.shop.raw.orders'), []);
    assert.deepEqual(graph.children('source.shop.raw.orders'), ['model.shop.fct', 'model.shop.stg']);
    assert.deepEqual(graph.parents('model.shop.fct'), ['model.shop.stg', 'source.shop.raw.orders']);
    assert.deepEqual(graph.children('model.shop.fct'), ['test.shop.unique_fct.1']);
  });

  it('ignores dependencies on ids that are not in the manifest and deduplicates edges', () => {
    const graph = Graph.fromManifest(
      manifestOf({ 'model.p.a': [], 'model.p.b': ['model.p.a', 'model.p.a', 'model.p.gone'] }),
    );
    assert.equal(graph.has('model.p.gone'), false);
    assert.deepEqual(graph.parents('model.p.b'), ['model.p.a']);
    assert.deepEqual(graph.children('model.p.a'), ['model.p.b']);
    assert.deepEqual(graph.topologicalOrder(), ['model.p.a', 'model.p.b']);
  });
});

describe('Graph neighbours', () => {
  it('returns sorted parents and children, and nothing for unknown ids', () => {
    const graph = Graph.fromParents({ z: [], m: [], a: ['z', 'm'], b: ['m'] });
    assert.deepEqual(graph.parents('a'), ['m', 'z']);
    assert.deepEqual(graph.children('m'), ['a', 'b']);
    assert.deepEqual(graph.parents('nope'), []);
    assert.deepEqual(graph.children('nope'), []);
    assert.equal(graph.has('nope'), false);
    assert.deepEqual(graph.ids(), ['a', 'b', 'm', 'z']);
  });

  it('finds all ancestors and descendants without a depth', () => {
    const graph = diamond();
    assert.deepEqual(sorted(graph.ancestors('e')), ['a', 'b', 'c', 'd']);
    assert.deepEqual(sorted(graph.descendants('a')), ['b', 'c', 'd', 'e']);
    assert.deepEqual(sorted(graph.ancestors('a')), []);
    assert.deepEqual(sorted(graph.descendants('x')), []);
  });

  it('limits ancestors and descendants to a number of hops', () => {
    const graph = diamond();
    assert.deepEqual(sorted(graph.ancestors('e', 0)), []);
    assert.deepEqual(sorted(graph.ancestors('e', 1)), ['d']);
    assert.deepEqual(sorted(graph.ancestors('e', 2)), ['b', 'c', 'd']);
    assert.deepEqual(sorted(graph.ancestors('e', 3)), ['a', 'b', 'c', 'd']);
    assert.deepEqual(sorted(graph.descendants('a', 1)), ['b', 'c']);
    assert.deepEqual(sorted(graph.descendants('a', 2)), ['b', 'c', 'd']);
  });

  it('counts hops along the shortest path', () => {
    // a → b → c → d and a shortcut a → d: d is one hop from a.
    const graph = Graph.fromParents({ a: [], b: ['a'], c: ['b'], d: ['c', 'a'] });
    assert.deepEqual(sorted(graph.descendants('a', 1)), ['b', 'd']);
    assert.deepEqual(sorted(graph.ancestors('d', 1)), ['a', 'c']);
  });

  it('walks from several start ids at once', () => {
    const graph = diamond();
    assert.deepEqual(sorted(graph.descendants(['b', 'x'])), ['d', 'e']);
    assert.deepEqual(sorted(graph.ancestors(new Set(['b', 'c']), 1)), ['a']);
    // A start id that lies upstream of another start id is part of the result.
    assert.deepEqual(sorted(graph.ancestors(['d', 'b'])), ['a', 'b', 'c']);
  });
});

describe('Graph.topologicalOrder', () => {
  it('puts parents first and breaks ties by unique_id', () => {
    assert.deepEqual(diamond().topologicalOrder(), ['a', 'b', 'c', 'd', 'e', 'x']);
    const graph = Graph.fromParents({ c: [], b: [], a: ['c'] });
    // b and c are ready first; a only after c.
    assert.deepEqual(graph.topologicalOrder(), ['b', 'c', 'a']);
  });

  it('does not depend on the order nodes were declared in', () => {
    const entries = Object.entries({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'], e: ['d'], x: [] });
    const forward = Graph.fromParents(Object.fromEntries(entries)).topologicalOrder();
    const backward = Graph.fromParents(Object.fromEntries([...entries].reverse())).topologicalOrder();
    const mapped = Graph.fromParents(new Map(entries)).topologicalOrder();
    assert.deepEqual(backward, forward);
    assert.deepEqual(mapped, forward);
  });

  it('orders a subset, keeping dependencies that pass through unlisted nodes', () => {
    // z → m → a: a must still come after z even though m is not listed.
    const graph = Graph.fromParents({ z: [], m: ['z'], a: ['m'], b: [] });
    assert.deepEqual(graph.topologicalOrder(['a', 'z', 'b']), ['b', 'z', 'a']);
    assert.deepEqual(graph.topologicalOrder(new Set(['a'])), ['a']);
    assert.deepEqual(graph.topologicalOrder([]), []);
  });

  it('returns a fresh array each time', () => {
    const graph = diamond();
    graph.topologicalOrder().reverse();
    assert.deepEqual(graph.topologicalOrder(), ['a', 'b', 'c', 'd', 'e', 'x']);
  });

  it('puts every parent before its children on a large random graph', () => {
    const graph = Graph.fromParents(randomDag(500, 7));
    const order = graph.topologicalOrder();
    assert.equal(order.length, 500);
    const position = new Map(order.map((id, i) => [id, i]));
    for (const id of order) {
      for (const parent of graph.parents(id)) assert.ok(position.get(parent)! < position.get(id)!);
    }
  });

  it('throws the cycle error when the graph has a cycle', () => {
    const graph = Graph.fromParents({ a: ['b'], b: ['a'], c: [] });
    assert.throws(() => graph.topologicalOrder(), {
      name: 'ConfigError',
      message: 'Found a cycle: a → b → a',
    });
  });
});

describe('cycles', () => {
  it('finds none in a DAG', () => {
    assert.equal(diamond().findCycle(), null);
    assert.equal(Graph.fromParents({}).findCycle(), null);
    assert.doesNotThrow(() => assertAcyclic(diamond()));
  });

  it('reports a two-node cycle with the exact message', () => {
    const graph = Graph.fromManifest(
      manifestOf({ 'model.shop.a': ['model.shop.b'], 'model.shop.b': ['model.shop.a'] }),
    );
    assert.deepEqual(graph.findCycle(), ['model.shop.a', 'model.shop.b', 'model.shop.a']);
    assert.throws(
      () => assertAcyclic(graph),
      (error: unknown) => {
        assert.ok(error instanceof ConfigError);
        assert.equal(error.message, 'Found a cycle: model.shop.a → model.shop.b → model.shop.a');
        assert.equal(error.exitCode, 2);
        return true;
      },
    );
  });

  it('reports a self-dependency', () => {
    assert.deepEqual(Graph.fromParents({ a: [], s: ['s', 'a'] }).findCycle(), ['s', 's']);
  });

  it('returns only the cycle, along parent → child edges, starting at its smallest id', () => {
    // root → p → q → r → p, plus an unrelated tail; the cycle is p → q → r → p.
    const graph = Graph.fromParents({ root: [], p: ['root', 'r'], q: ['p'], r: ['q'], tail: ['r'] });
    assert.deepEqual(graph.findCycle(), ['p', 'q', 'r', 'p']);
    // Same cycle, entered at another node: still rotated to start at p.
    const other = Graph.fromParents({ a0: [], r: ['a0', 'q'], p: ['r'], q: ['p'] });
    assert.deepEqual(other.findCycle(), ['p', 'q', 'r', 'p']);
  });

  it('finds a cycle that is not reachable from the first node', () => {
    const graph = Graph.fromParents({ a: [], b: ['a'], y: ['z'], z: ['y'] });
    assert.deepEqual(graph.findCycle(), ['y', 'z', 'y']);
  });

  it('handles a very long chain without overflowing the stack', () => {
    const chain: Record<string, string[]> = {};
    for (let i = 0; i < 50_000; i++)
      chain[`n${String(i).padStart(5, '0')}`] = i === 0 ? [] : [`n${String(i - 1).padStart(5, '0')}`];
    const graph = Graph.fromParents(chain);
    assert.equal(graph.findCycle(), null);
    assert.equal(graph.topologicalOrder()[49_999], 'n49999');
    assert.equal(graph.ancestors('n49999').size, 49_999);
  });
});

/** A layered DAG: each node depends on up to 3 earlier nodes, chosen by a seeded PRNG. */
function randomDag(size: number, seed: number): Record<string, string[]> {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const ids = Array.from({ length: size }, (_, i) => `model.p.m${i}`);
  const nodes: Record<string, string[]> = {};
  ids.forEach((id, i) => {
    const deps = new Set<string>();
    if (i > 0) for (let k = Math.floor(next() * 4); k > 0; k--) deps.add(ids[Math.floor(next() * i)]);
    nodes[id] = [...deps];
  });
  return nodes;
}
