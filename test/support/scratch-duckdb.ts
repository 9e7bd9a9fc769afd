/** An in-memory DuckDB and a temporary folder for one test file's tests. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

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
