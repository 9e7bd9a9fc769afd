import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseArgs } from '../../src/cli/args.js';
import { parseVars } from '../../src/cli/project.js';
import { synthesizeTestName } from '../../src/project/parse/tests.js';
import { ConfigError } from '../../src/util/errors.js';

describe('argv parsing', () => {
  it('takes several values after -s until the next flag', () => {
    const args = parseArgs(['build', '-s', 'a', 'b+', '--exclude', 'c', '--threads', '4', '--full-refresh']);
    assert.equal(args.command, 'build');
    assert.deepEqual(args.flags.select, ['a', 'b+']);
    assert.deepEqual(args.flags.exclude, ['c']);
    assert.equal(args.flags.threads, '4');
    assert.equal(args.flags['full-refresh'], true);
  });
  it('accepts --flag=value', () => {
    assert.equal(parseArgs(['ls', '--output=json']).flags.output, 'json');
  });
  it('rejects unknown flags', () => {
    assert.throws(() => parseArgs(['run', '--nope']), ConfigError);
  });
  it('parses --vars as YAML or JSON', () => {
    assert.deepEqual(parseVars('{a: 1, b: x}'), { a: 1, b: 'x' });
    assert.deepEqual(parseVars('{"a": [1]}'), { a: [1] });
    assert.throws(() => parseVars('[1, 2]'), /mapping/);
  });
});

describe('generic test names', () => {
  it("follow dbt's naming", () => {
    const name = (type: string, model: string, args: Record<string, unknown>) =>
      synthesizeTestName(type, model, args).name;
    assert.equal(name('not_null', 'orders', { column_name: 'order_id' }), 'not_null_orders_order_id');
    assert.equal(
      name('accepted_values', 'orders', { column_name: 'status', values: ['placed', 'shipped'] }),
      'accepted_values_orders_status__placed__shipped',
    );
    assert.equal(
      name('relationships', 'orders', { column_name: 'customer_id', to: "ref('customers')", field: 'id' }),
      'relationships_orders_customer_id__id__ref_customers_',
    );
    assert.equal(name('row_count', 'orders', {}), 'row_count_orders_');
  });
  it('give long names a short alias: 30 characters of type_model and the md5 of the full name', () => {
    const values = ['invalid_employee_id', 'missing_customer_id', 'negative_quantity', 'zero_quantity'];
    const { name, shortName } = synthesizeTestName('accepted_values', 'mdw_stg_sales', {
      column_name: 'reject_reason',
      values,
    });
    assert.ok(name.length >= 64);
    assert.match(shortName, /^accepted_values_mdw_stg_sales_[0-9a-f]{32}$/);
  });
});
