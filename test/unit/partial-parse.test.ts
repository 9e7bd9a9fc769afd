import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadProject } from '../../src/project/loader.js';
import { makeProject } from '../support/project.js';

const load = (dir: string, cliVars: Record<string, unknown> = {}) =>
  loadProject({ projectDir: dir, profilesDir: dir, cliVars }).manifest;

describe('partial parsing', () => {
  it('reuses what it learned, and re-parses a file that changed', () => {
    const dir = makeProject({
      'models/a.sql': 'select 1 as id',
      'models/b.sql': "select * from {{ ref('a') }}",
      'models/c.sql': 'select 2 as id',
    });
    assert.deepEqual(load(dir).nodes['model.shop.b']!.depends_on.nodes, ['model.shop.a']);
    writeFileSync(join(dir, 'models', 'b.sql'), "select * from {{ ref('c') }}");
    assert.deepEqual(load(dir).nodes['model.shop.b']!.depends_on.nodes, ['model.shop.c']);
  });

  it('re-parses when a var or an environment variable read at parse time changes', () => {
    const dir = makeProject({
      'models/a.sql': 'select 1 as id',
      'models/c.sql': 'select 2 as id',
      'models/b.sql':
        "select * from {{ ref(var('upstream', 'a')) }}\n-- {{ env_var('MDW_TEST_UPSTREAM', 'x') }}",
      'models/d.sql': "select * from {{ ref(env_var('MDW_TEST_UPSTREAM', 'a')) }}",
    });
    assert.deepEqual(load(dir).nodes['model.shop.b']!.depends_on.nodes, ['model.shop.a']);
    assert.deepEqual(load(dir, { upstream: 'c' }).nodes['model.shop.b']!.depends_on.nodes, ['model.shop.c']);
    process.env.MDW_TEST_UPSTREAM = 'c';
    try {
      assert.deepEqual(load(dir).nodes['model.shop.d']!.depends_on.nodes, ['model.shop.c']);
    } finally {
      delete process.env.MDW_TEST_UPSTREAM;
    }
    assert.deepEqual(load(dir).nodes['model.shop.d']!.depends_on.nodes, ['model.shop.a']);
  });

  it('re-parses YAML that changed', () => {
    const dir = makeProject({
      'models/a.sql': 'select 1 as id',
      'models/schema.yml': 'version: 2\nmodels:\n  - name: a\n    description: first\n',
    });
    assert.equal(load(dir).nodes['model.shop.a']!.description, 'first');
    writeFileSync(
      join(dir, 'models', 'schema.yml'),
      'version: 2\nmodels:\n  - name: a\n    description: second\n',
    );
    assert.equal(load(dir).nodes['model.shop.a']!.description, 'second');
  });
});
