/** An in-memory DuckDB and a temporary folder, or mdw's DuckDB adapter on a lakehouse, for one test file's tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { createDuckDbAdapter } from '../../src/adapters/duckdb/index.js';
import type { Adapter, Connection } from '../../src/adapters/types.js';
import { makeProject } from './project.js';

export interface ScratchDuckDb {
  conn: DuckDBConnection;
  /** a temporary folder, deleted after the file's tests */
  root: string;
}

/** Opened before the file's tests and closed (folder deleted) after them; read it inside tests. */
export function scratchDuckDb(prefix: string): ScratchDuckDb {
  const scratch = {} as ScratchDuckDb;
  let instance: DuckDBInstance | undefined;
  before(async () => {
    instance = await DuckDBInstance.create(':memory:');
    scratch.conn = await instance.connect();
    scratch.root = mkdtempSync(join(tmpdir(), prefix));
  });
  after(() => {
    scratch.conn?.closeSync();
    instance?.closeSync();
    if (scratch.root) rmSync(scratch.root, { recursive: true, force: true });
  });
  return scratch;
}

export interface ScratchLakehouse {
  adapter: Adapter;
  conn: Connection;
  /** the project folder (the database file and the lakehouse are in it) */
  root: string;
}

/**
 * mdw's DuckDB adapter on a database file in an empty project, so its Iceberg lakehouse is on:
 * opened before the file's tests, closed (folder deleted) after them; read it inside tests.
 */
export function scratchLakehouse(databaseFile: string): ScratchLakehouse {
  const scratch = {} as ScratchLakehouse;
  before(async () => {
    scratch.root = makeProject({});
    const target = {
      name: 'dev',
      profile_name: 't',
      type: 'duckdb',
      schema: 'main',
      database: '',
      threads: 1,
    };
    scratch.adapter = await createDuckDbAdapter({ ...target, path: databaseFile }, scratch.root, {
      warn: () => {},
    });
    scratch.conn = await scratch.adapter.connect();
  });
  after(async () => {
    await scratch.conn?.close();
    await scratch.adapter?.close();
    if (scratch.root) rmSync(scratch.root, { recursive: true, force: true });
  });
  return scratch;
}
