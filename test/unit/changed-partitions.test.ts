import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Relation } from '../../src/adapters/types.js';
import type { MaterializationPlan } from '../../src/materialize/plan.js';
import { changedPartitionsQuery, publishChangedPartitions } from '../../src/run/changed-partitions.js';

const relation: Relation = {
  database: 'db',
  schema: 's',
  identifier: 'fact',
  render: () => '"db"."s"."fact"',
  toString: () => '"db"."s"."fact"',
};
const quote = (name: string) => `"${name}"`;

function incrementalPlan() {
  return (incremental() as Extract<MaterializationPlan, { kind: 'incremental' }>).incremental;
}

function incremental(overrides: Partial<Extract<MaterializationPlan, { kind: 'incremental' }>> = {}) {
  return {
    kind: 'incremental',
    format: 'iceberg',
    partitionSpec: [{ field: 'partition' }],
    fullRefresh: false,
    incremental: {
      strategy: 'merge',
      uniqueKey: ['sales_id'],
      onSchemaChange: 'ignore',
      predicates: [],
      mergeUpdateColumns: [],
      mergeExcludeColumns: [],
    },
    ...overrides,
  } as MaterializationPlan;
}

describe('changed partitions of an incremental run', () => {
  it('lists the new rows’ partitions and those of the rows they replace', () => {
    const query = changedPartitionsQuery(incremental(), 'select 1', relation, quote);
    assert.ok(query);
    assert.match(query, /select "partition" as changed_partition from \(\nselect 1\n\)/);
    assert.match(
      query,
      /select "partition" from "db"\."s"\."fact" where "sales_id" in \(select "sales_id" from \(\nselect 1\n\)/,
    );
  });

  it('keeps a trailing line comment of the model inside its parentheses', () => {
    const query = changedPartitionsQuery(incremental(), 'select 1 -- the end', relation, quote);
    assert.match(query ?? '', /-- the end\n\) as mdw_new_rows/);
  });

  it('cannot tell for a full refresh, a transform or several partition columns', () => {
    assert.equal(changedPartitionsQuery(incremental({ fullRefresh: true }), 'x', relation, quote), null);
    assert.equal(
      changedPartitionsQuery(
        incremental({ partitionSpec: [{ field: 'd', granularity: 'day' }] }),
        'x',
        relation,
        quote,
      ),
      null,
    );
    assert.equal(
      changedPartitionsQuery(
        incremental({ partitionSpec: [{ field: 'a' }, { field: 'b' }] }),
        'x',
        relation,
        quote,
      ),
      null,
    );
    assert.equal(changedPartitionsQuery({ kind: 'view' }, 'x', relation, quote), null);
  });

  it('lists an unpartitioned model’s declared change column, without re-reading a key that is that column', () => {
    const firstSeen = incremental({
      partitionSpec: [],
      incremental: { ...incrementalPlan(), strategy: 'delete+insert', uniqueKey: ['first_partition'] },
    });
    assert.equal(changedPartitionsQuery(firstSeen, 'select 1', relation, quote), null);
    const query = changedPartitionsQuery(firstSeen, 'select 1', relation, quote, 'first_partition');
    assert.equal(
      query,
      `select distinct cast(changed_partition as varchar) from (select "first_partition" as changed_partition from (\nselect 1\n) as mdw_new_rows) as mdw_changed order by 1`,
    );
    // a partitioned model lists its partition column, whatever it declares
    assert.match(
      changedPartitionsQuery(incremental(), 'select 1', relation, quote, 'first_partition') ?? '',
      /select "partition" as changed_partition/,
    );
  });

  it('publishes per model and withdraws a model rebuilt whole', () => {
    const vars: Record<string, unknown> = {};
    publishChangedPartitions(vars, 'fact', ['20180101']);
    publishChangedPartitions(vars, 'other', []);
    assert.deepEqual(vars.mdw_changed_partitions, { fact: ['20180101'], other: [] });
    publishChangedPartitions(vars, 'fact', null);
    assert.deepEqual(vars.mdw_changed_partitions, { other: [] });
  });
});
