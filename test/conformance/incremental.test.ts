/**
 * Conformance, fixture `incremental` (test/fixtures/conformance/incremental), on every selected
 * target and each table format it offers: the append, merge, delete+insert and insert_overwrite
 * strategies (by a partition column and by a month() transform) and the four on_schema_change
 * modes, checked by their rows after a second run brings new and changed rows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CliResult, FixtureRun, tail } from './harness.js';
import { selectedTargets } from './targets.js';

const S = 'conformance';

for (const target of selectedTargets()) {
  for (const format of target.tableFormats) {
    describe(`conformance incremental on ${target.name} (${format} tables)`, () => {
      let run: FixtureRun;
      let second: CliResult;
      let nextDayFilesBefore: string[] = [];

      before(async () => {
        await target.setup?.();
        run = new FixtureRun(target, 'incremental', { MDW_CONFORMANCE_TABLE_TYPE: format });
        run.ok(['run']);
        if (format === 'iceberg') nextDayFilesBefore = dataFiles(run, `${S}.inc_delete_insert_next_day`);
        second = run.mdw(['run', '--vars', '{phase: 2}']);
      });
      after(async () => {
        run?.remove();
        await target.teardown?.();
      });

      it('the second run fails only the on_schema_change=fail model, naming the change', () => {
        assert.equal(second.code, 1, tail(second));
        const statuses = run.statuses();
        const failed = Object.entries(statuses).filter(([, status]) => status !== 'success');
        assert.deepEqual(failed, [['osc_fail', 'error']]);
        assert.match(second.stdout, /osc_fail[\s\S]*on_schema_change/);
      });

      it('append, merge and delete+insert keep one row per id with the newest values', () => {
        const counts = (table: string) => ({
          [`${table}_rows`]: `select count(*) from ${S}.${table}`,
          [`${table}_ids`]: `select count(distinct id) from ${S}.${table}`,
          [`${table}_new`]: `select count(*) from ${S}.${table} where v = 'new'`,
        });
        assert.deepEqual(
          run.scalars({ ...counts('inc_append'), ...counts('inc_merge'), ...counts('inc_delete_insert') }),
          {
            inc_append_rows: 150,
            inc_append_ids: 150,
            inc_append_new: 50,
            inc_merge_rows: 150,
            inc_merge_ids: 150,
            inc_merge_new: 100,
            inc_delete_insert_rows: 150,
            inc_delete_insert_ids: 150,
            inc_delete_insert_new: 100,
          },
        );
      });

      it('delete+insert on a text key replaces the re-sent keys and keeps the others', () => {
        const byDay = run.rows(
          `select day, cast(count(*) as integer) as n, cast(count(distinct id) as integer) as ids,
             cast(count(*) filter (where v = 'new') as integer) as new
           from ${S}.inc_delete_insert_day group by 1 order by 1`,
        );
        assert.deepEqual(byDay, [
          { day: 'd1', n: 10, ids: 10, new: 0 },
          { day: 'd2', n: 10, ids: 10, new: 10 },
          { day: 'd3', n: 10, ids: 10, new: 10 },
        ]);
        assert.deepEqual(
          run.scalars({ n: `select count(*) from ${S}.inc_delete_insert_next_day where v = 'old'` }),
          { n: 10 },
        );
      });

      it("delete+insert of keys past the table's bounds leaves its data files as they are", {
        skip: format === 'iceberg' ? false : 'only Iceberg tables list their data files',
      }, () => {
        const after = dataFiles(run, `${S}.inc_delete_insert_next_day`);
        assert.equal(nextDayFilesBefore.length, 1, nextDayFilesBefore.join(', '));
        assert.ok(
          after.includes(nextDayFilesBefore[0]!),
          `round 1's file was rewritten: ${after.join(', ')}`,
        );
        assert.equal(after.length, 2, after.join(', '));
      });

      it('insert_overwrite replaces exactly the partitions of the new rows', () => {
        const byPartition = run.rows(
          `select "partition", cast(count(*) as integer) as n, cast(count(*) filter (where v = 'new') as integer) as new
           from ${S}.inc_overwrite group by 1 order by 1`,
        );
        assert.deepEqual(byPartition, [
          { partition: 'p1', n: 10, new: 10 },
          { partition: 'p2', n: 10, new: 0 },
        ]);
        const byMonth = run.rows(
          `select cast(month(sales_at) as integer) as month, cast(count(*) as integer) as n, cast(min(id) as integer) as first_id
           from ${S}.inc_overwrite_month group by 1 order by 1`,
        );
        assert.deepEqual(byMonth, [
          { month: 1, n: 10, first_id: 0 },
          { month: 2, n: 10, first_id: 1 },
          { month: 3, n: 10, first_id: 1000 },
          { month: 4, n: 10, first_id: 3 },
        ]);
      });

      it('on_schema_change: ignore keeps the columns, append_new_columns adds, sync_all_columns mirrors', () => {
        const columns = run.rows(
          `select table_name, ${target.stringAgg('column_name', ',', 'ordinal_position')} as columns
           from information_schema.columns where table_schema = '${S}' and table_name like 'osc_%' group by 1 order by 1`,
        );
        assert.deepEqual(columns, [
          { table_name: 'osc_append_new_columns', columns: 'id,a,b,c' },
          { table_name: 'osc_fail', columns: 'id,a,b' },
          { table_name: 'osc_ignore', columns: 'id,a,b' },
          { table_name: 'osc_sync_all_columns', columns: 'id,a,c' },
        ]);
        const agg = (expr: string) => target.stringAgg(expr, ' ', 'id');
        const values = run.scalars({
          ignore: `select ${agg("cast(id as varchar) || ':' || coalesce(b, '-')")} from ${S}.osc_ignore`,
          append: `select ${agg("cast(id as varchar) || ':' || coalesce(b, '-') || coalesce(c, '-')")} from ${S}.osc_append_new_columns`,
          sync: `select ${agg("cast(id as varchar) || ':' || coalesce(c, '-')")} from ${S}.osc_sync_all_columns`,
          fail: `select count(*) from ${S}.osc_fail`,
        });
        assert.deepEqual(values, {
          ignore: '1:b1 2:b2 3:- 4:-',
          append: '1:b1- 2:b2- 3:-c3 4:-c4',
          sync: '1:- 2:- 3:c3 4:c4',
          fail: 2,
        });
      });
    });
  }
}

/** The paths of a table's live data files. */
function dataFiles(run: FixtureRun, table: string): string[] {
  return run.iceberg(['files', table]).map((file) => String(file.path));
}
