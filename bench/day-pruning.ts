/**
 * Can a DuckDB read of a `day(sales_at)`-partitioned Iceberg table skip files on a filter on
 * `sales_at` without slowing down full scans? DuckDB prunes files before opening them only on
 * hive-partition columns, and `sales_at` is not one (its folders are `sales_at_day=N/`). The
 * forms that do prune are UNION ALLs whose branches carry the range of days their files hold:
 * a filter that contradicts a branch's range removes the branch at planning time. This writes
 * such a table with mdw's own writer and measures, paired (same process, same DuckDB,
 * alternating), the read mdw uses today against those forms: the files a one-day filter opens
 * (DuckDB's profiler) and the full-scan time of three queries (medians, ratio to today's).
 * A last row is mdw's scan planning (`mdw show`): the query names the table's view and mdw
 * points it at the files the WHERE can match, timed with the planning.
 * Run: npm run bench:pruning [-- --rows 3000000 --runs 5]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { pruneReads, viewReadsSnapshot } from '../src/adapters/duckdb/iceberg/filtered-read.js';
import { readFilesSql, scanLiveSql, scanSql, schemaForSelect } from '../src/adapters/duckdb/iceberg/index.js';
import { writePartitionedFiles } from '../src/adapters/duckdb/iceberg/partitioned-write.js';
import { sqlString } from '../src/adapters/sql-helpers.js';
import { type IcebergTable, openCatalog } from '../src/lakehouse/iceberg/index.js';
import { specById } from '../src/lakehouse/iceberg/metadata.js';
import type { LiveDataFile } from '../src/lakehouse/iceberg/table.js';
import { parsePartitionBy } from '../src/lakehouse/iceberg/transforms.js';

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? Number(process.argv[index + 1]) : fallback;
}

const rows = option('rows', 3_000_000);
const runs = option('runs', 5);
const DAYS = 129;
const work = mkdtempSync(join(tmpdir(), 'mdw-bench-pruning-'));
const instance = await DuckDBInstance.create(':memory:');
const conn = await instance.connect();

/** A fact-like table over 129 days, partitioned by day(sales_at): one file per day. */
async function writeTable(): Promise<IcebergTable> {
  const select = `select i::bigint as sales_id,
      md5((i % 98759)::varchar) as customer_key,
      ((i % 9973) / 100.0)::decimal(18, 4) as unit_price,
      timestamp '2018-01-01' + to_seconds((i * ${DAYS} * 86400) // ${rows}) as sales_at
    from range(${rows}) t(i)`;
  const schema = await schemaForSelect(conn, select);
  const catalog = openCatalog(join(work, 'warehouse'));
  const table = catalog.createTable('cur', 'ft_sales', schema, {
    partitionBy: parsePartitionBy(['day(sales_at)'], 'bench'),
  });
  const spec = specById(table.metadata, table.metadata['default-spec-id']);
  const files = await writePartitionedFiles(conn, {
    selectSql: select,
    schema: table.schema(),
    spec,
    dataDir: table.dataDir(),
  });
  await table.append(files);
  return table;
}

const DAY_MS = 86_400_000;
const timestampLiteral = (day: number) =>
  `TIMESTAMP '${new Date(day * DAY_MS).toISOString().slice(0, 19).replace('T', ' ')}'`;

/**
 * A UNION ALL of `groups` branches of consecutive days, each with the range of days its files
 * hold as a predicate on sales_at. By name with union_by_name, DuckDB merges the files'
 * statistics at bind time and drops a predicate they prove always true (full scans evaluate
 * nothing); by field id (no statistics over several files) every row is checked.
 */
function rangeGroupsSql(table: IcebergTable, groups: number, byName: boolean): string {
  const files = [...table.dataFiles()].sort((a, b) => dayOf(a) - dayOf(b));
  const size = Math.ceil(files.length / groups);
  const branches: string[] = [];
  for (let start = 0; start < files.length; start += size) {
    const group = files.slice(start, start + size);
    const read = byName
      ? `SELECT * FROM read_parquet([${group.map((f) => sqlString(f.localPath)).join(', ')}], union_by_name = true, hive_partitioning = false)`
      : readFilesSql(
          group.map((f) => f.localPath),
          table.schema(),
        );
    branches.push(
      `SELECT * FROM (${read}) WHERE sales_at >= ${timestampLiteral(dayOf(group[0]!))} AND sales_at < ${timestampLiteral(dayOf(group.at(-1)!) + 1)}`,
    );
  }
  return branches.join(' UNION ALL ');
}

function dayOf(file: LiveDataFile): number {
  return Number(file.partition.sales_at_day);
}

/** Runs a query with DuckDB's profiler on: the rows and the files its Parquet scans opened. */
async function filesRead(c: DuckDBConnection, sql: string): Promise<{ result: string; files: number }> {
  const output = join(work, `profile-${Math.random()}.json`);
  await c.run(`pragma enable_profiling = 'json'`);
  await c.run(`pragma profiling_output = ${sqlString(output)}`);
  const reader = await c.runAndReadAll(sql);
  await c.run('pragma disable_profiling');
  const read = [...readFileSync(output, 'utf8').matchAll(/"Total Files Read": "(\d+)"/g)];
  return {
    result: reader.getRows().map(String).join(';'),
    files: read.reduce((n, m) => n + Number(m[1]), 0),
  };
}

const table = await writeTable();
const forms: Record<string, string> = {
  'today (one read_parquet)': scanSql(table),
  // the same read again: how far two identical reads differ on this machine right now
  'today again (noise floor)': scanSql(table),
  '8 range groups, by name': rangeGroupsSql(table, 8, true),
  '8 range groups, by field id': rangeGroupsSql(table, 8, false),
  'one branch per day, by name': rangeGroupsSql(table, DAYS, true),
};
const oneDay = `WHERE sales_at >= TIMESTAMP '2018-03-01 00:00:00' AND sales_at < TIMESTAMP '2018-03-02 00:00:00'`;
/** `from`: a parenthesized form, or the view mdw's scan planning reads through */
const queries: Record<string, (from: string) => string> = {
  'count(*)': (from) => `select count(*) from ${from}`,
  'sum(sales_id)': (from) => `select sum(sales_id) from ${from}`,
  'top customers': (from) =>
    `select customer_key, sum(unit_price) as s from ${from} group by 1 order by s desc, 1 limit 3`,
  // a WHERE that prunes nothing: the planning parses it and runs it as written
  'where unit_price >= 0': (from) => `select count(*) from ${from} where unit_price >= 0`,
  // what the planning is for: a filter on one day of sales_at
  'one day of sales_at': (from) => `select count(*), sum(unit_price) from ${from} ${oneDay}`,
};

/**
 * mdw's scan planning (`mdw show`): the query names the table's view, mdw parses it, plans the
 * files its WHERE can match and reads only those; a query without a filter runs as written.
 * Timed with the planning, so its cost counts against the full scans.
 */
const PLANNED = 'mdw scan planning, then the view';
await conn.run('create schema cur');
await conn.run(`create view cur.ft_sales as ${scanLiveSql(table)}`);
const planningContext = {
  query: async (sql: string) => ({ rows: (await conn.runAndReadAll(sql)).getRows() }),
  // as \`mdw show\` does: only when the view reads the table's current snapshot
  icebergTable: async (_catalog: string, schema: string, name: string) =>
    schema === 'cur' && name === 'ft_sales' && (await viewReadsSnapshot(planningContext, table))
      ? table
      : undefined,
};
async function planned(sql: string): Promise<string> {
  return (await pruneReads(planningContext, sql)).sql;
}

console.log(
  `day(sales_at) pruning on local reads, ${rows.toLocaleString('en-US')} rows in ${table.dataFiles().length} files, ${runs} runs each`,
);
const expected = await filesRead(conn, `select count(*), sum(unit_price) from (${scanSql(table)}) ${oneDay}`);
for (const [name, sql] of Object.entries(forms)) {
  const pruned = await filesRead(conn, `select count(*), sum(unit_price) from (${sql}) ${oneDay}`);
  if (pruned.result !== expected.result)
    throw new Error(`${name} gives ${pruned.result}, not ${expected.result}`);
  console.log(`  ${name}: a one-day filter opens ${pruned.files} of ${table.dataFiles().length} files`);
}
{
  const sql = await planned(`select count(*), sum(unit_price) from cur.ft_sales ${oneDay}`);
  const pruned = await filesRead(conn, sql);
  if (pruned.result !== expected.result)
    throw new Error(`${PLANNED} gives ${pruned.result}, not ${expected.result}`);
  console.log(`  ${PLANNED}: a one-day filter opens ${pruned.files} of ${table.dataFiles().length} files`);
}

/**
 * Each run times every form once per query, in an order that rotates from run to run, and
 * divides by today's time of the same run: the median of those paired ratios drifts less
 * with the load of a shared machine than a ratio of medians.
 */
const runners: [string, (render: (from: string) => string) => Promise<unknown>][] = [
  ...Object.entries(forms).map(
    ([name, sql]) =>
      [name, (render: (from: string) => string) => conn.runAndReadAll(render(`(${sql})`))] as [
        string,
        (render: (from: string) => string) => Promise<unknown>,
      ],
  ),
  [PLANNED, async (render) => conn.runAndReadAll(await planned(render('cur.ft_sales')))],
];
const timings = new Map<string, number[]>();
for (let run = 0; run < runs; run++) {
  for (const [query, render] of Object.entries(queries)) {
    const order = runners.map((_, i) => runners[(i + run) % runners.length]!);
    for (const [name, execute] of order) {
      const started = performance.now();
      await execute(render);
      const key = `${query}\t${name}`;
      timings.set(key, [...(timings.get(key) ?? []), performance.now() - started]);
    }
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const todayName = runners[0]![0];
for (const query of Object.keys(queries)) {
  const today = timings.get(`${query}\t${todayName}`)!;
  console.log(`  ${query}:`);
  for (const [name] of runners) {
    const ms = timings.get(`${query}\t${name}`)!;
    const ratio = median(ms.map((t, run) => t / today[run]!));
    console.log(`    ${name}: median ${median(ms).toFixed(0)} ms, ${ratio.toFixed(2)}x today's (paired)`);
  }
}
conn.closeSync();
instance.closeSync();
rmSync(work, { recursive: true, force: true });
