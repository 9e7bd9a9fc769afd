/** A Python model is named in one sentence (file, line, construct), never dropped silently. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeProject, runMdw } from '../support/project.js';

describe('python models', () => {
  it('warn with the file and the construct; the SQL models still run', () => {
    const dir = makeProject({
      'models/scored.py': 'def model(dbt, session):\n    return dbt.ref("base")\n',
      'models/base.sql': 'select 1 as id',
    });
    const ls = runMdw(dir, ['ls']);
    assert.equal(ls.code, 0);
    assert.match(
      ls.stdout + ls.stderr,
      /models\/scored\.py:1: Python model 'scored' \(def model\(dbt, session\)\) is not supported by mdw/,
    );
    assert.match(ls.stdout, /base/);
  });
});
