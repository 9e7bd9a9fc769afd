/**
 * The daily pipeline on the daily landing layout: build 120 days, add the next 10 days one
 * build at a time, then every std and cur table must equal a --full-refresh build of all
 * 130 days (row counts and order-independent checksums). Each added day's run must read
 * only that day's landing folder: the landing check scans only its files, the fact merges
 * exactly its valid sales, staging is not copied whole, every test and model reading staging
 * is narrowed to that folder, and the lifetime summaries add the day to their totals.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  generate,
  mdw,
  newWarehouse,
  query,
  removeWarehouse,
  runResults,
  tableChecksum,
} from '../support/warehouse.js';

const DAILY = ['--vars', '{sales_layout: daily}'];
const ADDED_DAYS = 10;

interface LandingFile {
  file: string;
  scanned: boolean;
  rows_read: number;
}

function landingFiles(projectDir: string): LandingFile[] {
  const results = JSON.parse(readFileSync(join(projectDir, 'target', 'run_results.json'), 'utf8')) as {
    landing: { sources: { source: string; files: LandingFile[] }[] };
  };
  return results.landing.sources.filter((s) => s.source === 'grocery.sales').flatMap((s) => s.files);
}

describe('daily pipeline: 120 days, then 10 added one at a time', () => {
  const run = newWarehouse('daily');
  after(() => removeWarehouse(run));

  it('equals a full refresh, and each added day reads only its own folder', async () => {
    const generated = generate(run, ['--scale', '0.01', '--daily']);
    assert.equal(generated.code, 0, generated.stderr);
    // Hold back the last 10 days' drops (dated folder and undated file) and land them one by one.
    const salesDir = join(run.rawDir, 'sales');
    const held = join(run.rawDir, '..', 'held');
    mkdirSync(held);
    const days = readdirSync(salesDir)
      .map((folder) => /^partition=(\d{8})$/.exec(folder)?.[1])
      .filter((day): day is string => day !== undefined)
      .sort()
      .slice(-ADDED_DAYS);
    assert.equal(days.length, ADDED_DAYS);
    const undatedDir = join(salesDir, 'partition=__HIVE_DEFAULT_PARTITION__');
    const undated = new Set(readdirSync(undatedDir));
    for (const day of days) {
      renameSync(join(salesDir, `partition=${day}`), join(held, day));
      if (undated.has(`part-${day}.csv`))
        renameSync(join(undatedDir, `part-${day}.csv`), join(held, `undated-${day}.csv`));
    }

    const first = mdw(run, ['build', ...DAILY]);
    assert.equal(first.code, 0, first.stdout.slice(-3000) + first.stderr);

    for (const day of days) {
      renameSync(join(held, day), join(salesDir, `partition=${day}`));
      const hadUndated = undated.has(`part-${day}.csv`);
      if (hadUndated) renameSync(join(held, `undated-${day}.csv`), join(undatedDir, `part-${day}.csv`));
      const build = mdw(run, ['build', ...DAILY]);
      assert.equal(build.code, 0, build.stdout.slice(-3000) + build.stderr);

      const scanned = landingFiles(run.projectDir)
        .filter((file) => file.scanned)
        .map((file) => file.file.replace(/\\/g, '/').replace(/^.*\/sales\//, ''))
        .sort();
      const expected = [`partition=${day}/part-00000.csv`];
      if (hadUndated) expected.unshift(`partition=__HIVE_DEFAULT_PARTITION__/part-${day}.csv`);
      assert.deepEqual(scanned, expected.sort(), `day ${day}: landing files checked`);

      const [dayRows] = await query(
        run,
        `select count(*)::int as n from mdw_stg.mdw_stg_sales where partition = '${day}' and reject_reason is null`,
      );
      const fact = runResults(run).find((r) => r.unique_id === 'model.mdw.mdw_cur_ft_sales')!;
      assert.equal(fact.adapter_response.rows_affected, dayRows!.n, `day ${day}: sales merged`);
      // The daily aggregates recompute only the day the fact's run changed.
      const daily = runResults(run).find((r) => r.unique_id === 'model.mdw.mdw_cur_daily_revenue')!;
      assert.equal(daily.adapter_response.rows_affected, 1, `day ${day}: daily revenue rows written`);
      // Tests of the cur models (meta mdw_test_scope) check the changed day only.
      for (const compiled of [
        'models/cur/unique_mdw_cur_ft_sales_sales_id.sql',
        'tests/assert_cur_daily_revenue_reconciles.sql',
      ]) {
        const text = readFileSync(join(run.projectDir, 'target', 'compiled', 'mdw', compiled), 'utf8');
        assert.match(text, new RegExp(`where "partition" in \\('${day}'\\)`), `${compiled} on day ${day}`);
      }
      // An unpartitioned first-seen table is narrowed on the day it holds (meta mdw_change_column).
      const firstSeenTest = readFileSync(
        join(
          run.projectDir,
          'target',
          'compiled',
          'mdw',
          'models/cur/not_null_mdw_cur_first_transactions_first_partition.sql',
        ),
        'utf8',
      );
      assert.match(
        firstSeenTest,
        new RegExp(`where "first_partition" in \\('${day}'\\)`),
        `first-seen test on day ${day}`,
      );
      // Nothing reads all of raw sales: staging is copied for its readers (view reuse) with
      // the new folder's rows only, and every node reading it is narrowed to that folder.
      const staging = runResults(run).find((r) => r.unique_id === 'model.mdw.mdw_stg_sales')!;
      const [stagedRows] = await query(
        run,
        `select count(*)::int as n from mdw_stg.mdw_stg_sales where partition = '${day}'`,
      );
      assert.match(
        String(staging.adapter_response._message ?? ''),
        new RegExp(`\\(${Number(stagedRows!.n).toLocaleString('en-US')} rows kept for \\d+ readers\\)`),
        `day ${day}: staging copied for the day only`,
      );
      // The acceptance: the run read at most twice the day's raw sales rows (DuckDB's
      // profiler, summed over the run's nodes; the landing check counts the day's rows).
      const landed = landingFiles(run.projectDir).filter((file) => file.scanned);
      const landedRows = landed.reduce((sum, file) => sum + file.rows_read, 0);
      const datedRows = landed
        .filter((file) => file.file.replace(/\\/g, '/').includes(`/partition=${day}/`))
        .reduce((sum, file) => sum + file.rows_read, 0);
      const salesRead = runResults(run).reduce(
        (sum, r) => sum + (r.adapter_response.rows_read_by_source?.['grocery.sales'] ?? 0),
        0,
      );
      assert.ok(datedRows > 0, `day ${day}: rows landed`);
      assert.ok(
        salesRead >= datedRows && salesRead <= 2 * landedRows,
        `day ${day}: read ${salesRead} raw sales rows for ${landedRows} landed`,
      );
      const compiledDir = join(run.projectDir, 'target', 'compiled', 'mdw');
      for (const compiled of [
        'models/stg/unique_mdw_stg_sales_sales_id.sql',
        'tests/assert_cur_ft_sales_matches_staging.sql',
        'tests/assert_cur_ft_sales_volume.sql',
        'tests/assert_stg_rejected_rows.sql',
        'tests/assert_stg_sales_undated_share.sql',
      ]) {
        const text = readFileSync(join(compiledDir, compiled), 'utf8');
        assert.match(
          text,
          new RegExp(`"mdw_stg_sales" where "partition" in \\('${day}'\\)`),
          `${compiled} reads staging of day ${day} only`,
        );
      }
      const dimDate = readFileSync(join(compiledDir, 'models/std/mdw_std_dim_date.sql'), 'utf8');
      assert.match(
        dimDate,
        new RegExp(`"mdw_stg_sales" where "partition" in \\('${day}'\\)\\)`),
        `dim_date on day ${day}`,
      );
      // The lifetime summaries add the new day to their totals, and neither they nor their
      // first-seen tables read the fact's earlier days (new distinct pairs come from the
      // first-seen tables' rows of the day).
      for (const summary of [
        'mdw_cur_customer_summary',
        'mdw_cur_product_performance',
        'mdw_cur_salesperson_performance',
      ]) {
        const text = readFileSync(join(compiledDir, 'models/cur', `${summary}.sql`), 'utf8');
        assert.match(text, /added_sales as \(/, `${summary} on day ${day} adds the day`);
      }
      for (const model of [
        'mdw_cur_customer_summary',
        'mdw_cur_product_performance',
        'mdw_cur_salesperson_performance',
        'mdw_cur_first_transactions',
        'mdw_cur_first_customer_products',
        'mdw_cur_first_salesperson_customers',
      ]) {
        const text = readFileSync(join(compiledDir, 'models/cur', `${model}.sql`), 'utf8');
        // every read of the fact is narrowed to the day
        const reads = text.split('"mdw_cur_ft_sales"').length - 1;
        const narrowed =
          text.match(new RegExp(`"mdw_cur_ft_sales"[^)]*?"partition" in \\('${day}'\\)`, 'g')) ?? [];
        assert.ok(reads > 0, `${model} on day ${day} reads the fact`);
        assert.equal(narrowed.length, reads, `${model} on day ${day} reads only the day`);
      }
    }

    // A run with no new day: the fact's run changes nothing, so the first-seen tables write
    // nothing and the summaries keep their totals instead of rebuilding from the whole fact.
    const idle = mdw(run, ['build', ...DAILY]);
    assert.equal(idle.code, 0, idle.stdout.slice(-3000) + idle.stderr);
    for (const model of [
      'mdw_cur_first_transactions',
      'mdw_cur_first_customer_products',
      'mdw_cur_first_salesperson_customers',
    ]) {
      const result = runResults(run).find((r) => r.unique_id === `model.mdw.${model}`)!;
      assert.equal(result.adapter_response.rows_affected, 0, `${model} in a run with no new day`);
    }
    for (const summary of ['mdw_cur_customer_summary', 'mdw_cur_salesperson_performance']) {
      const text = readFileSync(
        join(run.projectDir, 'target', 'compiled', 'mdw', 'models/cur', `${summary}.sql`),
        'utf8',
      );
      assert.match(text, /added_sales as \(/, `${summary} in a run with no new day keeps its totals`);
    }

    const tables = (
      await query(
        run,
        "select table_schema || '.' || table_name as name from information_schema.tables where table_schema in ('mdw_std', 'mdw_cur') order by 1",
      )
    ).map((row) => String(row.name));
    assert.ok(tables.length >= 10, tables.join(', '));
    const incremental = new Map<string, unknown>();
    for (const table of tables) incremental.set(table, await tableChecksum(run, table));

    const full = mdw(run, ['build', '--full-refresh', ...DAILY]);
    assert.equal(full.code, 0, full.stdout.slice(-3000) + full.stderr);
    const unique = readFileSync(
      join(run.projectDir, 'target', 'compiled', 'mdw', 'models/cur/unique_mdw_cur_ft_sales_sales_id.sql'),
      'utf8',
    );
    assert.doesNotMatch(unique, /"partition" in/, '--full-refresh tests every partition');
    for (const table of tables) {
      assert.deepEqual(
        await tableChecksum(run, table),
        incremental.get(table),
        `${table} after --full-refresh`,
      );
    }
  });
});
