/**
 * The bench's figure 5 target follows the issue: an added day ≤ 0.05× of the full build at
 * scale 1, ≤ 0.02× at scale 10 (same measured ratio, stricter limit).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BenchResults, Metric } from '../../bench/lib/results.js';
import { computeTargets } from '../../bench/lib/targets.js';

const seconds = (value: number): Metric => ({
  label: 'x',
  unit: 's',
  stats: { median: value, min: value, max: value, values: [value] },
});

const sections = {
  incremental: {
    status: 'ok',
    metrics: { fullSeconds: seconds(100), incrementalSeconds: seconds(3) },
  },
} as unknown as BenchResults['sections'];

describe('bench targets', () => {
  it('holds an added day to 0.05× of a full build at scale 1 and 0.02× at scale 10', () => {
    const figure5 = (scale: number) =>
      computeTargets(sections, scale).find((t) => t.id === 'incremental-vs-full')!;
    assert.deepEqual([figure5(1).value, figure5(1).limit, figure5(1).met], [0.03, 0.05, true]);
    assert.deepEqual([figure5(10).value, figure5(10).limit, figure5(10).met], [0.03, 0.02, false]);
  });
});
