import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type IncrementalRules,
  mergeUpdateColumns,
  partitionEntries,
} from '../../src/materialize/incremental.js';
import { planMaterialization } from '../../src/materialize/plan.js';
import { planSchemaChange } from '../../src/materialize/schema-change.js';
import { ExecutionError } from '../../src/util/errors.js';
import { testNode } from '../support/nodes.js';

const rules: IncrementalRules = {
  engine: 'Engine X',
  defaultStrategy: 'append',
  strategies: ['append', 'merge'],
};

function plan(
  config: Record<string, unknown>,
  options: { fullRefresh?: boolean; warn?: (m: string) => void } = {},
) {
  return planMaterialization(testNode('model', 'm', config), {
    fullRefresh: options.fullRefresh ?? false,
    incremental: rules,
    warn: options.warn ?? (() => {}),
  });
}

describe('materialization plan', () => {
  it('plans each materialization and the table format', () => {
    assert.deepEqual(plan({ materialized: 'view' }), { kind: 'view' });
    assert.deepEqual(plan({ materialized: 'ephemeral' }), { kind: 'ephemeral' });
    assert.deepEqual(plan({ materialized: 'table', table_type: 'iceberg', partition_by: ['partition'] }), {
      kind: 'table',
      format: 'iceberg',
      partitionSpec: [{ field: 'partition' }],
      batches: null,
    });
    assert.throws(
      () => plan({ materialized: 'materialized_view' }),
      (error: unknown) =>
        error instanceof ExecutionError && /the Engine X target does not support/.test(error.message),
    );
  });

  it("takes the engine's default strategy and refuses one it lacks", () => {
    const planned = plan({
      materialized: 'incremental',
      unique_key: ['a', 'b'],
      incremental_predicates: 'x > 1',
    });
    assert.equal(planned.kind, 'incremental');
    if (planned.kind !== 'incremental') return;
    assert.equal(planned.incremental.strategy, 'append');
    assert.deepEqual(planned.incremental.uniqueKey, ['a', 'b']);
    assert.deepEqual(planned.incremental.predicates, ['x > 1']);
    assert.equal(planned.format, 'native');
    assert.throws(
      () => plan({ materialized: 'incremental', incremental_strategy: 'insert_overwrite' }),
      /incremental_strategy 'insert_overwrite', which Engine X does not support; use one of: append, merge/,
    );
  });

  it('lets config.full_refresh pin the flag either way', () => {
    const full = (config: Record<string, unknown>, flag: boolean) => {
      const planned = plan({ materialized: 'incremental', ...config }, { fullRefresh: flag });
      return planned.kind === 'incremental' && planned.fullRefresh;
    };
    assert.equal(full({}, true), true);
    assert.equal(full({ full_refresh: false }, true), false);
    assert.equal(full({ full_refresh: true }, false), true);
  });

  it('warns about an invalid on_schema_change and falls back to ignore', () => {
    const warnings: string[] = [];
    const planned = plan(
      { materialized: 'incremental', on_schema_change: 'explode' },
      { warn: (m) => warnings.push(m) },
    );
    assert.ok(planned.kind === 'incremental' && planned.incremental.onSchemaChange === 'ignore');
    assert.match(warnings[0]!, /invalid on_schema_change 'explode'/);
  });

  it('plans snapshots: the check strategy stamps the run time unless updated_at is set', () => {
    const planned = testNode('snapshot', 's', { strategy: 'check', unique_key: 'id', check_cols: 'all' });
    const result = planMaterialization(planned, { fullRefresh: false, incremental: rules, warn: () => {} });
    assert.ok(result.kind === 'snapshot');
    if (result.kind !== 'snapshot') return;
    assert.equal(result.snapshot.updatedAt, null);
    assert.equal(result.snapshot.checkCols, 'all');
    assert.equal(result.snapshot.hardDeletes, 'ignore');
  });

  it('reads partition_by entries in every shape dbt allows', () => {
    assert.deepEqual(partitionEntries('partition'), [{ field: 'partition' }]);
    assert.deepEqual(partitionEntries(['day(sales_at)', { field: 'd', granularity: 'month' }, { x: 1 }]), [
      { field: 'day(sales_at)' },
      { field: 'd', granularity: 'month' },
    ]);
    assert.deepEqual(partitionEntries(null), []);
  });

  it('chooses the merge update columns', () => {
    const base = { uniqueKey: ['ID'], mergeUpdateColumns: [], mergeExcludeColumns: ['note'] };
    assert.deepEqual(mergeUpdateColumns(['id', 'name', 'Note', 'amount'], base), ['name', 'amount']);
    assert.deepEqual(
      mergeUpdateColumns(['id', 'name', 'amount'], { ...base, mergeUpdateColumns: ['AMOUNT'] }),
      ['amount'],
    );
  });
});

describe('schema change plan', () => {
  const target = [
    { name: 'id', dataType: 'INTEGER' },
    { name: 'old', dataType: 'VARCHAR' },
    { name: 'amount', dataType: 'INTEGER' },
  ];
  const source = [
    { name: 'ID', dataType: 'INTEGER' },
    { name: 'amount', dataType: 'BIGINT' },
    { name: 'new', dataType: 'DATE' },
  ];

  it('ignores, appends or syncs columns as the mode says', () => {
    assert.deepEqual(planSchemaChange('ignore', source, target, 'm'), {
      addColumns: [],
      dropColumns: [],
      alterColumns: [],
      columns: ['id', 'amount'],
    });
    const appended = planSchemaChange('append_new_columns', source, target, 'm');
    assert.deepEqual(appended.addColumns, [{ name: 'new', dataType: 'DATE' }]);
    assert.deepEqual(appended.dropColumns, []);
    assert.deepEqual(appended.columns, ['id', 'amount', 'new']);
    const synced = planSchemaChange('sync_all_columns', source, target, 'm');
    assert.deepEqual(synced.dropColumns, [{ name: 'old', dataType: 'VARCHAR' }]);
    assert.deepEqual(synced.alterColumns, [{ name: 'amount', to: 'BIGINT' }]);
  });

  it('fails naming every difference', () => {
    assert.throws(
      () => planSchemaChange('fail', source, target, 'orders'),
      /model orders changed.*added columns: new; removed columns: old; changed types: amount INTEGER -> BIGINT/,
    );
    assert.equal(planSchemaChange('fail', target, target, 'orders').columns.length, 3);
  });
});
