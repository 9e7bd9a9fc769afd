/**
 * The local lakehouse's relation fingerprints (src/adapters/duckdb/fingerprints.ts): an
 * Iceberg table's changes with every commit and with nothing else, a view's with its text (a
 * view model's with the definition mark its build leaves), a
 * landing source's with its files (not with a copy that keeps their size and time), and a
 * plain table's with its rows.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Adapter, Connection } from '../../src/adapters/types.js';
import type { SourceDefinition } from '../../src/manifest/types.js';
import { testNode, testSource } from '../support/nodes.js';
import { makeProject, runMdw } from '../support/project.js';
import { scratchLakehouse } from '../support/scratch-duckdb.js';

function landingSource(root: string): SourceDefinition {
  const external = { location: join(root, 'landing', 'orders', '*.csv') };
  return testSource('orders', external, { database: '', schema: 'raw' });
}

describe('local lakehouse fingerprints', () => {
  const lake = scratchLakehouse('fp.duckdb');
  let root: string;
  let adapter: Adapter;
  let conn: Connection;

  before(() => {
    ({ root, adapter, conn } = lake);
    mkdirSync(join(root, 'landing', 'orders'), { recursive: true });
    writeFileSync(join(root, 'landing', 'orders', 'a.csv'), 'id,amount\n1,10\n');
    // a whole second: a copy keeping the time (cpSync sets it through float seconds) keeps it exactly
    const second = Math.floor(Date.now() / 1000) - 60;
    utimesSync(join(root, 'landing', 'orders', 'a.csv'), second, second);
  });

  const fingerprint = (schema: string, name: string) =>
    adapter.fingerprints!.relation(conn, adapter.relation('fp', schema, name));

  it('tells an Iceberg table by its current metadata file: a new one per commit', async () => {
    const node = testNode('model', 'totals', { materialized: 'table', table_type: 'iceberg' });
    const relation = adapter.relation('fp', 'lake', 'totals');
    const build = (sql: string) => adapter.materialize(conn, { node, relation, sql, fullRefresh: true });
    await build('select 1 as id');
    const first = await fingerprint('lake', 'totals');
    assert.ok(first);
    assert.equal(await fingerprint('lake', 'totals'), first, 'reading changes nothing');
    await build('select 1 as id');
    assert.equal(await fingerprint('lake', 'totals'), first, 'the same rows: no commit');
    await build('select 2 as id');
    const second = await fingerprint('lake', 'totals');
    assert.ok(second);
    assert.notEqual(second, first, 'a commit is a new version');
  });

  it('tells a view by its text and a plain table by its rows', async () => {
    await conn.query('create schema if not exists fp.plain');
    await conn.query('create or replace view fp.plain.v as select 1 as id');
    const view = await fingerprint('plain', 'v');
    await conn.query('create or replace view fp.plain.v as select 2 as id');
    assert.notEqual(await fingerprint('plain', 'v'), view);

    await conn.query('create or replace table fp.plain.t as select 1 as id');
    const table = await fingerprint('plain', 't');
    await conn.query('create or replace table fp.plain.t as select 1 as id');
    assert.equal(await fingerprint('plain', 't'), table, 'the same rows');
    await conn.query('insert into fp.plain.t values (2)');
    assert.notEqual(await fingerprint('plain', 't'), table);
    const noScan = { scan: false };
    const plain = adapter.relation('fp', 'plain', 't');
    assert.equal(
      await adapter.fingerprints!.relation(conn, plain, noScan),
      null,
      'no version without a scan',
    );
    assert.ok(await adapter.fingerprints!.relation(conn, adapter.relation('fp', 'plain', 'v'), noScan));
    assert.equal(await fingerprint('plain', 'missing'), null);
  });

  it('tells a view model by the mark its build leaves, and loses the mark when replaced', async () => {
    const node = testNode('model', 'marked', { materialized: 'view' });
    const relation = adapter.relation('fp', 'views', 'marked');
    const build = (sql: string) => adapter.materialize(conn, { node, relation, sql, fullRefresh: false });
    const comment = async () =>
      (
        await conn.query(
          `select comment from duckdb_views() where schema_name = 'views' and view_name = 'marked'`,
        )
      ).rows[0]?.[0];
    await build('select 1 as id');
    assert.match(String(await comment()), /^mdw-view:[0-9a-f]{64}$/);
    const first = await fingerprint('views', 'marked');
    await build('select 1 as id');
    assert.equal(await fingerprint('views', 'marked'), first, 'the same definition');
    await build('select 2 as id');
    const second = await fingerprint('views', 'marked');
    assert.notEqual(second, first, 'another definition');
    // replaced outside mdw: no mark, so the view is told by its text, never by the old mark
    await conn.query('create or replace view fp.views.marked as select 3 as id');
    assert.equal(await comment(), null);
    const replaced = await fingerprint('views', 'marked');
    assert.ok(replaced);
    assert.notEqual(replaced, second);
    await conn.query('create or replace view fp.views.marked as select 4 as id');
    assert.notEqual(await fingerprint('views', 'marked'), replaced);
  });

  it('tells a landing source by its files: names, sizes and times', async () => {
    const source = landingSource(root);
    const take = async () => {
      await adapter.createExternalSource(conn, source, root);
      return adapter.fingerprints!.source(conn, source);
    };
    const first = await take();
    assert.ok(first);
    assert.equal(await take(), first, 'the same files');

    const file = join(root, 'landing', 'orders', 'a.csv');
    const copy = join(root, 'a.copy');
    cpSync(file, copy, { preserveTimestamps: true });
    rmSync(file);
    cpSync(copy, file, { preserveTimestamps: true });
    assert.equal(await take(), first, 'a copy keeping size and time is the same file');

    writeFileSync(join(root, 'landing', 'orders', 'b.csv'), 'id,amount\n2,20\n');
    const added = await take();
    assert.notEqual(added, first, 'a new file');

    writeFileSync(file, 'id,amount\n1,99\n'); // same size
    utimesSync(file, new Date(Date.now() + 5_000), new Date(Date.now() + 5_000));
    assert.notEqual(await take(), added, 'a rewritten file');
  });

  it('keeps no identity of a plain incremental table, which only a scan would give', () => {
    const dir = makeProject({
      'models/t.sql': "{{ config(materialized='table') }}\nselect range as id from range(5)",
      'models/inc.sql': "{{ config(materialized='incremental') }}\nselect id from {{ ref('t') }}",
    });
    try {
      assert.equal(runMdw(dir, ['build']).code, 0);
      const again = runMdw(dir, ['build']);
      assert.equal(again.code, 0, again.stdout + again.stderr);
      assert.match(again.stdout, /main\.t \.+ \[REUSED/, 'a plain table model is still reused (by its rows)');
      const file = readdirSync(join(dir, 'target')).find((name) => name.startsWith('mdw_reuse_state.'));
      const nodes = JSON.parse(readFileSync(join(dir, 'target', file!), 'utf8')).nodes as Record<
        string,
        unknown
      >;
      assert.ok(Object.keys(nodes).some((id) => id.endsWith('.t')));
      assert.deepEqual(
        Object.keys(nodes).filter((id) => id.endsWith('.inc')),
        [],
        'nothing recorded for it: no digest after its runs',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
