/** Every mistake a user can make gets one clear sentence, the file:line or node, and a non-zero exit. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeProject, runMdw } from '../support/project.js';

function assertOneClearError(
  result: { code: number; stderr: string; stdout: string },
  pattern: RegExp,
): void {
  const output = result.stderr + result.stdout;
  assert.match(output, pattern);
  assert.doesNotMatch(output, /\n\s+at .+\(.+:\d+:\d+\)/, 'no stack trace');
}

describe('user errors', () => {
  it('invalid YAML names the file and line', () => {
    const dir = makeProject({
      'models/a.sql': 'select 1 as id',
      'models/schema.yml':
        'version: 2\nmodels:\n  - name: a\n    columns:\n      - name: id\n     description: bad indent\n',
    });
    const result = runMdw(dir, ['parse']);
    assert.equal(result.code, 2);
    assertOneClearError(result, /models\/schema\.yml:\d+: invalid YAML/);
  });

  it('unknown ref names the model and suggests the closest name', () => {
    const dir = makeProject({
      'models/customers.sql': 'select 1 as id',
      'models/orders.sql': "select * from {{ ref('customer') }}",
    });
    const result = runMdw(dir, ['parse']);
    assert.equal(result.code, 2);
    assertOneClearError(
      result,
      /Model 'orders' \(models\/orders\.sql\) depends on a node named 'customer' which was not found\. Did you mean 'customers'\?/,
    );
  });

  it('unknown source names the model and suggests the closest source', () => {
    const dir = makeProject({
      'models/src.yml': 'version: 2\nsources:\n  - name: shop\n    tables:\n      - name: orders\n',
      'models/stg.sql': "select * from {{ source('shop', 'order') }}",
    });
    const result = runMdw(dir, ['parse']);
    assert.equal(result.code, 2);
    assertOneClearError(
      result,
      /source named 'shop\.order' which was not found\. Did you mean 'shop\.orders'\?/,
    );
  });

  it('a cycle names its nodes', () => {
    const dir = makeProject({
      'models/a.sql': "select * from {{ ref('b') }}",
      'models/b.sql': "select * from {{ ref('a') }}",
    });
    const result = runMdw(dir, ['parse']);
    assert.equal(result.code, 2);
    assertOneClearError(result, /Found a cycle: model\.shop\.[ab] → model\.shop\.[ab] → model\.shop\.[ab]/);
  });

  it('duplicate model names list both files', () => {
    const dir = makeProject({ 'models/x/a.sql': 'select 1 as id', 'models/y/a.sql': 'select 2 as id' });
    const result = runMdw(dir, ['parse']);
    assert.equal(result.code, 2);
    assertOneClearError(result, /two models named 'a': models\/x\/a\.sql and models\/y\/a\.sql/);
  });

  it('a Jinja syntax error names the file and line', () => {
    const dir = makeProject({ 'models/a.sql': 'select\n  1 as id\n{% if true %}\nfrom x' });
    const result = runMdw(dir, ['parse']);
    assert.equal(result.code, 2);
    assertOneClearError(result, /models\/a\.sql:\d+:/);
  });

  it('a missing profile names the profile and the file searched', () => {
    const dir = makeProject({
      'dbt_project.yml': 'name: shop\nprofile: nope\n',
      'models/a.sql': 'select 1 as id',
    });
    const result = runMdw(dir, ['parse']);
    assert.equal(result.code, 2);
    assertOneClearError(result, /Could not find profile named 'nope'/);
  });

  it('a missing target lists the available ones', () => {
    const dir = makeProject({ 'models/a.sql': 'select 1 as id' });
    const result = runMdw(dir, ['parse', '--target', 'prod']);
    assert.equal(result.code, 2);
    assertOneClearError(result, /does not have a target named 'prod'.*available: dev/);
  });

  it('an unknown config key is a warning, not an error', () => {
    const dir = makeProject({
      'models/a.sql': "{{ config(materialized='table', colour='blue') }}\nselect 1 as id",
    });
    const result = runMdw(dir, ['parse']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /\[WARNING\]: models\/a\.sql: unknown config key 'colour' in a is ignored\./);
  });

  it('an engine SQL error names the model, the engine message and the compiled SQL path', () => {
    const dir = makeProject({
      'models/a.sql': "{{ config(materialized='table') }}\nselect no_such_column from (select 1 as id)",
    });
    const result = runMdw(dir, ['run']);
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      /Database error in model a \(models\/a\.sql\): .*no_such_column.*compiled SQL at .*target\/compiled\/shop\/models\/a\.sql/,
    );
    assert.match(result.stdout, /Done\. PASS=0 WARN=0 ERROR=1 SKIP=0/);
  });

  it('an unknown flag is a usage error (exit 2)', () => {
    const dir = makeProject({ 'models/a.sql': 'select 1 as id' });
    const result = runMdw(dir, ['run', '--no-such-flag']);
    assert.equal(result.code, 2);
    assertOneClearError(result, /Unknown flag '--no-such-flag'/);
  });
});
