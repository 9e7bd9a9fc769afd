/**
 * Reuse of nodes whose inputs did not change (src/run/unchanged-inputs.ts): a second build
 * on the same landing reuses the snapshots, the std dimensions and their tests; a customer whose address
 * changes gives the snapshot a new version and rebuilds the customer dimension (only it); a
 * warehouse that lost its tables rebuilds every model though target/ remembers them; `mdw test`
 * and --full-refresh reuse nothing, and the reused tables equal a --full-refresh build.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  generate,
  mdw,
  newWarehouse,
  query,
  removeWarehouse,
  runResults,
  tableChecksum,
} from '../support/warehouse.js';

const CUSTOMERS = 'model.mdw.mdw_std_dim_customers';
const PRODUCTS = 'model.mdw.mdw_std_dim_products';
const STD_TABLES = [
  'mdw_std.mdw_std_dim_customers',
  'mdw_std.mdw_std_dim_employees',
  'mdw_std.mdw_std_dim_products',
  'mdw_std.mdw_std_dim_date',
];

function reused(run: ReturnType<typeof newWarehouse>): Set<string> {
  return new Set(
    runResults(run)
      .filter((r) => r.adapter_response._message?.startsWith('REUSED'))
      .map((r) => r.unique_id),
  );
}

function build(run: ReturnType<typeof newWarehouse>, args: string[] = []): void {
  const result = mdw(run, ['build', ...args]);
  assert.equal(result.code, 0, result.stdout.slice(-3000) + result.stderr);
}

describe('reuse of nodes whose inputs did not change', () => {
  const run = newWarehouse('reuse');
  after(() => removeWarehouse(run));

  it('reuses unchanged dimensions and their tests, exactly', async () => {
    assert.equal(generate(run, ['--scale', '0.01']).code, 0);
    build(run);
    assert.equal(reused(run).size, 0, 'nothing to reuse on an empty warehouse');

    build(run);
    const second = reused(run);
    assert.ok(second.has(CUSTOMERS) && second.has(PRODUCTS), [...second].join(', '));
    assert.ok(
      [...second].some((id) => id.startsWith('test.mdw.unique_mdw_std_dim_customers_customer_key')),
      'a test of a reused dimension is reused',
    );
    assert.ok(
      second.has('snapshot.mdw.mdw_snp_customers') && second.has('snapshot.mdw.mdw_snp_products'),
      'a snapshot over unchanged rows is reused',
    );
    assert.ok(!second.has('model.mdw.mdw_cur_ft_sales'), 'an incremental model always runs');
    const dimTest = runResults(run).find((r) =>
      r.unique_id.startsWith('test.mdw.unique_mdw_std_dim_customers'),
    );
    assert.equal(dimTest?.status, 'pass');

    // A customer moves: the snapshot closes a version, so the customer dimension is rebuilt.
    const customersCsv = join(run.rawDir, 'customers.csv');
    const lines = readFileSync(customersCsv, 'utf8').split('\n');
    const fields = lines[1]!.split(',');
    const customerId = fields[0]!;
    fields[5] = '1 Reuse Test Road';
    lines[1] = fields.join(',');
    writeFileSync(customersCsv, lines.join('\n'));
    build(run);
    const third = reused(run);
    assert.ok(!third.has(CUSTOMERS), 'a dimension whose snapshot changed is rebuilt');
    assert.ok(!third.has('snapshot.mdw.mdw_snp_customers'), 'a snapshot over changed rows runs');
    assert.ok(third.has('snapshot.mdw.mdw_snp_products'), 'a snapshot over unchanged rows is reused');
    assert.ok(third.has(PRODUCTS), 'the other dimensions are still reused');
    const versions = await query(
      run,
      `select address, is_current from mdw_std.mdw_std_dim_customers where customer_id = ${customerId} order by version_number`,
    );
    assert.deepEqual(
      versions.map((v) => [v.address, v.is_current]),
      [
        [versions[0]!.address, false],
        ['1 Reuse Test Road', true],
      ],
    );

    // `mdw test` checks everything.
    const tested = mdw(run, ['test']);
    assert.equal(tested.code, 0, tested.stdout.slice(-3000));
    assert.equal(reused(run).size, 0, 'mdw test reuses nothing');

    // The reused tables equal a --full-refresh build, which reuses nothing.
    const before = new Map<string, unknown>();
    for (const table of STD_TABLES) before.set(table, await tableChecksum(run, table));
    build(run, ['--full-refresh']);
    assert.equal(reused(run).size, 0, '--full-refresh reuses nothing');
    for (const table of STD_TABLES)
      assert.deepEqual(await tableChecksum(run, table), before.get(table), table);

    // target/ remembers the tables, but the warehouse lost them: everything is built again.
    rmSync(run.warehouseDir, { recursive: true, force: true });
    build(run);
    const models = [...reused(run)].filter((id) => !id.startsWith('test.'));
    assert.deepEqual(models, [], 'a table that is not what was built is rebuilt');
  });
});
