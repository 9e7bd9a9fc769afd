/**
 * Maintenance deletes only inside the table's own location under the warehouse: a data file
 * the metadata names elsewhere (another warehouse's, a user's) survives expire-snapshots and
 * purge, and a link inside the table folder does not lead remove-orphans outside.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { schemaForSelect, writeDataFiles } from '../../src/adapters/duckdb/iceberg/index.js';
import { openCatalog, pathToUri } from '../../src/lakehouse/iceberg/index.js';

describe('maintenance stays inside the table location', () => {
  const root = mkdtempSync(join(tmpdir(), 'mdw-own-files-'));
  after(() => rmSync(root, { recursive: true, force: true }));

  it('expire-snapshots, remove-orphans and purge never delete outside the table folder', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    const warehouse = join(root, 'wh');
    const outside = join(root, 'user-files');
    mkdirSync(outside, { recursive: true });
    const catalog = openCatalog(warehouse);
    try {
      const sql = 'select i::bigint as id from range(10) t(i)';
      const table = catalog.createTable('main', 't', await schemaForSelect(conn, sql));
      const write = (dataDir: string) =>
        writeDataFiles(conn, { selectSql: sql, schema: table.schema(), partitioned: false, dataDir });
      const inside = await write(table.dataDir());
      const foreign = await write(outside);
      await table.append([...inside, ...foreign]);
      await table.replace({ addFiles: await write(table.dataDir()) });
      // a link inside the table folder to the user's folder, and an old file there
      writeFileSync(join(outside, 'notes.txt'), 'keep me');
      utimesSync(join(outside, 'notes.txt'), new Date(0), new Date(0));
      symlinkSync(outside, join(table.dataDir(), 'link'));

      await new Promise((r) => setTimeout(r, 5));
      const expired = await table.expireSnapshots({ olderThanMs: 0 });
      assert.equal(expired.expiredSnapshotIds.length, 1);
      for (const f of inside) assert.ok(expired.deletedFiles.some((d) => pathToUri(d) === f.filePath));
      for (const f of foreign) assert.ok(existsSync(f.filePath.slice('file://'.length)), 'foreign file kept');

      await table.removeOrphans({ olderThanMs: 0 });
      assert.ok(existsSync(join(outside, 'notes.txt')), 'remove-orphans followed a link outside');

      catalog.dropTable('main', 't', { purge: true });
      assert.ok(existsSync(join(outside, 'notes.txt')));
      for (const f of foreign)
        assert.ok(existsSync(f.filePath.slice('file://'.length)), 'purge kept foreign file');
    } finally {
      catalog.close();
      conn.closeSync();
      instance.closeSync();
    }
  });
});
