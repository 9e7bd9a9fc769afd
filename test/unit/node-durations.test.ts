import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lastRunDurations } from '../../src/run/node-durations.js';

describe('last run durations', () => {
  it("reads each node's execution time from the last run_results.json", () => {
    const dir = mkdtempSync(join(tmpdir(), 'mdw-durations-'));
    try {
      writeFileSync(
        join(dir, 'run_results.json'),
        JSON.stringify({
          results: [
            { unique_id: 'model.p.a', execution_time: 1.5 },
            { unique_id: 'test.p.t', execution_time: 0.02 },
            { unique_id: 'model.p.broken' },
          ],
        }),
      );
      assert.deepEqual(
        [...lastRunDurations(dir)],
        [
          ['model.p.a', 1.5],
          ['test.p.t', 0.02],
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives none without a readable file (a first run, a damaged file)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mdw-durations-'));
    try {
      assert.equal(lastRunDurations(dir).size, 0);
      writeFileSync(join(dir, 'run_results.json'), '{"results": [');
      assert.equal(lastRunDurations(dir).size, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
