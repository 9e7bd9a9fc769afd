/** A seed read whole by the engines that load it themselves (Trino, Athena). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readSeedFile } from '../../src/csv/seed-file.js';
import type { ManifestNode } from '../../src/manifest/types.js';
import { makeProject } from '../support/project.js';

function seedNode(path: string, config: Record<string, unknown> = {}): ManifestNode {
  return { original_file_path: path, seed_file_path: '', config } as unknown as ManifestNode;
}

describe('readSeedFile', () => {
  it('reads the header, the rows and the column_types overrides', () => {
    const dir = makeProject({ 'seeds/people.csv': 'id;name\n1;Ada\n2;"Grace; H."\n' });
    const seed = readSeedFile(
      seedNode('seeds/people.csv', { delimiter: ';', column_types: { ID: 'bigint' } }),
      dir,
    );
    assert.deepEqual(seed.header, ['id', 'name']);
    assert.deepEqual(seed.rows, [
      ['1', 'Ada'],
      ['2', 'Grace; H.'],
    ]);
    assert.equal(seed.overrides.get('id'), 'bigint');
  });

  it('names the file and the line of a row with the wrong number of fields', () => {
    const dir = makeProject({ 'seeds/people.csv': 'id,name\n1,Ada\n2\n' });
    assert.throws(
      () => readSeedFile(seedNode('seeds/people.csv'), dir),
      /seed file seeds\/people\.csv, line 3: expected 2 fields, found 1/,
    );
  });

  it('says when the file is missing or empty', () => {
    const dir = makeProject({ 'seeds/empty.csv': '' });
    assert.throws(
      () => readSeedFile(seedNode('seeds/none.csv'), dir),
      /Seed file seeds\/none\.csv does not exist/,
    );
    assert.throws(
      () => readSeedFile(seedNode('seeds/empty.csv'), dir),
      /is empty: it needs at least a header row/,
    );
  });
});
