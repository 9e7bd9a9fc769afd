/**
 * A copied (`cp -a`) and a moved (`mv`) warehouse build and read their own files: the copy
 * never writes into or reads from the original, remove-orphans on either never touches the
 * other, PyIceberg reads the copy with paths inside it, and a catalog.db linked from another
 * warehouse folder is refused with one sentence.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  assertNoNoise,
  filesMentioning,
  fingerprint,
  mdw,
  mdwOk,
  pyTables,
  showRuns,
  warehouseProject,
} from './support.js';

describe('a relocatable, self-identifying warehouse', () => {
  const root = mkdtempSync(join(tmpdir(), 'mdw-relocate-'));
  const project = warehouseProject();
  after(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(project, { recursive: true, force: true });
  });
  const original = join(root, 'original');
  const copy = join(root, 'copy');
  const moved = join(root, 'moved');

  it('a copy builds into its own folders and the original stays as it was', async () => {
    mdwOk(project, original, ['run', '--vars', '{run: 1}']);
    execFileSync('cp', ['-a', original, copy]);
    const before = fingerprint(original);
    const output = mdwOk(project, copy, ['run', '--vars', '{run: 2}']);
    assert.match(
      output,
      /The warehouse .*copy was moved or copied from .*original; its Iceberg table locations now point here\./,
    );
    assert.deepEqual(fingerprint(original), before, 'building the copy changed nothing in the original');
    assert.deepEqual(
      filesMentioning(join(copy, 'main'), original),
      [],
      'no metadata of the copy names the original',
    );
    assert.match(showRuns(project, original, 'main.facts'), /\| --- \| ---- \|\n\| +1 \| +2000 \|\n$/);
    assert.match(showRuns(project, copy, 'main.facts'), /\| --- \| ---- \|\n\| +2 \| +2000 \|\n$/);
    assert.match(showRuns(project, copy, 'main.events'), /\| +1 \| +100 \|\n\| +2 \| +100 \|/);
    const tables = await pyTables(copy);
    for (const [name, table] of Object.entries(tables)) {
      assert.ok(table.location.includes(copy), `${name} location ${table.location}`);
      for (const path of [table.metadata, table.manifest_list!, ...table.manifests!, ...table.files])
        assert.ok(path.startsWith(`file://${copy}/`), `${name}: ${path} is outside the copy`);
      assert.equal(table.rows, Number(table.total_records));
    }
    assert.deepEqual(tables['main.facts']!.runs, [2]);
    assert.deepEqual((await pyTables(original))['main.facts']!.runs, [1]);
  });

  it('remove-orphans and expire-snapshots on either never touch the other', () => {
    const originalFiles = fingerprint(original);
    const copyFiles = fingerprint(copy);
    mdwOk(project, copy, ['iceberg', 'remove-orphans', '--older-than', '0']);
    mdwOk(project, copy, ['iceberg', 'expire-snapshots', '--older-than', '0']);
    assert.deepEqual(fingerprint(original), originalFiles, 'maintenance of the copy changed the original');
    mdwOk(project, original, ['iceberg', 'remove-orphans', '--older-than', '0']);
    mdwOk(project, original, ['iceberg', 'expire-snapshots', '--older-than', '0']);
    const after = fingerprint(copy);
    for (const path of copyFiles.keys()) {
      if (path.startsWith('/main/')) continue; // the copy's own maintenance ran first
      assert.ok(after.has(path), `${path} of the copy was deleted`);
    }
    for (const path of [...after.keys()].filter((p) => p.startsWith('/main/')))
      assert.ok(copyFiles.has(path) || !path.includes('/data/'), `unexpected ${path}`);
    assert.match(showRuns(project, copy, 'main.facts'), /\| --- \| ---- \|\n\| +2 \| +2000 \|\n$/);
    assert.match(showRuns(project, original, 'main.facts'), /\| --- \| ---- \|\n\| +1 \| +2000 \|\n$/);
  });

  it('a moved warehouse builds and reads; PyIceberg reads it at its new place', async () => {
    execFileSync('mv', [copy, moved]);
    mdwOk(project, moved, ['run', '--vars', '{run: 3}']);
    assert.match(showRuns(project, moved, 'main.facts'), /\| --- \| ---- \|\n\| +3 \| +2000 \|\n$/);
    assert.match(
      showRuns(project, moved, 'main.events'),
      /\| +1 \| +100 \|\n\| +2 \| +100 \|\n\| +3 \| +100 \|/,
    );
    const tables = await pyTables(moved);
    assert.deepEqual(tables['main.facts']!.runs, [3]);
    assert.equal(tables['main.events']!.rows, 300);
    for (const table of Object.values(tables))
      for (const path of [table.metadata, ...table.files])
        assert.ok(path.startsWith(`file://${moved}/`), path);
  });

  it('a catalog.db linked from another warehouse folder is refused, and nothing is written', () => {
    const other = join(root, 'other');
    mkdirSync(other);
    symlinkSync(join(original, 'catalog.db'), join(other, 'catalog.db'));
    const before = fingerprint(original);
    const result = mdw(project, other, ['run', '--vars', '{run: 4}']);
    const output = result.stdout + result.stderr;
    assert.notEqual(result.status, 0, output);
    assert.match(
      output,
      /Iceberg catalog .*other\/catalog\.db is a link to .*original\/catalog\.db, the catalog of the warehouse folder .*original; a catalog serves one warehouse folder, so mdw refuses to mix two/,
    );
    assertNoNoise(output);
    assert.deepEqual(fingerprint(original), before);
    assert.match(showRuns(project, original, 'main.facts'), /\| --- \| ---- \|\n\| +1 \| +2000 \|\n$/);
  });

  it('a catalog.db put into another warehouse folder (another marker) is refused', () => {
    const second = join(root, 'second');
    mdwOk(project, second, ['run', '--vars', '{run: 5}']);
    execFileSync('cp', [join(original, 'catalog.db'), join(second, 'catalog.db')]);
    const result = mdw(project, second, ['run', '--vars', '{run: 6}']);
    const output = result.stdout + result.stderr;
    assert.notEqual(result.status, 0, output);
    assert.match(
      output,
      /belongs to warehouse [0-9a-f-]{36}, but the folder's \.mdw-warehouse says [0-9a-f-]{36}/,
    );
    assertNoNoise(output);
  });
});
