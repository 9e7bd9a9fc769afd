/**
 * Child process of section 8: write the rows of one relation of a built warehouse (opened
 * read-only) either as plain Parquet or as an Iceberg table with mdw's lakehouse writer, and
 * report how long the write took (without process start and database open).
 *
 *   node dist/bench/iceberg-write.js <database> <relation> <mode> <out-dir> <timings.json>
 *
 * modes:
 *   parquet          COPY (select …) TO '<out>/x.parquet' (FORMAT parquet) — the plain baseline
 *   parquet-matched  COPY … (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (partition)) — the
 *                    same compression and partitioning as the Iceberg writer, no metadata
 *   iceberg          openCatalog → schemaForSelect → createTable(partitioned) → writeDataFiles →
 *                    table.append: data files with field ids and statistics, Avro manifests,
 *                    manifest list, metadata.json, SQLite catalog commit
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { schemaForSelect, writeDataFiles } from '../src/adapters/duckdb/iceberg/index.js';
import { openCatalog } from '../src/lakehouse/iceberg/index.js';

export type WriteMode = 'parquet' | 'parquet-matched' | 'iceberg';

async function main(args: string[]): Promise<void> {
  const [database, relation, mode, outDir, timingsFile] = args as [string, string, WriteMode, string, string];
  const instance = await DuckDBInstance.create(database, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  const select = `select * from ${relation}`;
  const started = performance.now();
  let files = 1;
  let seconds = 0;
  try {
    if (mode === 'parquet') {
      await conn.run(`COPY (${select}) TO '${join(outDir, 'data.parquet')}' (FORMAT parquet)`);
    } else if (mode === 'parquet-matched') {
      await conn.run(
        `COPY (${select}) TO '${outDir}' (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (partition), OVERWRITE_OR_IGNORE true)`,
      );
    } else if (mode === 'iceberg') {
      const catalog = openCatalog(join(outDir, 'warehouse'));
      try {
        const schema = await schemaForSelect(conn, select);
        const table = catalog.createTable('bench', 'iceberg_write', schema, { partitioned: true });
        const written = await writeDataFiles(conn, {
          selectSql: select,
          schema,
          partitioned: true,
          dataDir: table.dataDir(),
        });
        await table.append(written);
        files = written.length;
      } finally {
        catalog.close();
      }
    } else {
      throw new Error(`unknown mode ${mode}`);
    }
    seconds = (performance.now() - started) / 1000;
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  writeFileSync(timingsFile, JSON.stringify({ writeSeconds: seconds, files }));
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error((error as Error).stack ?? String(error));
  process.exit(1);
});
