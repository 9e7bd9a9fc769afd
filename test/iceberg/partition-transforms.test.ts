/**
 * partition_by transforms end to end: mdw builds models partitioned by `day(sales_at)`,
 * `bucket(4, customer_id)` and `truncate(2, name)`; PyIceberg reads the spec with those
 * transforms, the same rows, and plans the same files for a filter on `sales_at` as
 * `mdw iceberg files --where` does (partition pruning agrees with an independent implementation),
 * and PyIceberg's own bucket pruning finds every row (so mdw's bucket numbers are Iceberg's).
 * `mdw show` plans its read of such a filter to the same files and gives PyIceberg's counts.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeProject, runMdw } from '../support/project.js';
import { ensureIcebergVenv, pyiceberg } from './helpers.js';

const MODEL = `{{ config(materialized='table', table_type='iceberg',
    partition_by=['day(sales_at)', 'bucket(4, customer_id)', 'truncate(2, name)']) }}
select g::int as id,
       timestamp '2018-02-26 06:00:00' + to_hours((g * 7)::int) as sales_at,
       (g % 9)::bigint as customer_id,
       'n' || (g % 5) || '-name' as name
from range(120) t(g)`;

let dir: string;

before(async () => {
  await ensureIcebergVenv();
  dir = makeProject({ 'models/sales.sql': MODEL });
  const built = runMdw(dir, ['run']);
  assert.equal(built.code, 0, built.stdout + built.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('partition_by transforms', () => {
  test('PyIceberg reads the day/bucket/truncate spec, the rows, and prunes to the same files as mdw', async () => {
    const filter = "sales_at >= '2018-03-01T00:00:00'";
    const py = await pyiceberg('spec', join(dir, 'target'), 'main.sales', ['mdw', filter]);
    assert.deepEqual(
      py.fields.map((f: { name: string; transform: string }) => [f.name, f.transform]),
      [
        ['sales_at_day', 'day'],
        ['customer_id_bucket', 'bucket[4]'],
        ['name_trunc', 'truncate[2]'],
      ],
    );
    assert.equal(py.rows, 120);

    const mdw = runMdw(dir, ['iceberg', 'files', 'main.sales', '--where', filter, '--output', 'json']);
    assert.equal(mdw.code, 0, mdw.stderr);
    const planned = JSON.parse(mdw.stdout) as { path: string }[];
    const all = JSON.parse(runMdw(dir, ['iceberg', 'files', 'main.sales', '--output', 'json']).stdout);
    assert.ok(planned.length > 0 && planned.length < all.length, `pruned ${planned.length} of ${all.length}`);
    assert.equal(planned.length, py.filtered_files.length, 'mdw and PyIceberg plan as many files');

    const shown = runMdw(dir, [
      'show',
      '--inline',
      `select count(*) as n from main.sales where ${filter.replace('T', ' ')}`,
      '--output',
      'json',
    ]);
    assert.equal(JSON.parse(shown.stdout)[0].n, py.filtered_rows);
    // mdw show reads only the files PyIceberg plans, so the view's read skips the rest
    assert.match(
      shown.stderr,
      new RegExp(`Scan planning: main\\.sales reads ${py.filtered_files.length} of ${all.length} files`),
    );
  });

  test("PyIceberg's bucket pruning finds every row: mdw's bucket numbers are Iceberg's", async () => {
    for (const customer of [0, 3, 8]) {
      const py = await pyiceberg('spec', join(dir, 'target'), 'main.sales', [
        'mdw',
        `customer_id = ${customer}`,
      ]);
      const shown = runMdw(dir, [
        'show',
        '--inline',
        `select count(*) as n from main.sales where customer_id = ${customer}`,
        '--output',
        'json',
      ]);
      const expected = JSON.parse(shown.stdout)[0].n;
      assert.ok(expected > 0);
      // mdw show planned the read by bucket: a wrong bucket number would lose rows here
      assert.match(shown.stderr, /Scan planning: main\.sales reads \d+ of \d+ files \(customer_id = /);
      assert.equal(py.filtered_rows, expected, `customer ${customer}`);
      assert.ok(py.filtered_files.length < py.partitions.length, 'PyIceberg pruned by bucket');
    }
  });
});
