/**
 * Conformance, fixture `microbatch` (test/fixtures/conformance/microbatch), on every selected
 * target and each table format it offers: dbt's microbatch strategy backfills a range of days one
 * batch each, and a later run over one day replaces exactly that day's rows.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CliResult, FixtureRun, tail } from './harness.js';
import { selectedTargets } from './targets.js';

const S = 'conformance';

for (const target of selectedTargets()) {
  for (const format of target.tableFormats) {
    describe(`conformance microbatch on ${target.name} (${format} tables)`, () => {
      let run: FixtureRun;
      let backfill: CliResult;
      let oneDay: CliResult;
      let daysAfterBackfill: Record<string, unknown>[] = [];
      let backfillBatches: string[] = [];

      const days = () =>
        run.rows(
          `select cast(cast(event_at as date) as varchar) as day, cast(count(*) as integer) as n,
                  cast(count(*) filter (where v = 'new') as integer) as new
           from ${S}.mb_daily group by 1 order by 1`,
        );

      before(async () => {
        await target.setup?.();
        run = new FixtureRun(target, 'microbatch', { MDW_CONFORMANCE_TABLE_TYPE: format });
        backfill = run.mdw(['run', '--event-time-start', '2024-01-01', '--event-time-end', '2024-01-05']);
        if (backfill.code === 0) {
          backfillBatches = run.batchStarts('mb_daily');
          daysAfterBackfill = days();
        }
        oneDay = run.mdw([
          'run',
          '--vars',
          '{phase: 2}',
          '--event-time-start',
          '2024-01-02',
          '--event-time-end',
          '2024-01-03',
        ]);
      });
      after(async () => {
        run?.remove();
        await target.teardown?.();
      });

      it('a backfill builds one batch per day of the range, and only those days', () => {
        assert.equal(backfill.code, 0, tail(backfill));
        assert.deepEqual(backfillBatches, ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04']);
        assert.deepEqual(daysAfterBackfill, [
          { day: '2024-01-01', n: 5, new: 0 },
          { day: '2024-01-02', n: 5, new: 0 },
          { day: '2024-01-03', n: 5, new: 0 },
          { day: '2024-01-04', n: 5, new: 0 },
        ]);
      });

      it('a run over one day replaces that day whole and leaves the others', () => {
        assert.equal(oneDay.code, 0, tail(oneDay));
        assert.deepEqual(run.batchStarts('mb_daily'), ['2024-01-02']);
        assert.deepEqual(days(), [
          { day: '2024-01-01', n: 5, new: 0 },
          { day: '2024-01-02', n: 7, new: 7 },
          { day: '2024-01-03', n: 5, new: 0 },
          { day: '2024-01-04', n: 5, new: 0 },
        ]);
      });
    });
  }
}
