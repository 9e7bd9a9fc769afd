import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runScheduled } from '../../src/run/scheduler.js';

const edges: Record<string, string[]> = { a: [], b: ['a'], c: ['a'], d: ['b', 'c'], e: [] };

describe('scheduler', () => {
  it('runs parents before children and uses every thread', async () => {
    const finished: string[] = [];
    let running = 0;
    let peak = 0;
    await runScheduled({
      order: ['a', 'b', 'c', 'd', 'e'],
      parents: (id) => edges[id]!,
      threads: 2,
      failFast: false,
      run: async (id) => {
        for (const parent of edges[id]!) assert.ok(finished.includes(parent), `${parent} before ${id}`);
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5));
        running--;
        finished.push(id);
        return 'ok';
      },
      skip: () => assert.fail('nothing should be skipped'),
    });
    assert.deepEqual([...finished].sort(), ['a', 'b', 'c', 'd', 'e']);
    assert.equal(peak, 2);
  });

  it('skips the descendants of a failed node and runs the rest', async () => {
    const ran: string[] = [];
    const skipped: string[] = [];
    await runScheduled({
      order: ['a', 'b', 'c', 'd', 'e'],
      parents: (id) => edges[id]!,
      threads: 1,
      failFast: false,
      run: async (id) => {
        ran.push(id);
        return id === 'b' ? 'failed' : 'ok';
      },
      skip: (id) => skipped.push(id),
    });
    assert.deepEqual(skipped, ['d']);
    assert.deepEqual(ran.sort(), ['a', 'b', 'c', 'e']);
  });

  it('fail-fast skips everything not started', async () => {
    const skipped: string[] = [];
    await runScheduled({
      order: ['a', 'b', 'c', 'd', 'e'],
      parents: (id) => edges[id]!,
      threads: 1,
      failFast: true,
      run: async (id) => (id === 'a' ? 'failed' : 'ok'),
      skip: (id) => skipped.push(id),
    });
    assert.deepEqual(skipped.sort(), ['b', 'c', 'd', 'e']);
  });
});

describe('scheduler deadlock guard', () => {
  it('reports nodes that wait on each other instead of skipping them silently', async () => {
    await assert.rejects(
      runScheduled({
        order: ['a', 'b'],
        parents: (id) => (id === 'a' ? ['b'] : ['a']),
        threads: 1,
        failFast: false,
        run: async () => 'ok',
        skip: () => assert.fail('must not skip'),
      }),
      /cannot finish/,
    );
  });

  it('starts the ready node heading the longest expected chain first, given weights', async () => {
    // short (alone, 1 s) comes first in order; long (2 s) leads to tail (5 s): with one worker
    // the chain must start first, or the tail starts last
    const chain: Record<string, string[]> = { short: [], long: [], tail: ['long'] };
    const started: string[] = [];
    const weights: Record<string, number> = { short: 1, long: 2, tail: 5 };
    const options = (weighted: boolean) => ({
      order: ['short', 'long', 'tail'],
      parents: (id: string) => chain[id]!,
      threads: 1,
      failFast: false,
      ...(weighted ? { weight: (id: string) => weights[id]! } : {}),
      run: async (id: string) => {
        started.push(id);
        return 'ok' as const;
      },
      skip: () => assert.fail('nothing should be skipped'),
    });
    await runScheduled(options(true));
    assert.deepEqual(started, ['long', 'tail', 'short']);
    started.length = 0;
    await runScheduled(options(false));
    assert.deepEqual(started, ['short', 'long', 'tail'], 'without weights: the given order');
  });

  it('ranks by the whole remaining chain, through nodes that come later in the order', async () => {
    // a gate listed after its child (a test a model waits on) still counts for its parent
    const parentsOf: Record<string, string[]> = { a: [], b: [], child: ['gate'], gate: ['b'] };
    const started: string[] = [];
    await runScheduled({
      order: ['a', 'b', 'child', 'gate'],
      parents: (id) => parentsOf[id]!,
      threads: 1,
      failFast: false,
      weight: (id) => ({ a: 2.5, b: 1, child: 3, gate: 0 })[id]!,
      run: async (id) => {
        started.push(id);
        return 'ok';
      },
      skip: () => assert.fail('nothing should be skipped'),
    });
    assert.deepEqual(started, ['b', 'gate', 'child', 'a']);
  });
});
