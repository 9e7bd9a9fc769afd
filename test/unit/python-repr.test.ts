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
});
