import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { newResult, writeRunCheckpoint, writeRunResults } from '../../src/run/results.js';

describe('run_results.json during and after a run', () => {
  it('checkpoints are compact, without compiled SQL, and leave no partial file; the final write has it all', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mdw-checkpoint-'));
    try {
      const done = {
        ...newResult({ unique_id: 'model.p.a', relation_name: '"a"' }, 'Thread-1'),
        compiled_code: 'select 1',
      };
      const waiting = newResult({ unique_id: 'model.p.b', relation_name: '"b"' }, 'Thread-1');
      writeRunCheckpoint(dir, 'inv-1', [done, waiting], { which: 'build' });
      const path = join(dir, 'run_results.json');
      const text = readFileSync(path, 'utf8');
      assert.ok(!text.includes('\n'), 'one line');
      const checkpoint = JSON.parse(text);
      assert.equal(checkpoint.metadata.invocation_id, 'inv-1');
      assert.deepEqual(
        checkpoint.results.map((r: { unique_id: string; compiled_code: unknown }) => [
          r.unique_id,
          r.compiled_code,
        ]),
        [
          ['model.p.a', null],
          ['model.p.b', null],
        ],
      );
      assert.equal(done.compiled_code, 'select 1', 'the result itself keeps its SQL');
      assert.ok(!existsSync(`${path}.partial`));
      writeRunResults(dir, 'inv-1', [done, waiting], 1.5, { which: 'build' });
      const final = JSON.parse(readFileSync(path, 'utf8'));
      assert.equal(final.results[0].compiled_code, 'select 1');
      assert.equal(final.elapsed_time, 1.5);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
