/**
 * Recovery without hand-editing the catalog: a deleted catalog.db is refused with what to run,
 * `mdw iceberg recover` rebuilds it with the history kept, `register` adds one table; a
 * truncated metadata file or a flipped byte in a manifest list is named with what to run next,
 * and `mdw iceberg rollback-metadata` gets the table out. Never a stack trace or `internal error:`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { assertNoNoise, mdw, mdwOk, pyTables, showRuns, warehouseProject } from './support.js';

function pointer(warehouse: string, table: string): string {
  const db = new Database(join(warehouse, 'catalog.db'), { readonly: true });
  try {
    const row = db
      .prepare(
        "select metadata_location as l from iceberg_tables where table_namespace = 'main' and table_name = ?",
      )
      .get(table) as { l: string };
    return row.l.replace(/^file:\/\//, '');
  } finally {
    db.close();
  }
}

function failing(project: string, warehouse: string, args: string[]): string {
  const result = mdw(project, warehouse, args);
  const output = result.stdout + result.stderr;
  assert.notEqual(result.status, 0, output);
  assertNoNoise(output);
  return output;
}

const history = (project: string, warehouse: string, table: string) =>
  JSON.parse(
    mdwOk(project, warehouse, ['iceberg', 'history', table, '--output', 'json']).trim().split('\n').pop()!,
  );

describe('recovery', () => {
  const root = mkdtempSync(join(tmpdir(), 'mdw-recovery-'));
  const project = warehouseProject();
  const wh = join(root, 'wh');
  after(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  });

  it('a deleted catalog.db is refused, then recover rebuilds it with the history kept', async () => {
    mdwOk(project, wh, ['run', '--vars', '{run: 1}']);
    mdwOk(project, wh, ['run', '--vars', '{run: 2}']);
    const factsBefore = history(project, wh, 'main.facts');
    const eventsBefore = history(project, wh, 'main.events');
    assert.equal(factsBefore.length, 2);
    rmSync(join(wh, 'catalog.db'));
    for (const args of [
      ['run', '--vars', '{run: 3}'],
      ['show', '--inline', 'select count(*) from main.facts'],
    ]) {
      assert.match(
        failing(project, wh, args),
        /Iceberg catalog .*wh\/catalog\.db is missing, but .*wh is an mdw warehouse \(it has \.mdw-warehouse\) whose tables are still on disk; run `mdw iceberg recover` to rebuild the catalog from their metadata files \(history kept\)/,
      );
    }
    const output = mdwOk(project, wh, ['iceberg', 'recover']);
    assert.match(
      output,
      /Recovered main\.events at .*\(2 snapshots\)\.\nRecovered main\.facts at .*\(2 snapshots\)\./,
    );
    assert.deepEqual(history(project, wh, 'main.facts'), factsBefore);
    assert.deepEqual(history(project, wh, 'main.events'), eventsBefore);
    assert.match(mdwOk(project, wh, ['iceberg', 'recover']), /already in the catalog/);
    mdwOk(project, wh, ['run', '--vars', '{run: 3}']);
    const tables = await pyTables(wh);
    assert.deepEqual(tables['main.facts']!.runs, [3]);
    assert.deepEqual(tables['main.events']!.runs, [1, 2, 3]);
    assert.equal(history(project, wh, 'main.facts').length, 3);
  });

  it('register adds one table at a given metadata file', () => {
    const facts = pointer(wh, 'facts');
    rmSync(join(wh, 'catalog.db'));
    const output = mdwOk(project, wh, ['iceberg', 'register', 'main.facts', facts]);
    assert.match(
      output,
      /Registered main\.facts at file:\/\/.*facts\/metadata\/.*\.metadata\.json \(3 snapshots\)\./,
    );
    assert.match(
      failing(project, wh, ['iceberg', 'register', 'main.facts', facts]),
      /Iceberg table main\.facts already exists in catalog mdw/,
    );
    assert.match(
      failing(project, wh, ['iceberg', 'register', 'main.other', '/etc/hostname']),
      /Metadata file \/etc\/hostname is outside the warehouse folder/,
    );
    mdwOk(project, wh, ['iceberg', 'recover']);
    assert.match(showRuns(project, wh, 'main.facts'), /\| +3 \| +2000 \|\n$/);
  });

  it('a truncated metadata file is named with what to run; rollback-metadata gets the table out', () => {
    const current = pointer(wh, 'facts');
    truncateSync(current, 100);
    const sentence = new RegExp(
      `Iceberg table main\\.facts cannot be read: ${current.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged \\(.*\\)\\. Run \`mdw iceberg rollback-metadata main\\.facts\` to point the table at its newest earlier metadata file that reads whole`,
    );
    assert.match(failing(project, wh, ['iceberg', 'history', 'main.facts']), sentence);
    assert.match(failing(project, wh, ['run', '--vars', '{run: 4}']), sentence);
    const output = mdwOk(project, wh, ['iceberg', 'rollback-metadata', 'main.facts']);
    assert.match(output, /Pointed main\.facts at .*facts\/metadata\/.*\.metadata\.json \(was .*\)\./);
    assert.equal(history(project, wh, 'main.facts').length, 2, 'the commit of run 3 is undone');
    assert.match(showRuns(project, wh, 'main.facts'), /\| +2 \| +2000 \|\n$/);
    mdwOk(project, wh, ['run', '--vars', '{run: 4}']);
    assert.match(showRuns(project, wh, 'main.facts'), /\| +4 \| +2000 \|\n$/);
  });

  it('a flipped byte in a manifest list is named; rollback-metadata passes over what is damaged', async () => {
    const tables = await pyTables(wh);
    const list = tables['main.events']!.manifest_list!.replace(/^file:\/\//, '');
    const bytes = readFileSync(list);
    bytes[bytes.length - 5] ^= 0xff; // in the last block's sync marker: detected
    writeFileSync(list, bytes);
    const output = failing(project, wh, ['run', '--vars', '{run: 5}']);
    assert.match(
      output,
      new RegExp(
        `Iceberg table main\\.events cannot be read: ${list.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is damaged \\(`,
      ),
    );
    assert.match(output, /Run `mdw iceberg rollback-metadata main\.events`/);
    assert.match(failing(project, wh, ['iceberg', 'files', 'main.events']), /main\.events cannot be read/);
    mdwOk(project, wh, ['iceberg', 'rollback-metadata', 'main.events']);
    mdwOk(project, wh, ['run', '--vars', '{run: 5}']);
    const after = await pyTables(wh);
    assert.deepEqual(after['main.facts']!.runs, [5]);
    assert.ok(after['main.events']!.runs.includes(5));
    assert.equal(after['main.events']!.rows, Number(after['main.events']!.total_records));
  });
});
