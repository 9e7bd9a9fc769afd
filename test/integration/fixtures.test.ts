/**
 * mdw on the fixture projects, without Python: `mdw seed` + `mdw build` on a temporary copy of
 * each fixture (test/fixtures/<name>), then checks of exit codes, run_results.json statuses and
 * row counts/sums of some relations against numbers computed independently from the fixture's
 * CSV files (DuckDB read_csv in the test). Second round: the fixture's changes/ files are copied
 * over seeds/ and landing/, then `mdw seed`, `mdw snapshot`, `mdw build` (incremental merge,
 * snapshot versions, idempotent re-snapshot) and `mdw snapshot` again.
 *
 * The expected statuses are those of dbt-core 1.11 + dbt-duckdb on the same fixtures
 * (test/dbt/parity.test.ts checks the full equivalence when Python is available).
 */
import assert from 'node:assert/strict';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  applyChanges,
  copyFixture,
  countRows,
  countStatuses,
  FIXTURES,
  type FixtureCopy,
  fixturesRoot,
  makeTempRoot,
  outputTail,
  queryNumber,
  readRunResults,
  runMdw,
  sqlString,
  withDatabase,
  withMemoryDatabase,
} from '../dbt/helpers.js';

/** A number computed by mdw's database vs one computed from the CSV files. */
interface Check {
  label: string;
  /** SQL on the built database (cwd-relative CSV views resolve against the project copy) */
  actual: string;
  /** SQL on an in-memory DuckDB; {src} = the pristine fixture folder, {new} = its changes/ folder */
  expected: string;
}

interface FixtureSpec {
  name: string;
  /** countStatuses() of `mdw seed` */
  seedStatuses: Record<string, number>;
  /** countStatuses() of `mdw build` (dbt's numbers) */
  buildStatuses: Record<string, number>;
  /** unique_id prefixes of the tests that must end in 'warn' */
  warnTests: string[];
  round1: Check[];
  /** after applying changes/ (or a plain rebuild when the fixture has none) */
  round2: Check[];
  /** countStatuses() of `mdw snapshot` */
  snapshotStatuses: Record<string, number>;
}

const csv = (file: string) => `read_csv(${sqlString(file)}, header = true)`;
const SRC = '{src}';
const NEW = '{new}';

const shopRound1: Check[] = [
  {
    label: 'seed customers',
    actual: 'select count(*) from main_raw.customers',
    expected: `select count(*) from ${csv(`${SRC}/seeds/customers.csv`)}`,
  },
  {
    label: 'seed order_items',
    actual: 'select count(*) from main_raw.order_items',
    expected: `select count(*) from ${csv(`${SRC}/seeds/order_items.csv`)}`,
  },
  {
    label: 'view on the landing CSV (external_location)',
    actual: 'select count(*) from main_staging.stg_payments',
    expected: `select count(*) from ${csv(`${SRC}/landing/payments.csv`)}`,
  },
  {
    label: 'stg_shipments',
    actual: 'select count(*) from main_staging.stg_shipments',
    expected: `select count(*) from ${csv(`${SRC}/landing/shipments.csv`)}`,
  },
  {
    label: 'fct_orders rows',
    actual: 'select count(*) from main_marts.fct_orders',
    expected: `select count(*) from ${csv(`${SRC}/seeds/orders.csv`)}`,
  },
  {
    label: 'fct_orders.total_paid = successful payments',
    actual: 'select sum(total_paid) from main_marts.fct_orders',
    expected: `select sum(cast(amount as decimal(12, 2))) from ${csv(`${SRC}/landing/payments.csv`)} where status = 'success'`,
  },
  {
    label: 'fct_orders.items_amount = discounted line amounts (ephemeral model)',
    actual: 'select sum(items_amount) from main_marts.fct_orders',
    expected: `select sum(round(quantity * cast(unit_price as decimal(12, 2)) * (1 - coalesce(cast(discount_pct as decimal(4, 2)), 0)), 2))
               from ${csv(`${SRC}/seeds/order_items.csv`)}`,
  },
  {
    label: 'fct_orders.gift_card_amount (pivot)',
    actual: 'select sum(gift_card_amount) from main_marts.fct_orders',
    expected: `select sum(cast(amount as decimal(12, 2))) from ${csv(`${SRC}/landing/payments.csv`)}
               where status = 'success' and payment_method = 'gift_card'`,
  },
  {
    label: 'dim_customers rows',
    actual: 'select count(*) from main_marts.dim_customers',
    expected: `select count(*) from ${csv(`${SRC}/seeds/customers.csv`)}`,
  },
  {
    label: 'dim_customers with orders',
    actual: 'select count(*) from main_marts.dim_customers where order_count > 0',
    expected: `select count(distinct customer_id) from ${csv(`${SRC}/seeds/orders.csv`)}`,
  },
  {
    label: 'dim_customers.returned_orders (status pivot from var())',
    actual: 'select sum(returned_orders) from main_marts.dim_customers',
    expected: `select count(*) from ${csv(`${SRC}/seeds/orders.csv`)} where status = 'returned'`,
  },
  {
    label: 'agg_monthly_revenue months (dbt.date_trunc)',
    actual: 'select count(*) from main_marts.agg_monthly_revenue',
    expected: `select count(distinct date_trunc('month', ordered_at)) from ${csv(`${SRC}/seeds/orders.csv`)}`,
  },
  {
    label: 'fct_payments rows',
    actual: 'select count(*) from main_marts.fct_payments',
    expected: `select count(*) from ${csv(`${SRC}/landing/payments.csv`)}`,
  },
  {
    label: 'customers_snapshot rows',
    actual: 'select count(*) from main_snapshots.customers_snapshot',
    expected: `select count(*) from ${csv(`${SRC}/seeds/customers.csv`)}`,
  },
  {
    label: 'products_snapshot rows (target_schema)',
    actual: 'select count(*) from snapshots.products_snapshot',
    expected: `select count(*) from ${csv(`${SRC}/seeds/products.csv`)}`,
  },
];

/** Payments an incremental run picks up: the known ids, re-sent or not, and anything newer. */
const paymentsAfterIncremental = `
  select * from ${csv(`${NEW}/landing/payments.csv`)}
  where payment_id in (select payment_id from ${csv(`${SRC}/landing/payments.csv`)})
     or updated_at > (select max(updated_at) from ${csv(`${SRC}/landing/payments.csv`)})`;

const shopRound2: Check[] = [
  {
    label: 'seed customers reloaded',
    actual: 'select count(*) from main_raw.customers',
    expected: `select count(*) from ${csv(`${NEW}/seeds/customers.csv`)}`,
  },
  {
    label: 'fct_payments rows (merge; the late row is skipped)',
    actual: 'select count(*) from main_marts.fct_payments',
    expected: `select count(*) from (${paymentsAfterIncremental})`,
  },
  {
    label: 'fct_payments amounts (the corrected payment is merged)',
    actual: 'select sum(amount) from main_marts.fct_payments',
    expected: `select sum(cast(amount as decimal(12, 2))) from (${paymentsAfterIncremental})`,
  },
  {
    label: 'fct_orders (table, rebuilt) sees every payment, the late one too',
    actual: 'select sum(total_paid) from main_marts.fct_orders',
    expected: `select sum(cast(amount as decimal(12, 2))) from ${csv(`${NEW}/landing/payments.csv`)} where status = 'success'`,
  },
  {
    label: 'dim_customers rows',
    actual: 'select count(*) from main_marts.dim_customers',
    expected: `select count(*) from ${csv(`${NEW}/seeds/customers.csv`)}`,
  },
  {
    label: 'customers_snapshot versions (check strategy on email, segment, is_active)',
    actual: 'select count(*) from main_snapshots.customers_snapshot',
    expected: `select (select count(*) from ${csv(`${SRC}/seeds/customers.csv`)}) + count(*)
               from ${csv(`${NEW}/seeds/customers.csv`)} n
               where not exists (
                 select 1 from ${csv(`${SRC}/seeds/customers.csv`)} o
                 where o.customer_id = n.customer_id and o.email is not distinct from n.email
                   and o.segment is not distinct from n.segment and o.is_active is not distinct from n.is_active)`,
  },
  {
    label: 'customers_snapshot current versions',
    actual: 'select count(*) from main_snapshots.customers_snapshot where dbt_valid_to is null',
    expected: `select count(*) from ${csv(`${NEW}/seeds/customers.csv`)}`,
  },
  {
    label: 'customers_snapshot keeps a version when only an unchecked column changed',
    actual: `select count(*) from main_snapshots.customers_snapshot s
             where dbt_valid_to is null and customer_name = (
               select first_name || ' ' || last_name from main_raw.customers c where c.customer_id = s.customer_id)`,
    expected: `select count(*) from ${csv(`${NEW}/seeds/customers.csv`)} n
               where not exists (
                 select 1 from ${csv(`${SRC}/seeds/customers.csv`)} o
                 where o.customer_id = n.customer_id and o.last_name <> n.last_name
                   and o.email is not distinct from n.email and o.segment is not distinct from n.segment
                   and o.is_active is not distinct from n.is_active)`,
  },
  {
    label: 'products_snapshot versions (timestamp strategy)',
    actual: 'select count(*) from snapshots.products_snapshot',
    expected: `select (select count(*) from ${csv(`${SRC}/seeds/products.csv`)}) + count(*)
               from ${csv(`${NEW}/seeds/products.csv`)} n
               left join ${csv(`${SRC}/seeds/products.csv`)} o on o.product_id = n.product_id
               where o.product_id is null or n.updated_at > o.updated_at`,
  },
  {
    label: 'products_snapshot current prices',
    actual: 'select sum(price) from snapshots.products_snapshot where dbt_valid_to is null',
    expected: `select sum(cast(price as decimal(10, 2))) from ${csv(`${NEW}/seeds/products.csv`)}`,
  },
];

const tinyChecks: Check[] = [
  {
    label: 'seed numbers',
    actual: 'select count(*) from main.numbers',
    expected: `select count(*) from ${csv(`${SRC}/seeds/numbers.csv`)}`,
  },
  {
    label: 'view doubled',
    actual: 'select count(*) from main.doubled',
    expected: `select count(*) from ${csv(`${SRC}/seeds/numbers.csv`)}`,
  },
  {
    label: 'summary groups',
    actual: 'select count(*) from main.summary',
    expected: `select count(distinct id % 2 = 0) from ${csv(`${SRC}/seeds/numbers.csv`)}`,
  },
  {
    label: 'summary totals',
    actual: 'select sum(total) from main.summary',
    expected: `select cast(sum(value * 2) as decimal(10, 2)) from ${csv(`${SRC}/seeds/numbers.csv`)}`,
  },
  {
    label: 'summary counts nulls apart',
    actual: 'select sum(row_count) - sum(valued_count) from main.summary',
    expected: `select count(*) filter (where value is null) from ${csv(`${SRC}/seeds/numbers.csv`)}`,
  },
];

const SPECS: FixtureSpec[] = [
  {
    name: 'tiny',
    seedStatuses: { 'seed:success': 2 },
    buildStatuses: { 'model:success': 2, 'seed:success': 2, 'test:pass': 3 },
    snapshotStatuses: {},
    warnTests: [],
    round1: tinyChecks,
    round2: tinyChecks,
  },
  {
    name: 'shop',
    seedStatuses: { 'seed:success': 4 },
    buildStatuses: {
      'model:success': 10,
      'seed:success': 4,
      'snapshot:success': 2,
      'test:pass': 38,
      'test:warn': 1,
    },
    snapshotStatuses: { 'snapshot:success': 2 },
    warnTests: ['test.shop.not_null_stg_customers_email'],
    round1: shopRound1,
    round2: shopRound2,
  },
];

async function runChecks(copy: FixtureCopy, fixture: string, checks: Check[]): Promise<string[]> {
  const src = path.join(fixturesRoot, fixture);
  const fill = (sql: string) => sql.replaceAll(SRC, src).replaceAll(NEW, path.join(src, 'changes'));
  const expected = await withMemoryDatabase(async (conn) => {
    const out: number[] = [];
    for (const c of checks) out.push(await queryNumber(conn, fill(c.expected)));
    return out;
  });
  return withDatabase(copy.dbPath, copy.projectDir, async (conn) => {
    const problems: string[] = [];
    for (const [i, c] of checks.entries()) {
      let actual: number;
      try {
        actual = await queryNumber(conn, c.actual);
      } catch (error) {
        problems.push(`${c.label}: ${error instanceof Error ? error.message : String(error)}`);
        continue;
      }
      if (actual !== expected[i]) problems.push(`${c.label}: mdw has ${actual}, the CSVs say ${expected[i]}`);
    }
    return problems;
  });
}

async function mdwOk(copy: FixtureCopy, command: string, extra: string[] = []): Promise<void> {
  // a stale run_results.json from the previous command must not pass for this one's
  rmSync(path.join(copy.projectDir, 'target', 'run_results.json'), { force: true });
  const r = await runMdw(copy, command, extra);
  assert.equal(
    r.code,
    0,
    `mdw ${[command, ...extra].join(' ')} exited ${r.code}, expected 0:\n${outputTail(r)}`,
  );
}

function assertStatuses(
  copy: FixtureCopy,
  command: string,
  expected: Record<string, number>,
  warnTests: string[],
) {
  const file = path.join(copy.projectDir, 'target', 'run_results.json');
  assert.ok(
    existsSync(file),
    `mdw ${command} wrote no target/run_results.json (dbt always writes one, with no results when nothing is selected)`,
  );
  const results = readRunResults(copy);
  assert.deepEqual(countStatuses(results), expected, `statuses of mdw ${command} (run_results.json)`);
  for (const prefix of warnTests) {
    const r = results.find((x) => x.unique_id === prefix || x.unique_id.startsWith(`${prefix}.`));
    assert.equal(r?.status, 'warn', `${prefix} should warn (severity: warn)`);
  }
}

for (const spec of SPECS.filter((x) => FIXTURES.includes(x.name))) {
  describe(`mdw on fixture ${spec.name}`, { concurrency: 1 }, () => {
    const tmp = makeTempRoot(`fixture-${spec.name}`);
    const copy = copyFixture(spec.name, tmp.root, 'mdw');
    let round1 = false;
    after(() => tmp.cleanup());

    it('mdw seed exits 0 and loads every seed', { timeout: 5 * 60_000 }, async () => {
      await mdwOk(copy, 'seed');
      assertStatuses(copy, 'seed', spec.seedStatuses, []);
    });

    it('mdw build exits 0 with the expected PASS/WARN counts', { timeout: 5 * 60_000 }, async () => {
      await mdwOk(copy, 'build');
      assertStatuses(copy, 'build', spec.buildStatuses, spec.warnTests);
      round1 = true;
    });

    it('row counts and sums match independent queries on the CSVs', async (t) => {
      if (!round1) return t.skip('mdw build failed');
      const problems = await runChecks(copy, spec.name, spec.round1);
      assert.deepEqual(problems, [], problems.join('\n'));
    });

    it('second round: seed + snapshot + build + snapshot after changing inputs', {
      timeout: 10 * 60_000,
    }, async (t) => {
      if (!round1) return t.skip('mdw build failed');
      applyChanges(copy);
      await mdwOk(copy, 'seed');
      assertStatuses(copy, 'seed', spec.seedStatuses, []);
      await mdwOk(copy, 'snapshot');
      assertStatuses(copy, 'snapshot', spec.snapshotStatuses, []);
      await mdwOk(copy, 'build');
      assertStatuses(copy, 'build', spec.buildStatuses, spec.warnTests);
      // a snapshot right after one more build finds no new version (checked by the counts below)
      await mdwOk(copy, 'snapshot');
      const problems = await runChecks(copy, spec.name, spec.round2);
      assert.deepEqual(problems, [], problems.join('\n'));
    });

    it('a selected run of one model exits 0', { timeout: 5 * 60_000 }, async (t) => {
      if (!round1) return t.skip('mdw build failed');
      const model = spec.name === 'shop' ? 'fct_orders' : 'summary';
      await mdwOk(copy, 'run', ['-s', model]);
      const results = readRunResults(copy);
      assert.deepEqual(
        results.map((r) => `${r.unique_id}:${r.status}`),
        [`model.${spec.name}.${model}:success`],
      );
      const n = await withDatabase(copy.dbPath, copy.projectDir, (conn) =>
        countRows(conn, spec.name === 'shop' ? 'main_marts' : 'main', model),
      );
      assert.ok(n > 0, `${model} is empty after mdw run -s ${model}`);
    });
  });
}
