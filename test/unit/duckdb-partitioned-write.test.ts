/**
 * A partitioned Iceberg write through mdw's DuckDB adapter gives one data file per partition
 * when the rows of 150 partitions come interleaved: DuckDB's default of 100 open files split
 * each day into several small files, which every later read of the table planned over.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import type { DuckDbConnection } from '../../src/adapters/duckdb/connection.js';
import { schemaForSelect, writeDataFiles } from '../../src/adapters/duckdb/iceberg/index.js';
import { scratchLakehouse } from '../support/scratch-duckdb.js';

const lake = scratchLakehouse('pw.duckdb');

// 20,000 rows a partition, in round-robin order, so partitions fill up side by side
const ROWS = `select i::bigint as id, lpad(((i % 150) + 1)::varchar, 8, '0') as partition
  from range(0, 3000000) t(i)`;

describe('partitioned writes on the local lakehouse', () => {
  test('write one file per partition past 100 partitions', async () => {
    const raw = (lake.conn as DuckDbConnection).duckdb;
    const files = await writeDataFiles(raw, {
      selectSql: ROWS,
      schema: await schemaForSelect(raw, ROWS),
      partitioned: true,
      dataDir: join(lake.root, 'written', 'data'),
    });
    const partitions = new Set(files.map((f) => String(f.partition.partition)));
    assert.equal(partitions.size, 150);
    assert.equal(files.length, 150);
    assert.equal(
      files.reduce((sum, f) => sum + Number(f.recordCount), 0),
      3_000_000,
    );
  });
});
