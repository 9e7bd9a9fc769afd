/**
 * Write-Audit-Publish on the SQLite catalog: staged commits are invisible to other readers of
 * catalog.db, publish moves every pointer in one transaction (all or none on a conflict),
 * discard deletes only what the stage wrote, a dead build's stage is cleaned by the next one,
 * and remove-orphans keeps the files of a stage still running.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { schemaForSelect, writeDataFiles } from '../../src/adapters/duckdb/iceberg/index.js';
import {
  CatalogStage,
  type IcebergCatalog,
  type IcebergTable,
  openCatalog,
  PublishConflict,
  uriToPath,
} from '../../src/lakehouse/iceberg/index.js';

let instance: DuckDBInstance;
let conn: DuckDBConnection;
const roots: string[] = [];

before(async () => {
  instance = await DuckDBInstance.create(':memory:');
  conn = await instance.connect();
});
after(() => {
  conn.closeSync();
  instance.closeSync();
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

function warehouse(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mdw-stage-'));
  roots.push(dir);
  return dir;
}

const rowsSql = (from: number, to: number) => `select i::bigint as id from range(${from}, ${to}) t(i)`;

async function append(table: IcebergTable, from: number, to: number): Promise<void> {
  const files = await writeDataFiles(conn, {
    selectSql: rowsSql(from, to),
    schema: table.schema(),
    partitioned: false,
    dataDir: table.dataDir(),
  });
  await table.append(files);
}

async function newTable(catalog: IcebergCatalog, name: string, rows: number): Promise<IcebergTable> {
  const table = catalog.createTable('ns', name, await schemaForSelect(conn, rowsSql(0, 1)));
  await append(table, 0, rows);
  return table;
}

function records(catalog: IcebergCatalog, name: string): number {
  const snapshot = catalog.loadTable('ns', name).currentSnapshot();
  return Number(snapshot?.summary['total-records'] ?? 0);
}

function stagedRows(catalog: IcebergCatalog): number {
  return (catalog.sqlite.prepare('SELECT count(*) AS n FROM mdw_staged_tables').get() as { n: number }).n;
}

describe('Write-Audit-Publish on the catalog', () => {
  test('staged commits stay invisible to other readers until one publish shows them all', async () => {
    const dir = warehouse();
    const writer = openCatalog(dir);
    await newTable(writer, 'fact', 10);
    await newTable(writer, 'daily', 3);
    const reader = openCatalog(dir);
    const published = ['fact', 'daily'].map((n) => reader.publishedMetadataLocation('ns', n));

    const stage = CatalogStage.begin(writer);
    await append(writer.loadTable('ns', 'fact'), 10, 15);
    await append(writer.loadTable('ns', 'daily'), 3, 4);
    await newTable(writer, 'fresh', 2);
    // the build reads its staged state back ...
    assert.equal(records(writer, 'fact'), 15);
    assert.equal(records(writer, 'fresh'), 2);
    assert.deepEqual(
      writer.listTables('ns').map((t) => t.name),
      ['daily', 'fact', 'fresh'],
    );
    // ... every other reader the published one
    assert.equal(records(reader, 'fact'), 10);
    assert.equal(records(reader, 'daily'), 3);
    assert.equal(reader.tableExists('ns', 'fresh'), false);
    assert.deepEqual(stage.tables().sort(), ['ns.daily', 'ns.fact', 'ns.fresh']);

    assert.deepEqual(stage.publish().sort(), ['ns.daily', 'ns.fact', 'ns.fresh']);
    assert.equal(records(reader, 'fact'), 15);
    assert.equal(records(reader, 'daily'), 4);
    assert.equal(records(reader, 'fresh'), 2);
    assert.deepEqual(
      ['fact', 'daily'].map(
        (n) => reader.loadTable('ns', n).metadata['metadata-log'].at(-1)?.['metadata-file'],
      ),
      published,
    );
    assert.equal(stagedRows(writer), 0);
    // staging ended: the next commit is published at once
    await append(writer.loadTable('ns', 'fact'), 15, 16);
    assert.equal(records(reader, 'fact'), 16);
    writer.close();
    reader.close();
  });

  test('a conflict publishes nothing; discard deletes only what the stage wrote', async () => {
    const dir = warehouse();
    const writer = openCatalog(dir);
    await newTable(writer, 'fact', 10);
    await newTable(writer, 'daily', 3);
    const other = openCatalog(dir);
    const before = new Set(
      writer
        .loadTable('ns', 'fact')
        .dataFiles()
        .map((f) => f.localPath),
    );
    const stage = CatalogStage.begin(writer);
    await append(writer.loadTable('ns', 'daily'), 3, 6);
    await append(writer.loadTable('ns', 'fact'), 10, 20);
    await newTable(writer, 'fresh', 2);
    const stagedFact = writer.loadTable('ns', 'fact');
    const stagedFiles = stagedFact
      .dataFiles()
      .map((f) => f.localPath)
      .filter((f) => !before.has(f));
    assert.equal(stagedFiles.length > 0, true);
    const freshDir = writer.loadTable('ns', 'fresh').locationPath();
    // another writer commits to the fact after the stage began
    await append(other.loadTable('ns', 'fact'), 100, 101);

    assert.throws(() => stage.publish(), PublishConflict);
    assert.equal(records(other, 'daily'), 3, 'the table without conflict was not published either');
    assert.equal(records(other, 'fact'), 11);
    assert.equal(other.tableExists('ns', 'fresh'), false);

    const live = new Set(
      other
        .loadTable('ns', 'fact')
        .dataFiles()
        .map((f) => f.localPath),
    );
    assert.deepEqual(stage.discard().sort(), ['ns.daily', 'ns.fact', 'ns.fresh']);
    assert.equal(stagedRows(writer), 0);
    assert.equal(existsSync(uriToPath(stagedFact.metadataLocation)), false, 'staged metadata deleted');
    for (const file of stagedFiles) assert.equal(existsSync(file), false, `staged data file ${file} deleted`);
    for (const file of live) assert.ok(existsSync(file), `published file ${file} kept`);
    assert.equal(existsSync(freshDir), false, 'the unpublished table leaves no folder');
    assert.equal(records(other, 'fact'), 11);
    assert.equal(records(writer, 'daily'), 3);
    writer.close();
    other.close();
  });

  test("a killed build's stage is discarded by the next one; remove-orphans keeps a running stage's files", async () => {
    const dir = warehouse();
    const catalog = openCatalog(dir);
    await newTable(catalog, 'fact', 10);
    const published = catalog.publishedMetadataLocation('ns', 'fact');
    // a build in another process stages a commit, then dies before publishing
    const child = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { openCatalog, CatalogStage } from ${JSON.stringify(new URL('../../src/lakehouse/iceberg/index.js', import.meta.url).href)};
         const catalog = openCatalog(${JSON.stringify(dir)});
         CatalogStage.begin(catalog);
         const table = catalog.loadTable('ns', 'fact');
         await table.append(table.dataFiles().map(({ localPath, snapshotId, sequenceNumber, fileSequenceNumber, specId, ...f }) => f));
         process.kill(process.pid, 'SIGKILL');`,
      ],
      { encoding: 'utf8' },
    );
    assert.equal(child.signal, 'SIGKILL', child.stderr);
    assert.equal(stagedRows(catalog), 1);
    const dead = catalog.sqlite.prepare('SELECT metadata_location AS m FROM mdw_staged_tables').get() as {
      m: string;
    };
    assert.equal(catalog.publishedMetadataLocation('ns', 'fact'), published);
    assert.ok(existsSync(uriToPath(dead.m)));

    // a running stage (this process) keeps its files through remove-orphans
    const stage = CatalogStage.begin(catalog);
    assert.equal(stagedRows(catalog), 0, 'the dead stage was discarded');
    assert.equal(existsSync(uriToPath(dead.m)), false, "the dead stage's metadata file is gone");
    await append(catalog.loadTable('ns', 'fact'), 10, 12);
    const staged = catalog.loadTable('ns', 'fact');
    const maintenance = openCatalog(dir);
    const removed = await maintenance.loadTable('ns', 'fact').removeOrphans({ olderThanMs: 0 });
    assert.deepEqual(removed, []);
    for (const file of staged.dataFiles()) assert.ok(existsSync(file.localPath));
    assert.deepEqual(stage.publish(), ['ns.fact']);
    assert.equal(records(maintenance, 'fact'), 12);
    catalog.close();
    maintenance.close();
  });

  test('a killed orphan build is dead even while it lingers as a zombie nobody reaps', async () => {
    const dir = warehouse();
    const catalog = openCatalog(dir);
    await newTable(catalog, 'fact', 10);
    // the writer is started by a shell that exits at once, so the writer's parent becomes PID 1;
    // where PID 1 does not reap orphans, the killed writer stays a zombie signal 0 still reaches
    const script = `import { openCatalog, CatalogStage } from ${JSON.stringify(new URL('../../src/lakehouse/iceberg/index.js', import.meta.url).href)};
      const catalog = openCatalog(${JSON.stringify(dir)});
      CatalogStage.begin(catalog);
      const table = catalog.loadTable('ns', 'fact');
      await table.append(table.dataFiles().map(({ localPath, snapshotId, sequenceNumber, fileSequenceNumber, specId, ...f }) => f));
      setInterval(() => {}, 1000);`;
    const shell = spawnSync(
      'sh',
      ['-c', '"$0" --input-type=module -e "$1" >/dev/null 2>&1 & echo $!', process.execPath, script],
      { encoding: 'utf8' },
    );
    const pid = Number(shell.stdout.trim());
    assert.ok(pid > 0, shell.stderr);
    // the staging table itself appears with the orphan's first stage
    const staged = () => {
      try {
        return stagedRows(catalog);
      } catch {
        return 0;
      }
    };
    for (let i = 0; i < 300 && staged() === 0; i++) await new Promise((done) => setTimeout(done, 50));
    assert.equal(stagedRows(catalog), 1, 'the orphan staged its commit');
    process.kill(pid, 'SIGKILL');
    for (let i = 0; i < 100 && !exitedOrZombie(pid); i++) await new Promise((done) => setTimeout(done, 20));
    assert.ok(exitedOrZombie(pid), 'the orphan was killed');

    CatalogStage.begin(catalog).discard();
    assert.equal(stagedRows(catalog), 0, "the killed orphan's stage was discarded");
    catalog.close();
  });
});

function exitedOrZombie(pid: number): boolean {
  try {
    return /\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
