/** `mdw retry`: re-runs only what failed, errored or was skipped in the last run_results.json. */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeProject, runMdw } from '../support/project.js';

function lastRun(dir: string): { which: string; nodes: Record<string, string> } {
  const results = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8'));
  const nodes: Record<string, string> = {};
  for (const result of results.results)
    nodes[result.unique_id.split('.').slice(0, 3).join('.')] = result.status;
  return { which: results.args.which, nodes };
}

describe('mdw retry', () => {
  it('resumes a failed build with the failed node and what it skipped, nothing else', () => {
    const dir = makeProject({
      'models/first.sql': 'select 1 as id',
      // Fails while the var `broken` is true: the column does not exist.
      'models/second.sql':
        "select id from {{ ref('first') }} where {{ 'no_such_column = 1' if var('broken', false) else 'true' }}",
      'models/third.sql': "select id from {{ ref('second') }}",
      'models/schema.yml':
        'version: 2\nmodels:\n  - name: third\n    columns:\n      - name: id\n        data_tests: [not_null]\n',
    });
    try {
      const failed = runMdw(dir, ['build', '--vars', '{broken: true}']);
      assert.equal(failed.code, 1, failed.stdout);
      assert.deepEqual(lastRun(dir).nodes, {
        'model.shop.first': 'success',
        'model.shop.second': 'error',
        'model.shop.third': 'skipped',
        'test.shop.not_null_third_id': 'skipped',
      });

      const retried = runMdw(dir, ['retry']);
      assert.equal(retried.code, 0, retried.stdout + retried.stderr);
      assert.deepEqual(lastRun(dir), {
        which: 'build',
        nodes: {
          'model.shop.second': 'success',
          'model.shop.third': 'success',
          'test.shop.not_null_third_id': 'pass',
        },
      });

      const nothing = runMdw(dir, ['retry']);
      assert.equal(nothing.code, 0);
      assert.match(
        nothing.stdout,
        /Nothing to retry: the last build in .* had no errors, failures or skipped nodes\./,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without a previous run says so in one sentence and exits non-zero', () => {
    const dir = makeProject({ 'models/first.sql': 'select 1 as id' });
    try {
      const result = runMdw(dir, ['retry']);
      assert.notEqual(result.code, 0);
      assert.match(
        result.stderr + result.stdout,
        /Nothing to retry: .*run_results\.json does not exist \(run mdw build first\)\./,
      );
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
