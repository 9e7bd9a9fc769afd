/**
 * Conformance, fixture `lakehouse` (test/fixtures/conformance/lakehouse), on every selected
 * target: Iceberg history, time travel, rollback, optimize, snapshot expiry and orphan removal
 * through `mdw iceberg ...` / `mdw show --as-of`, and partition_by transforms (day, bucket,
 * truncate) with the files a filtered scan must read.
 */
import assert from 'node:assert/strict';
import { readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { FixtureRun, missing } from './harness.js';
import { selectedTargets } from './targets.js';

const S = 'conformance';
const EVENTS = `${S}.ice_events`;
const SALES = `${S}.ice_sales`;
/** 2018-03-01 as days since 1970-01-01 */
const MARCH_FIRST = 17591;

interface HistoryRow {
  snapshot_id: string;
  operation: string;
  total_records: number;
  current: string;
}

for (const target of selectedTargets()) {
  const skip = missing(target, ['iceberg-maintenance']);
  describe(`conformance lakehouse on ${target.name}`, { skip }, () => {
    let run: FixtureRun;
    let snapshots: HistoryRow[];
    const count = (extra: string[] = []) =>
      Number(run.scalars({ n: `select count(*) from ${EVENTS}` }, extra).n);

    before(async () => {
      await target.setup?.();
      run = new FixtureRun(target, 'lakehouse');
      run.ok(['run']);
      run.ok(['run', '-s', 'ice_events', 'ice_bucketed_merge', '--vars', '{phase: 2}']);
      run.ok(['run', '-s', 'ice_events', 'ice_bucketed_merge', '--vars', '{phase: 3}']);
      snapshots = run.iceberg(['history', EVENTS]) as unknown as HistoryRow[];
    });
    after(async () => {
      run?.remove();
      await target.teardown?.();
    });

    it('keeps one snapshot per run in the history', () => {
      assert.deepEqual(
        snapshots.map((s) => [s.total_records, s.current]),
        [
          [10, ''],
          [20, ''],
          [30, 'yes'],
        ],
      );
    });

    it('time travels to a snapshot id', () => {
      assert.equal(count(['--as-of', snapshots[0]!.snapshot_id]), 10);
      assert.equal(count(['--as-of', snapshots[1]!.snapshot_id]), 20);
      assert.equal(count(), 30);
    });

    it('rolls back to an earlier snapshot', () => {
      run.ok(['iceberg', 'rollback', EVENTS, '--to', snapshots[1]!.snapshot_id]);
      assert.equal(count(), 20);
      const history = run.iceberg(['history', EVENTS]) as unknown as HistoryRow[];
      assert.equal(history.find((s) => s.snapshot_id === snapshots[2]!.snapshot_id)?.current, 'rolled back');
    });

    it('optimizes small files into one without changing the rows', () => {
      const before = run.iceberg(['files', EVENTS]).length;
      assert.equal(before, 2);
      const sum = () => run.scalars({ s: `select sum(id) from ${EVENTS}` }).s;
      const sumBefore = sum();
      run.ok(['iceberg', 'optimize', EVENTS, '--target-file-size', '1MB']);
      assert.equal(run.iceberg(['files', EVENTS]).length, 1);
      assert.equal(sum(), sumBefore);
    });

    it('expires old snapshots, keeping the current data readable', () => {
      run.ok(['iceberg', 'expire-snapshots', EVENTS, '--older-than', '0', '--retain-last', '1']);
      const history = run.iceberg(['history', EVENTS]) as unknown as HistoryRow[];
      assert.equal(history.length, 1);
      assert.equal(history[0]!.current, 'yes');
      assert.equal(count(), 20);
      const gone = run.mdw([
        'show',
        '--inline',
        `select count(*) from ${EVENTS}`,
        '--as-of',
        snapshots[0]!.snapshot_id,
      ]);
      assert.notEqual(gone.code, 0, 'an expired snapshot is no longer readable');
    });

    it('removes orphan files older than the cutoff and nothing else', () => {
      const dataDir = join(run.dir, 'warehouse', S, 'ice_events', 'data');
      const orphan = join(dataDir, 'orphan-left-by-a-crash.parquet');
      writeFileSync(orphan, 'not referenced by any snapshot');
      const old = new Date(Date.now() - 3 * 3600_000);
      utimesSync(orphan, old, old);
      run.ok(['iceberg', 'remove-orphans', EVENTS, '--older-than', '1h']);
      assert.equal(readdirSync(dataDir).includes('orphan-left-by-a-crash.parquet'), false);
      assert.equal(count(), 20);
    });

    it('partitions by day, bucket and truncate transforms', {
      skip: missing(target, ['partition-transforms']),
    }, () => {
      const partitions = run.iceberg(['partitions', SALES]).map((p) => String(p.partition));
      for (const p of partitions)
        assert.match(p, /^sales_at_day=\d+\/customer_id_bucket=[0-3]\/region_trunc=(nor|sou)$/);
      const days = new Set(partitions.map((p) => /sales_at_day=(\d+)/.exec(p)![1]));
      assert.equal(days.size, 7);
      const files34 = run.iceberg(['files', SALES, '--where', 'customer_id = 34']);
      assert.ok(files34.length > 0);
      for (const f of files34)
        assert.match(String(f.partition), /customer_id_bucket=3\//, "Iceberg's bucket of 34 among 4 is 3");
    });

    it('floors time transforms before the epoch and partitions by a timestamp identity', {
      skip: missing(target, ['partition-transforms']),
    }, () => {
      const partitions = run
        .iceberg(['partitions', `${S}.ice_time_partitions`])
        .map((p) => String(p.partition));
      // ts in microseconds; d_bucket values are the Iceberg spec's Murmur3 buckets of days -2..1
      assert.deepEqual(
        partitions.sort(),
        [
          '-3600000000/ts_hour=-1/d_year=-1/d_month=-1/d_bucket=1',
          '-7200000000/ts_hour=-2/d_year=-1/d_month=-1/d_bucket=0',
          '0/ts_hour=0/d_year=0/d_month=0/d_bucket=1',
          '3600000000/ts_hour=1/d_year=0/d_month=0/d_bucket=2',
        ]
          .map((p) => `ts=${p}`)
          .sort(),
      );
      const rows = run.scalars({
        n: `select count(*) from ${S}.ice_time_partitions where ts < '1970-01-01'`,
      });
      assert.equal(rows.n, 2);
    });

    it('merges into a bucket-partitioned table: one row per id, each file in one bucket', {
      skip: missing(target, ['partition-transforms']),
    }, () => {
      const merged = run.scalars({
        rows: `select count(*) from ${S}.ice_bucketed_merge`,
        ids: `select count(distinct id) from ${S}.ice_bucketed_merge`,
        latest: `select string_agg(distinct phase::varchar, ',' order by phase::varchar) from ${S}.ice_bucketed_merge where id between 20 and 29`,
      });
      assert.deepEqual(merged, { rows: 40, ids: 40, latest: '3' });
      const buckets = run.iceberg(['partitions', `${S}.ice_bucketed_merge`]).map((p) => String(p.partition));
      assert.deepEqual(buckets, ['id_bucket=0', 'id_bucket=1', 'id_bucket=2', 'id_bucket=3']);
    });

    it('prunes files by partition value and bounds for a filter on the source column', {
      skip: missing(target, ['partition-transforms']),
    }, () => {
      const all = run.iceberg(['files', SALES]);
      const scanned = run.iceberg(['files', SALES, '--where', "sales_at >= '2018-03-01'"]);
      const dayOf = (f: Record<string, unknown>) =>
        Number(/sales_at_day=(\d+)/.exec(String(f.partition))![1]);
      assert.ok(scanned.length > 0 && scanned.length < all.length, `${scanned.length} of ${all.length}`);
      assert.deepEqual(
        scanned.map((f) => f.path).sort(),
        all
          .filter((f) => dayOf(f) >= MARCH_FIRST)
          .map((f) => f.path)
          .sort(),
      );
      const records = scanned.reduce((sum, f) => sum + Number(f.records), 0);
      const rows = run.scalars({ n: `select count(*) from ${SALES} where sales_at >= '2018-03-01'` }).n;
      assert.equal(records, rows, 'the scanned files hold exactly the matching rows');
      assert.equal(run.iceberg(['files', SALES, '--where', 'id > 1000']).length, 0, 'bounds prune too');
    });
  });
}
