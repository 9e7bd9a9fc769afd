/**
 * Figure 8, Iceberg overhead: writing a fact-like table as an Iceberg table (Parquet with
 * field ids + statistics, manifests, manifest list, metadata, catalog commit) against writing
 * the same rows as plain Parquet with the same partitioning and compression and no metadata.
 * Same process, same DuckDB, alternating runs; the median ratio is the figure (target ≤ 1.1×).
 * Run: npm run bench:iceberg [-- --rows 6758125 --runs 5]
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { schemaForSelect, writeDataFiles } from '../src/adapters/duckdb/iceberg/index.js';
import { openCatalog } from '../src/lakehouse/iceberg/index.js';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

const rows = option('rows', 6_758_125);
const runs = option('runs', 5);
const work = mkdtempSync(join(tmpdir(), 'mdw-bench-iceberg-'));
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();
// A table shaped like mdw_cur_ft_sales: keys, hashes, decimals, timestamps, 129 daily partitions.
await conn.run(`create table fact as
  select i::bigint as sales_id,
         md5((i % 98759)::varchar) as customer_key,
         md5((i % 452)::varchar) as product_key,
         (1 + i % 25)::integer as quantity,
         ((i % 9973) / 100.0)::decimal(18, 4) as unit_price,
         ((i % 3) / 10.0)::decimal(9, 4) as discount_rate,
         timestamp '2018-01-01' + to_seconds((i * 1.6)::bigint % (129 * 86400)) as sales_at,
         strftime(timestamp '2018-01-01' + to_seconds((i * 1.6)::bigint % (129 * 86400)), '%Y%m%d') as partition
  from range(${rows}) t(i)`);

const select = 'select * from fact';
const plain: number[] = [];
const iceberg: number[] = [];
for (let run = 0; run < runs; run++) {
  const parquetDir = join(work, `parquet-${run}`);
  mkdirSync(parquetDir, { recursive: true });
  let started = performance.now();
  await conn.run(
    `COPY (${select}) TO '${parquetDir}' (FORMAT parquet, PARTITION_BY (partition), COMPRESSION zstd)`,
  );
  plain.push((performance.now() - started) / 1000);

  started = performance.now();
  const catalog = openCatalog(join(work, `warehouse-${run}`));
  const schema = await schemaForSelect(conn, select);
  const table = catalog.createTable('mdw_cur', 'fact', schema, { partitioned: true });
  const files = await writeDataFiles(conn, {
    selectSql: select,
    schema,
    partitioned: true,
    dataDir: table.dataDir(),
  });
  await table.append(files);
  catalog.close();
  iceberg.push((performance.now() - started) / 1000);
  rmSync(parquetDir, { recursive: true, force: true });
  rmSync(join(work, `warehouse-${run}`), { recursive: true, force: true });
}
conn.closeSync();
instance.closeSync();
rmSync(work, { recursive: true, force: true });

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)]!, min: sorted[0]!, max: sorted.at(-1)! };
};
const p = stats(plain);
const i = stats(iceberg);
const show = (s: { median: number; min: number; max: number }) =>
  `median ${s.median.toFixed(2)} s (min ${s.min.toFixed(2)}, max ${s.max.toFixed(2)})`;
console.log(`Iceberg overhead, ${rows.toLocaleString('en-US')} rows in 129 partitions, ${runs} runs each`);
console.log(`  plain Parquet (COPY, zstd, PARTITION_BY): ${show(p)}`);
console.log(`  Iceberg table (data + metadata + commit): ${show(i)}`);
console.log(`  ratio (medians): ${(i.median / p.median).toFixed(3)}x   target <= 1.1x`);
