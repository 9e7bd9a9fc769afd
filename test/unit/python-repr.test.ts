import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { synthesizeTestName } from '../../src/project/parse/tests.js';
import { dbtTestHash } from '../../src/project/python-repr.js';

// Vectors from dbt-core 1.11's manifest for test/fixtures/shop.
describe("dbt's generic test ids", () => {
  it('hash the name and the metadata as dbt does', () => {
    assert.equal(
      dbtTestHash('unique_products_product_id', {
        name: 'unique',
        kwargs: { column_name: 'product_id', model: "{{ get_where_subquery(ref('products')) }}" },
        namespace: null,
      }),
      '68edffb83d',
    );
    const kwargs = {
      values: [true, false],
      quote: false,
      column_name: 'is_active',
      model: "{{ get_where_subquery(ref('dim_customers')) }}",
    };
    const { name } = synthesizeTestName('accepted_values', 'dim_customers', kwargs);
    assert.equal(name, 'accepted_values_dim_customers_is_active__False__True__False');
    assert.equal(dbtTestHash(name, { name: 'accepted_values', kwargs, namespace: null }), '5e9e306f18');
    const counts = { min_count: 100, max_count: 1000, model: "{{ get_where_subquery(ref('fct_orders')) }}" };
    const { name: countName } = synthesizeTestName('row_count_between', 'fct_orders', counts);
    assert.equal(countName, 'row_count_between_fct_orders_1000__100');
    assert.equal(
      dbtTestHash(countName, { name: 'row_count_between', kwargs: counts, namespace: null }),
      'd2ad682eb3',
    );
  });

  it('name a list of lists from each inner list as Python prints it (dbt_expectations value_pairs_set)', () => {
    // dbt-core 1.11 names this dbt_expectations test ..._col_numeric_b___0_1____1_0____0_5_0_5_
    const args = {
      column_A: 'col_numeric_a',
      column_B: 'col_numeric_b',
      value_pairs_set: [
        [0, 1],
        [1, 0],
        [0.5, 0.5],
      ],
      names: [['a', 'b']],
    };
    const { name } = synthesizeTestName('pairs', 'data_test', args);
    assert.equal(name, 'pairs_data_test_col_numeric_a__col_numeric_b___a_b____0_1____1_0____0_5_0_5_');
  });
});
