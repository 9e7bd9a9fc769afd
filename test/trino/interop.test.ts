/**
 * One lakehouse, two engines: the local target builds an Iceberg table in the lakehouse the
 * Trino server's `iceberg` catalog serves (its JDBC catalog on the same catalog.db); Trino
 * changes it with DELETE, UPDATE and MERGE (writing position delete files); the local target,
 * PyIceberg and Trino then read the same rows. The local target's next incremental merge (a
 * copy-on-write rewrite of the files it touches) keeps the rows right for all three and drops
 * the delete files it superseded.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openCatalog } from '../../src/lakehouse/iceberg/index.js';
import { ensureIcebergVenv, runCommand } from '../iceberg/helpers.js';
import { makeProject, REPO_ROOT, runMdw } from '../support/project.js';
import { client, trinoWarehouse, uniqueSchema } from './helpers.js';

const schema = uniqueSchema('interop');
let project: string;

/** id, amount, customer, partition: 200 ids per run, shifted by 100 per run, amount tagged by run. */
const MODEL = `{{ config(materialized='incremental', unique_key='id', incremental_strategy='merge', table_type='iceberg') }}
select (i + {{ var('run', 0) }} * 100)::bigint as id,
  ((i + {{ var('run', 0) }} * 100) * 1.25 + {{ var('run', 0) }})::decimal(12,2) as amount,
  'c' || (i % 7) as customer,
  strftime(date '2018-01-01' + (i % 4)::int, '%Y%m%d') as partition
from range(200) t(i)`;

type Rows = (string | null)[][];

const sortRows = (rows: Rows): Rows =>
  [...rows].sort((a, b) =>
    JSON.stringify(a) < JSON.stringify(b) ? -1 : JSON.stringify(a) > JSON.stringify(b) ? 1 : 0,
  );

async function trinoRows(): Promise<Rows> {
  const r = await client({ schema }).execute('select id, amount, customer, "partition" from sales');
  return sortRows(r.rows.map((row) => row.map((v) => (v === null ? null : String(v)))));
}

/** The rows the local target reads (`mdw show`), at a snapshot when `asOf` is given. */
function localRows(asOf?: bigint): Rows {
  const r = runMdw(project, [
    ...(asOf === undefined ? [] : ['--as-of', String(asOf)]),
    'show',
    '--inline',
    `select id::varchar as id, amount::varchar as amount, customer, "partition" from ${schema}.sales`,
    '--limit',
    '100000',
    '--output',
    'json',
  ]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  const json = r.stdout.split('\n').find((line) => line.startsWith('['));
  assert.ok(json, r.stdout);
  const parsed = JSON.parse(json) as Record<string, string | null>[];
  return sortRows(parsed.map((row) => [row.id!, row.amount!, row.customer!, row.partition!]));
}

async function pyicebergRows(): Promise<Rows> {
  const bin = await ensureIcebergVenv();
  const r = await runCommand(join(bin, 'python'), [
    join(REPO_ROOT, 'test', 'trino', 'pyiceberg_rows.py'),
    trinoWarehouse(),
    `${schema}.sales`,
  ]);
  assert.equal(r.code, 0, r.stderr);
  return sortRows((JSON.parse(r.stdout) as { rows: Rows }).rows);
}

function currentSnapshotId(): bigint {
  const catalog = openCatalog(trinoWarehouse(), { name: 'mdw' });
  try {
    return catalog.loadTable(schema, 'sales').currentSnapshot()!['snapshot-id'];
  } finally {
    catalog.close();
  }
}

function deleteFileCount(): number {
  const catalog = openCatalog(trinoWarehouse(), { name: 'mdw' });
  try {
    return catalog.loadTable(schema, 'sales').deleteIndex().files.length;
  } finally {
    catalog.close();
  }
}

/** The rows a model run writes, computed here independently of every engine. */
function modelRows(run: number): Map<number, (string | null)[]> {
  const out = new Map<number, (string | null)[]>();
  for (let i = 0; i < 200; i++) {
    const id = i + run * 100;
    out.set(id, [String(id), (id * 1.25 + run).toFixed(2), `c${i % 7}`, partitionOf(i)]);
  }
  return out;
}

function partitionOf(i: number): string {
  return `2018010${1 + (i % 4)}`;
}

describe('one lakehouse, two engines (local target and Trino)', () => {
  before(async () => {
    await ensureIcebergVenv();
    const dir = makeProject({ 'models/sales.sql': MODEL });
    project = dir;
    const profile = `shop:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: ${JSON.stringify(join(dir, 'target', 'shop.duckdb'))}
      iceberg_warehouse: ${JSON.stringify(trinoWarehouse())}
      schema: ${schema}
      threads: 1
`;
    writeFileSync(join(dir, 'profiles.yml'), profile);
  });
  after(async () => {
    await client()
      .execute(`drop table if exists iceberg.${schema}.sales`)
      .catch(() => {});
    await client()
      .execute(`drop schema if exists iceberg.${schema}`)
      .catch(() => {});
    rmSync(project, { recursive: true, force: true });
  });

  test('Trino’s DELETE, UPDATE and MERGE on a local-target table read the same everywhere', async () => {
    const first = runMdw(project, ['run']);
    assert.equal(first.code, 0, first.stderr + first.stdout);

    const built = currentSnapshotId();
    const trino = client({ schema });
    await trino.execute('delete from sales where id < 20');
    const afterDelete = currentSnapshotId();
    await trino.execute(
      "update sales set amount = amount + 1000, customer = 'vip' where id between 20 and 39",
    );
    await trino.execute(`merge into sales t using (values (40, 1.50), (41, null), (500, 7.25)) s(id, amount)
      on t.id = s.id
      when matched and s.amount is null then delete
      when matched then update set amount = s.amount
      when not matched then insert (id, amount, customer, "partition") values (s.id, s.amount, 'new', '20180101')`);
    assert.ok(deleteFileCount() > 0, 'Trino wrote row-level delete files');

    const expected = modelRows(0);
    for (let id = 0; id < 20; id++) expected.delete(id);
    for (let id = 20; id < 40; id++) {
      const row = expected.get(id)!;
      expected.set(id, [row[0]!, (Number(row[1]) + 1000).toFixed(2), 'vip', row[3]!]);
    }
    expected.set(40, ['40', '1.50', expected.get(40)![2]!, expected.get(40)![3]!]);
    expected.delete(41);
    expected.set(500, ['500', '7.25', 'new', '20180101']);
    const want = sortRows([...expected.values()]);

    assert.deepEqual(await trinoRows(), want);
    assert.deepEqual(localRows(), want);
    assert.deepEqual(await pyicebergRows(), want);
    // time travel: before Trino's changes no delete file applies yet
    assert.deepEqual(localRows(built), sortRows([...modelRows(0).values()]));
    // the snapshot after Trino's DELETE sees that delete and none of the later changes
    const deletedOnly = [...modelRows(0)].filter(([id]) => id >= 20).map(([, row]) => row);
    assert.deepEqual(localRows(afterDelete), sortRows(deletedOnly));
  });

  test('the local target’s next merge keeps every engine’s rows right and drops superseded delete files', async () => {
    const deletesBefore = deleteFileCount();
    const before = new Map((await trinoRows()).map((row) => [Number(row[0]), row]));
    const second = runMdw(project, ['run', '--vars', '{run: 1}']);
    assert.equal(second.code, 0, second.stderr + second.stdout);

    // run 1 upserts ids 100..299: rows Trino changed outside that range stay as Trino left them
    const expected = new Map(before);
    for (const [id, row] of modelRows(1)) expected.set(id, row);
    const want = sortRows([...expected.values()]);
    assert.deepEqual(localRows(), want);
    assert.deepEqual(await trinoRows(), want);
    assert.deepEqual(await pyicebergRows(), want);
    assert.ok(
      deleteFileCount() < deletesBefore,
      `the merge rewrote files with deletes and dropped those delete files (${deletesBefore} → ${deleteFileCount()})`,
    );
  });
});
