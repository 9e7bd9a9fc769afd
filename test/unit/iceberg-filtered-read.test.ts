/**
 * Scan planning on local reads of a `day(sales_at)` table: a query's filter on `sales_at` is
 * planned against the manifests, the table's reference is pointed at the files that may match,
 * DuckDB's profiler shows fewer files read, and every query gives the rows it gave unplanned.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { pruneReads, viewReadsSnapshot } from '../../src/adapters/duckdb/iceberg/filtered-read.js';
import { scanLiveSql, schemaForSelect } from '../../src/adapters/duckdb/iceberg/index.js';
import { writePartitionedFiles } from '../../src/adapters/duckdb/iceberg/partitioned-write.js';
import { type IcebergTable, openCatalog } from '../../src/lakehouse/iceberg/index.js';
import { specById } from '../../src/lakehouse/iceberg/metadata.js';
import { parseColumnFilters, planFilesForAll } from '../../src/lakehouse/iceberg/prune.js';
import { parsePartitionBy } from '../../src/lakehouse/iceberg/transforms.js';
import { scratchDuckDb } from '../support/scratch-duckdb.js';

const db = scratchDuckDb('mdw-filtered-read-');
const DAYS = 10;

/** 400 rows over ten days of 2018-03, partitioned by day(sales_at): one file a day. */
const ROWS = `select i::bigint as sales_id, 'c' || (i % 7) as customer_key,
    timestamp '2018-03-01' + to_seconds((i * ${DAYS} * 86400) // 400) as sales_at
  from range(400) t(i)`;

let table: IcebergTable | undefined;
async function salesTable(): Promise<IcebergTable> {
  if (table) return table;
  const catalog = openCatalog(join(db.root, 'warehouse'));
  const created = catalog.createTable('cur', 'ft_sales', await schemaForSelect(db.conn, ROWS), {
    partitionBy: parsePartitionBy(['day(sales_at)'], 'test'),
  });
  const files = await writePartitionedFiles(db.conn, {
    selectSql: ROWS,
    schema: created.schema(),
    spec: specById(created.metadata, created.metadata['default-spec-id']),
    dataDir: created.dataDir(),
  });
  await created.append(files);
  await db.conn.run('create schema if not exists cur');
  await db.conn.run(`create or replace view cur.ft_sales as ${scanLiveSql(created)}`);
  table = created;
  return created;
}

async function plan(sql: string) {
  const t = await salesTable();
  return pruneReads(
    {
      query: async (text) => ({ rows: (await db.conn.runAndReadAll(text)).getRows() }),
      icebergTable: async (catalog, schema, name) =>
        catalog === '' && schema === 'cur' && name === 'ft_sales' ? t : undefined,
    },
    sql,
  );
}

/** The query's rows (sorted) and the files its Parquet scans opened (DuckDB's profiler). */
async function profiled(sql: string): Promise<{ rows: string[]; filesRead: number }> {
  const output = join(db.root, `profile-${Date.now()}-${Math.random()}.json`);
  await db.conn.run(`pragma enable_profiling = 'json'`);
  await db.conn.run(`pragma profiling_output = '${output}'`);
  const reader = await db.conn.runAndReadAll(sql);
  await db.conn.run('pragma disable_profiling');
  const read = [...readFileSync(output, 'utf8').matchAll(/"Total Files Read": "(\d+)"/g)];
  return {
    rows: reader.getRows().map(String).sort(),
    filesRead: read.reduce((n, m) => n + Number(m[1]), 0),
  };
}

describe('scan planning of DuckDB reads of Iceberg tables', () => {
  test('a one-day filter on sales_at opens one file of ten, with the same rows', async () => {
    const sql = `select count(*), sum(sales_id) from cur.ft_sales
      where sales_at >= '2018-03-04' and sales_at < timestamp '2018-03-05'`;
    const planned = await plan(sql);
    assert.deepEqual(planned.reads, [
      {
        relation: 'cur.ft_sales',
        filters: ["sales_at >= '2018-03-04'", "sales_at < '2018-03-05'"],
        filesRead: 1,
        filesTotal: DAYS,
      },
    ]);
    const before = await profiled(sql);
    const after = await profiled(planned.sql);
    assert.equal(before.filesRead, DAYS, 'the view alone opens every file');
    assert.equal(after.filesRead, 1);
    assert.deepEqual(after.rows, before.rows);
    assert.deepEqual(before.rows, ['40,5580']);
  });

  test('between, a constant on the left, aliases, joins, subqueries and CTEs are planned', async () => {
    const queries = [
      `select * from cur.ft_sales s where s.sales_at between '2018-03-02' and '2018-03-03 12:00:00'`,
      `select * from cur.ft_sales where '2018-03-08' <= sales_at and customer_key = 'c1'`,
      `select a.sales_id from cur.ft_sales a join cur.ft_sales b using (sales_id)
         where a.sales_at < '2018-03-02' and b.sales_at < '2018-03-03'`,
      `with late as (select * from cur.ft_sales where sales_at > '2018-03-09')
         select count(*) from late where customer_key <> 'c0'`,
      `select (select max(sales_id) from cur.ft_sales f where f.sales_at = '2018-03-05 00:00:00'),
         (select count(*) from cur.ft_sales)`,
      `select * from "cur"."ft_sales" where sales_at >= DATE '2018-03-10' or sales_id < 5`,
      `select * from cur.ft_sales where sales_at < '2018-03-03' union all select * from cur.ft_sales where sales_at >= '2018-03-10'`,
    ];
    const counts: number[] = [];
    for (const sql of queries) {
      const planned = await plan(sql);
      const before = await profiled(sql);
      const after = await profiled(planned.sql);
      assert.deepEqual(after.rows, before.rows, sql);
      counts.push(after.filesRead);
    }
    // 2 days; 3 days (customer_key's bounds do not prune); 1 + 2; the 9th and 10th; 1 + all 10
    // (the second subquery has no filter); an OR plans nothing; 2 + 1
    assert.deepEqual(counts, [2, 3, 3, 2, 11, DAYS, 3]);
  });

  test('what cannot be planned safely runs as written', async () => {
    const unchanged = [
      `select * from cur.ft_sales`,
      `select * from cur.ft_sales where sales_at >= '2018-03-04' or sales_id = 1`,
      `select * from cur.ft_sales where sales_at + interval 1 day >= '2018-03-04'`,
      `select * from cur.ft_sales where sales_at >= 'not a time'`,
      `select * from cur.ft_sales a asof join cur.ft_sales b on a.sales_at >= b.sales_at
         where b.sales_at < '2018-03-02'`,
      `select * from cur.ft_sales where customer_key >= 'c0'`,
      `select * from ft_sales_elsewhere where sales_at >= '2018-03-04'`,
      `select 1; select 2`,
      `select cur.ft_sales.sales_id from cur.ft_sales where sales_at >= '2018-03-04'`,
    ];
    for (const sql of unchanged) {
      const planned = await plan(sql);
      assert.equal(planned.sql, sql, sql);
      assert.deepEqual(planned.reads, [], sql);
    }
  });

  test('planning applies only where the view reads the current snapshot', async () => {
    const t = await salesTable();
    const query = async (text: string) => ({ rows: (await db.conn.runAndReadAll(text)).getRows() });
    assert.equal(await viewReadsSnapshot({ query }, t), true);
    // a view over one file, as a view of a build still publishing might read
    const one = t.dataFiles()[0]!.localPath;
    await db.conn.run(`create or replace view cur.ft_sales as select * from read_parquet(['${one}'])`);
    try {
      assert.equal(await viewReadsSnapshot({ query }, t), false);
    } finally {
      await db.conn.run(`create or replace view cur.ft_sales as ${scanLiveSql(t)}`);
    }
    assert.equal(await viewReadsSnapshot({ query }, t), true);
  });

  test('mdw iceberg files --where takes filters joined by and', async () => {
    const t = await salesTable();
    const filters = parseColumnFilters(
      "sales_at >= '2018-03-04' AND sales_at < '2018-03-06' and customer_key >= 'a and b'",
    );
    assert.deepEqual(
      filters.map((f) => `${f.column} ${f.op} ${f.literal}`),
      ['sales_at >= 2018-03-04', 'sales_at < 2018-03-06', 'customer_key >= a and b'],
    );
    assert.equal(planFilesForAll(t, filters).length, 2);
  });
});
