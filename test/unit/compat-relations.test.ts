/** The compat runner's relation comparison: nondeterministic relations are detected, not hidden. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  compareRelations,
  differingRelations,
  type RelationDigest,
  testsOnUnstableData,
} from '../../scripts/compat-relations.js';

const digest = (rows: number, checksum: string, columns = ['id', 'value']): RelationDigest => ({
  rows,
  checksum,
  columns,
});

describe('compat relations', () => {
  it('the same checksum is the same relation; a different one is a difference', () => {
    const dbt = new Map([
      ['model.p.a', digest(3, 'x')],
      ['model.p.b', digest(3, 'y')],
    ]);
    const mdw = new Map([
      ['model.p.a', digest(3, 'x')],
      ['model.p.b', digest(3, 'z')],
    ]);
    assert.deepEqual(differingRelations(dbt, mdw), ['model.p.b']);
    // dbt's second build agrees with its first: a real difference
    const result = compareRelations(dbt, mdw, new Map([['model.p.b', digest(3, 'y')]]));
    assert.deepEqual(result.same, ['model.p.a']);
    assert.deepEqual(result.nondeterministic, []);
    assert.deepEqual(result.differences, ['model.p.b: rows 3:y (dbt) vs 3:z (mdw)']);
  });

  it('a relation dbt builds differently twice is compared on rows and columns only, and named', () => {
    const dbt = new Map([['model.p.random', digest(10, 'r1')]]);
    const mdw = new Map([['model.p.random', digest(10, 'r3')]]);
    const result = compareRelations(dbt, mdw, new Map([['model.p.random', digest(10, 'r2')]]));
    assert.deepEqual(result.same, ['model.p.random']);
    assert.deepEqual(result.nondeterministic, ['model.p.random']);
    assert.deepEqual(result.differences, []);
  });

  it('a nondeterministic relation with other rows or columns is still a difference', () => {
    const dbt = new Map([
      ['model.p.rows', digest(10, 'r1')],
      ['model.p.cols', digest(10, 'c1')],
    ]);
    const mdw = new Map([
      ['model.p.rows', digest(9, 'r3')],
      ['model.p.cols', digest(10, 'c3', ['id', 'other'])],
    ]);
    const again = new Map([
      ['model.p.rows', digest(10, 'r2')],
      ['model.p.cols', digest(10, 'c2')],
    ]);
    const result = compareRelations(dbt, mdw, again);
    assert.deepEqual(result.same, []);
    assert.deepEqual(result.nondeterministic, ['model.p.rows', 'model.p.cols']);
    assert.equal(result.differences.length, 2);
    assert.match(result.differences[1]!, /10 rows \[id, value\] \(dbt\) vs 10 rows \[id, other\] \(mdw\)/);
  });

  it('a relation missing on the mdw side or not rebuilt by dbt is a difference', () => {
    const dbt = new Map([
      ['model.p.gone', digest(1, 'g')],
      ['seed.p.s', digest(2, 's')],
    ]);
    const mdw = new Map([['seed.p.s', digest(2, 't')]]);
    const result = compareRelations(dbt, mdw, new Map());
    assert.deepEqual(result.differences, [
      'model.p.gone: rows 1:g (dbt) vs missing (mdw)',
      'seed.p.s: rows 2:s (dbt) vs 2:t (mdw)',
    ]);
  });
});

describe('tests on nondeterministic data', () => {
  it('a test reading a nondeterministic relation is set apart; other tests and models are not', () => {
    const parents = new Map([
      ['test.p.on_random', ['model.p.random', 'model.p.stable']],
      ['test.p.on_stable', ['model.p.stable']],
    ]);
    assert.deepEqual(
      testsOnUnstableData(
        ['test.p.on_random', 'test.p.on_stable', 'model.p.random'],
        parents,
        new Set(['model.p.random']),
      ),
      ['test.p.on_random'],
    );
  });
});
