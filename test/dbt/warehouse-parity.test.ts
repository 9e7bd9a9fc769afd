/**
 * The grocery warehouse (dbt/) runs unchanged under dbt-core + dbt-duckdb: `dbt build` passes
 * on generated data, and every model and snapshot has the same rows under dbt and under mdw
 * (row count and an order-independent checksum; snapshots: current rows, no dbt_* columns).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  ensureDbtVenv,
  type FixtureCopy,
  makeTempRoot,
  mdwBin,
  outputTail,
  relationColumns,
  relationDigest,
  relationsFromManifest,
  repoRoot,
  runCommand,
  runDbt,
  runMdw,
  SNAPSHOT_META_COLUMNS,
  withDatabase,
} from './helpers.js';

const SCALE = '0.01';

function copyWarehouseProject(root: string, side: string, rawDir: string): FixtureCopy {
  const projectDir = path.join(root, side, 'dbt');
  cpSync(path.join(repoRoot, 'dbt'), projectDir, {
    recursive: true,
    filter: (from) => !['target', 'logs', 'dbt_packages'].includes(path.basename(from)),
  });
  const warehouseDir = path.join(root, side, 'warehouse');
  mkdirSync(warehouseDir, { recursive: true }); // dbt-duckdb does not create it
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MDW_RAW_DIR: rawDir,
    MDW_WAREHOUSE_DIR: warehouseDir,
    DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
    DO_NOT_TRACK: '1',
  };
  delete env.DBT_PROFILES_DIR;
  return { projectDir, dbPath: path.join(warehouseDir, 'mdw.duckdb'), env };
}

describe('the warehouse under dbt-core + dbt-duckdb and under mdw', () => {
  const temp = makeTempRoot('warehouse-parity');
  after(() => temp.cleanup());

  it('builds under both with every test passing and the same rows in every relation', async () => {
    const rawDir = path.join(temp.root, 'raw');
    const generated = await runCommand(
      process.execPath,
      [mdwBin, 'generate', '--scale', SCALE, '--out', rawDir],
      {
        cwd: temp.root,
        timeoutMs: 120_000,
      },
    );
    assert.equal(generated.code, 0, outputTail(generated));
    const venvBin = await ensureDbtVenv();
    const dbt = copyWarehouseProject(temp.root, 'dbt', rawDir);
    const mdw = copyWarehouseProject(temp.root, 'mdw', rawDir);

    const dbtBuild = await runDbt(venvBin, dbt, 'build');
    assert.equal(dbtBuild.code, 0, `dbt build failed:\n${outputTail(dbtBuild)}`);
    const mdwBuild = await runMdw(mdw, 'build');
    assert.equal(mdwBuild.code, 0, `mdw build failed:\n${outputTail(mdwBuild)}`);

    const relations = relationsFromManifest(path.join(dbt.projectDir, 'target', 'manifest.json'));
    assert.ok(relations.length >= 20, `${relations.length} relations`);
    const differences: string[] = [];
    for (const relation of relations) {
      const options = { snapshot: relation.resource_type === 'snapshot' };
      const columns = await withDatabase(mdw.dbPath, mdw.projectDir, (conn) =>
        relationColumns(conn, relation.schema, relation.identifier),
      );
      const columnOrder = columns
        .map((c) => c.name)
        .filter((name) => !(options.snapshot && SNAPSHOT_META_COLUMNS.includes(name.toLowerCase())));
      const ours = await withDatabase(mdw.dbPath, mdw.projectDir, (conn) =>
        relationDigest(conn, relation.schema, relation.identifier, { ...options, columnOrder }),
      );
      const theirs = await withDatabase(dbt.dbPath, dbt.projectDir, (conn) =>
        relationDigest(conn, relation.schema, relation.identifier, { ...options, columnOrder }),
      );
      if (ours.rows !== theirs.rows || ours.checksum !== theirs.checksum) {
        differences.push(
          `${relation.unique_id}: mdw ${ours.rows} rows vs dbt ${theirs.rows} rows (checksums ${ours.checksum === theirs.checksum ? 'equal' : 'differ'})`,
        );
      }
    }
    assert.deepEqual(differences, []);
  });
});
