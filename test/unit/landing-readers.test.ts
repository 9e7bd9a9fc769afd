import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ManifestNode } from '../../src/manifest/types.js';
import { landingReaders } from '../../src/run/landing-readers.js';

function node(id: string, materialized: string, parents: string[]): ManifestNode {
  const resourceType = id.split('.')[0] as ManifestNode['resource_type'];
  return {
    unique_id: id,
    resource_type: resourceType,
    config: { materialized },
    depends_on: { nodes: parents, macros: [] },
  } as unknown as ManifestNode;
}

describe('nodes that can read landing files (their raw rows are counted)', () => {
  it('follows views and ephemeral models back to sources, and stops at stored models', () => {
    const nodes = Object.fromEntries(
      [
        node('model.p.stg_sales', 'view', ['source.p.raw.sales']),
        node('model.p.only_sales', 'ephemeral', ['model.p.stg_sales']),
        node('model.p.fact', 'incremental', ['model.p.only_sales']),
        node('model.p.dim', 'table', ['model.p.stg_sales']),
        node('model.p.over_dim', 'view', ['model.p.dim']),
        node('snapshot.p.snp', 'snapshot', ['model.p.stg_sales']),
        node('test.p.unique_stg', 'test', ['model.p.stg_sales']),
        node('test.p.unique_fact', 'test', ['model.p.fact']),
        node('test.p.over_dim_not_null', 'test', ['model.p.over_dim']),
        node('seed.p.codes', 'seed', []),
      ].map((n) => [n.unique_id, n]),
    );
    assert.deepEqual([...landingReaders(nodes)].sort(), [
      'model.p.dim',
      'model.p.fact',
      'model.p.only_sales',
      'model.p.stg_sales',
      'snapshot.p.snp',
      'test.p.unique_stg',
    ]);
  });
});
