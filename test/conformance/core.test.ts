/**
 * Conformance, fixture `core` (test/fixtures/conformance/core), on every selected target:
 * view/table/ephemeral models, seeds with inferred and declared types, an external CSV source,
 * tests with severity/where/limit/store_failures, hooks, grants, awkward identifiers, and
 * snapshots (timestamp, check, hard deletes) across two builds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type CliResult, FixtureRun, missing, tail } from './harness.js';
import { selectedTargets } from './targets.js';

const S = 'conformance';

for (const target of selectedTargets()) {
  describe(`conformance core on ${target.name}`, () => {
    let run: FixtureRun;
    let first: CliResult;

    before(async () => {
      await target.setup?.();
      run = new FixtureRun(target, 'core');
      first = run.mdw(['build']);
    });
    after(async () => {
      run?.remove();
      await target.teardown?.();
    });

    it('builds with warnings only: exit 0, every node in its expected state', () => {
      assert.equal(first.code, 0, tail(first));
      const statuses = run.statuses();
      for (const node of ['people_view', 'people_table', 'buyer_totals', 'Mixed_Case_Model', 'hooked_model'])
        assert.equal(statuses[node], 'success', node);
      for (const seed of ['inferred_people', 'typed_people', 'awkward_names'])
        assert.equal(statuses[seed], 'success', seed);
      assert.equal(statuses.buyers_ephemeral, undefined, 'ephemeral models are not executed');
    });

    it('materializes views as views and tables as tables; ephemeral models leave no relation', () => {
      const kinds = run.rows(
        `select table_name, table_type from information_schema.tables where table_schema = '${S}'
         and table_name in ('people_view', 'people_table', 'buyer_totals', 'buyers_ephemeral') order by 1`,
      );
      assert.deepEqual(
        kinds.map((r) => [r.table_name, r.table_type]),
        [
          ['buyer_totals', 'BASE TABLE'],
          ['people_table', 'BASE TABLE'],
          ['people_view', 'VIEW'],
        ],
      );
    });

    it('reads an external CSV source through an ephemeral model', {
      skip: missing(target, ['external-csv']),
    }, () => {
      const spent = run.rows(`select id, cast(spent as varchar) as spent from ${S}.buyer_totals order by id`);
      assert.deepEqual(
        spent.map((r) => [r.id, Number(r.spent)]),
        [
          [1, 20],
          [2, 0],
          [3, 12.25],
          [4, 0],
        ],
      );
    });

    it('loads seeds with inferred types and with declared column_types', () => {
      const types = run.rows(
        `select table_name, column_name, upper(data_type) as data_type from information_schema.columns
         where table_schema = '${S}' and table_name in ('inferred_people', 'typed_people') order by 1, ordinal_position`,
      );
      const of = (table: string) =>
        Object.fromEntries(
          types.filter((t) => t.table_name === table).map((t) => [t.column_name, t.data_type]),
        );
      assert.deepEqual(of('inferred_people'), {
        id: 'INTEGER',
        name: 'VARCHAR',
        joined: 'DATE',
        score: 'DOUBLE',
        active: 'BOOLEAN',
      });
      assert.deepEqual(of('typed_people'), {
        id: 'BIGINT',
        name: 'VARCHAR',
        joined: 'DATE',
        score: 'DECIMAL(6,2)',
        active: 'VARCHAR',
      });
      const values = run.scalars({
        nulls: `select count(*) from ${S}.inferred_people where score is null`,
        sum: `select cast(sum(score) as varchar) from ${S}.typed_people`,
      });
      assert.deepEqual(values, { nulls: 1, sum: '256.75' });
    });

    it('runs tests with severity, where, limit and store_failures', () => {
      const statuses = run.statuses();
      assert.equal(statuses['not_null_people_view_id'], 'pass');
      assert.equal(statuses['unique_people_view_id'], 'pass');
      assert.equal(statuses['not_null_people_view_score'], 'warn', 'severity warn');
      assert.equal(statuses['accepted_values_people_view_name__Ada__Grace'], 'pass', 'where limits the rows');
      assert.equal(statuses['no_unknown_buyers'], 'warn', 'warn_if >= 1, error_if > 1');
      assert.equal(statuses['spent_is_positive'], 'warn');
      assert.match(first.stdout, /WARN 1 spent_is_positive/, 'limit 1 caps two failing rows at one');
      const stored = run.scalars({ rows: `select count(*) from ${S}_dbt_test__audit.spent_is_positive` });
      assert.equal(stored.rows, 1, 'store_failures keeps the (limited) failing rows');
    });

    it('runs on-run-start, pre-hooks, the model, post-hooks and on-run-end in order', {
      skip: missing(target, ['hooks']),
    }, () => {
      const log = run.rows(`select step from ${S}.hook_log order by rowid`);
      assert.deepEqual(
        log.map((r) => r.step),
        [
          'run start',
          'pre-hook saw 0 tables named hooked_model',
          'project post-hook on hooked_model',
          'post-hook counted 2',
          'run end',
        ],
      );
    });

    it('reports grants once per run on a target without grants', {
      skip: missing(target, ['grants-warning']),
    }, () => {
      const warnings =
        first.stdout.match(/grants are not supported on the \S+ target; ignored for 2 models/g) ?? [];
      assert.equal(warnings.length, 1, first.stdout);
    });

    it('quotes awkward identifiers: spaces, mixed case and reserved words in seeds, columns and aliases', () => {
      const rows = run.rows(
        `select id, "First Name", "order", "select", "CamelCase" from ${S}."Weird Table Name" order by "order"`,
      );
      const expected = [
        { id: 2, 'First Name': 'Grace', order: 1, select: 'y', CamelCase: 'B' },
        { id: 1, 'First Name': 'Ada', order: 3, select: 'x', CamelCase: 'A' },
      ];
      // Trino stores every identifier folded to lower case, quoted ones too, while its result labels
      // follow the query's text: there the names compare without case
      const fold = (row: Record<string, unknown>) =>
        Object.fromEntries(Object.entries(row).map(([name, value]) => [name.toLowerCase(), value]));
      if (target.foldsIdentifierCase) assert.deepEqual(rows.map(fold), expected.map(fold));
      else assert.deepEqual(rows, expected);
    });

    it('snapshots track changes by timestamp and by check columns, and invalidate hard deletes', () => {
      const second = run.mdw(['build', '--vars', '{phase: 2}']);
      assert.equal(second.code, 0, tail(second));
      const versions = (table: string) =>
        run.rows(
          `select id, cast(count(*) as integer) as versions, cast(count(*) filter (where dbt_valid_to is null) as integer) as current
           from ${S}.${table} group by id order by id`,
        );
      const expectedKeepingDeletes = [
        { id: 1, versions: 1, current: 1 },
        { id: 2, versions: 2, current: 1 },
        { id: 3, versions: 1, current: 1 },
        { id: 4, versions: 1, current: 1 },
      ];
      assert.deepEqual(versions('snap_timestamp'), expectedKeepingDeletes, 'timestamp strategy');
      assert.deepEqual(versions('snap_check'), expectedKeepingDeletes, 'check strategy');
      assert.deepEqual(
        versions('snap_hard_deletes'),
        [
          { id: 1, versions: 1, current: 1 },
          { id: 2, versions: 2, current: 1 },
          { id: 3, versions: 1, current: 0 },
          { id: 4, versions: 1, current: 1 },
        ],
        'hard_deletes=invalidate closes the deleted key',
      );
      const changed = run.scalars({
        status: `select status from ${S}.snap_check where id = 2 and dbt_valid_to is null`,
      });
      assert.equal(changed.status, 'shipped');
    });
  });
}
