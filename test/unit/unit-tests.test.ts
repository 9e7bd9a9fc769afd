/**
 * Unit tests (dbt 1.8+), the semantic layer in ls and --indirect-selection, end to end on
 * small projects and on test/fixtures/unit (compared with real dbt in test/dbt/unit-parity).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { diffRows } from '../../src/run/unit-test.js';
import { makeProject, REPO_ROOT, runMdw } from '../support/project.js';

function fixtureCopy(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'mdw-unit-')), 'unit');
  cpSync(join(REPO_ROOT, 'test', 'fixtures', 'unit'), dir, { recursive: true });
  return dir;
}

function statuses(dir: string): Record<string, string> {
  const runResults = JSON.parse(readFileSync(join(dir, 'target', 'run_results.json'), 'utf8'));
  return Object.fromEntries(
    runResults.results.map((r: { unique_id: string; status: string }) => [r.unique_id, r.status]),
  );
}

const MODEL = "select id, upper(name) as name from {{ ref('people') }}";
const PEOPLE = 'id,name\n1,ann\n';

function unitTestYaml(body: string): string {
  return `version: 2\nunit_tests:\n  - name: upper_names\n    model: shouting\n${body}`;
}

describe('unit tests', () => {
  it('build runs them before their model with dbt statuses; a failure skips the model, a sql expect is checked', () => {
    const dir = fixtureCopy();
    assert.equal(runMdw(dir, ['seed']).code, 0);
    const result = runMdw(dir, ['build']);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const s = statuses(dir);
    assert.equal(s['unit_test.unit_shop.order_totals.counts_shipped_orders'], 'pass');
    assert.equal(s['unit_test.unit_shop.order_totals.min_amount_from_vars'], 'pass');
    assert.equal(s['unit_test.unit_shop.stg_orders.drops_returned_orders'], 'pass');
    assert.equal(s['unit_test.unit_shop.recent_orders.only_new_orders_when_incremental'], 'pass');
    assert.equal(s['unit_test.unit_shop.customer_names.deliberately_wrong_names'], 'fail');
    assert.equal(s['model.unit_shop.customer_names'], 'skipped');
    assert.equal(s['model.unit_shop.order_totals'], 'success');
    assert.equal(s['saved_query.unit_shop.revenue_by_customer'], 'no-op');
    assert.match(result.stdout, /START unit_test order_totals::counts_shipped_orders/);
    assert.match(result.stdout, /FAIL 1 customer_names::deliberately_wrong_names/);
    assert.match(result.stdout, /Failure in unit_test deliberately_wrong_names \(models\/schema\.yml\)/);
    assert.match(result.stdout, /\+\+\+,1 +,ANN/);
    assert.match(result.stdout, /---,1 +,Ann/);
    const order = result.stdout.indexOf('START unit_test stg_orders::drops_returned_orders');
    assert.ok(order > 0 && order < result.stdout.indexOf('START sql table model main.stg_orders'));
    const manifest = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8'));
    const test = manifest.unit_tests['unit_test.unit_shop.order_totals.min_amount_from_vars'];
    assert.equal(test.model, 'order_totals');
    assert.deepEqual(test.depends_on.nodes, ['model.unit_shop.order_totals']);
    assert.equal(test.given[0].fixture, 'two_customers');
    assert.deepEqual(manifest.metrics['metric.unit_shop.revenue'].depends_on.nodes, [
      'semantic_model.unit_shop.customer_orders',
    ]);
    assert.deepEqual(manifest.semantic_models['semantic_model.unit_shop.customer_orders'].depends_on.nodes, [
      'model.unit_shop.order_totals',
    ]);
  });

  it('mdw test runs unit tests, selectable by test_type:unit, resource_type and name, or excluded', () => {
    const dir = fixtureCopy();
    runMdw(dir, ['seed']);
    runMdw(dir, ['run']);
    const unitOnly = runMdw(dir, [
      'test',
      '--select',
      'test_type:unit',
      '--exclude',
      'deliberately_wrong_names',
    ]);
    assert.equal(unitOnly.code, 0, unitOnly.stdout);
    assert.deepEqual(Object.values(statuses(dir)), ['pass', 'pass', 'pass', 'pass']);
    const byName = runMdw(dir, ['test', '--select', 'unit_test:deliberately_wrong_names']);
    assert.equal(byName.code, 1);
    assert.deepEqual(statuses(dir), {
      'unit_test.unit_shop.customer_names.deliberately_wrong_names': 'fail',
    });
    const dataOnly = runMdw(dir, ['test', '--exclude-resource-type', 'unit_test']);
    assert.equal(dataOnly.code, 0, dataOnly.stdout);
    assert.ok(Object.keys(statuses(dir)).every((id) => id.startsWith('test.')));
  });

  it('missing given columns are null, and overrides of macros and env vars apply', () => {
    const dir = makeProject({
      'seeds/people.csv': 'id,name,city\n1,ann,Oslo\n',
      'models/shouting.sql':
        "select id, upper(name) as name, city, '{{ env_var('GREETING', 'hi') }}' as greeting, {{ my_limit() }} as lim from {{ ref('people') }}",
      'macros/my_limit.sql': '{% macro my_limit() %}10{% endmacro %}',
      'models/unit.yml': unitTestYaml(`    overrides:
      env_vars: {GREETING: hello}
      macros: {my_limit: 3}
    given:
      - input: ref('people')
        rows: [{id: 1, name: ann}]
    expect:
      rows: [{id: 1, name: ANN, city: null, greeting: hello, lim: 3}]
`),
    });
    assert.equal(runMdw(dir, ['seed']).code, 0);
    const result = runMdw(dir, ['test']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /PASS shouting::upper_names/);
  });

  it("expect: rows: [] expects no rows of the model's whole shape; overrides of pkg.macro apply", () => {
    const dir = makeProject({
      'seeds/people.csv': PEOPLE,
      'models/above.sql': "select id, name from {{ ref('people') }} where id > {{ shop.my_limit() }}",
      'macros/my_limit.sql': '{% macro my_limit() %}10{% endmacro %}',
      'models/unit.yml': `version: 2
unit_tests:
  - name: none_above_five
    model: above
    overrides: {macros: {shop.my_limit: 5}}
    given: [{input: "ref('people')", rows: [{id: 1, name: ann}]}]
    expect: {rows: []}
  - name: none_above_zero
    model: above
    overrides: {macros: {shop.my_limit: 0}}
    given: [{input: "ref('people')", rows: [{id: 1, name: ann}]}]
    expect: {rows: []}
`,
    });
    assert.equal(runMdw(dir, ['seed']).code, 0);
    const result = runMdw(dir, ['test']);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const s = statuses(dir);
    assert.equal(s['unit_test.shop.above.none_above_five'], 'pass', result.stdout);
    assert.equal(s['unit_test.shop.above.none_above_zero'], 'fail', result.stdout);
  });

  it("in build a model's unit tests run one after the other: the first failure skips the rest", () => {
    const dir = makeProject({
      'seeds/people.csv': PEOPLE,
      'models/shouting.sql': MODEL,
      'models/unit.yml': `version: 2
unit_tests:
  - name: b_passes
    model: shouting
    given: [{input: "ref('people')", rows: [{id: 1, name: ann}]}]
    expect: {rows: [{name: ANN}]}
  - name: a_fails
    model: shouting
    given: [{input: "ref('people')", rows: [{id: 1, name: ann}]}]
    expect: {rows: [{name: ann}]}
`,
    });
    const result = runMdw(dir, ['build']);
    assert.equal(result.code, 1, result.stdout);
    const s = statuses(dir);
    assert.equal(s['unit_test.shop.shouting.a_fails'], 'fail');
    assert.equal(s['unit_test.shop.shouting.b_passes'], 'skipped');
    assert.equal(s['model.shop.shouting'], 'skipped');
    assert.match(result.stdout, /SKIP unit_test b_passes/);
  });

  it('a model ref that is not given is an error naming it', () => {
    const dir = makeProject({
      'seeds/people.csv': PEOPLE,
      'seeds/pets.csv': 'id\n1\n',
      'models/shouting.sql': `${MODEL} cross join {{ ref('pets') }}`,
      'models/unit.yml': unitTestYaml(`    given:
      - input: ref('people')
        rows: [{id: 1, name: ann}]
    expect:
      rows: [{id: 1, name: ANN}]
`),
    });
    runMdw(dir, ['seed']);
    const result = runMdw(dir, ['test']);
    assert.equal(result.code, 1);
    assert.match(result.stdout, /ref\('pets'\), which is not one of the unit test's 'given' inputs/);
  });

  const mistakes: [string, Record<string, string>, RegExp][] = [
    [
      'an unknown model',
      {
        'models/unit.yml': unitTestYaml('    given: []\n    expect: {rows: []}\n').replace(
          'shouting',
          'shoutin',
        ),
      },
      /models\/unit\.yml:3: unit test 'upper_names' tests model 'shoutin', which does not exist\. Did you mean 'shouting'\?/,
    ],
    [
      'an unknown format',
      {
        'models/unit.yml': unitTestYaml(
          "    given:\n      - input: ref('people')\n        format: json\n        rows: '[]'\n    expect: {rows: []}\n",
        ),
      },
      /models\/unit\.yml:6: unit test 'upper_names' uses format 'json'; dbt's formats are dict, csv and sql\./,
    ],
    [
      'an ephemeral input given as dict rows',
      {
        'models/people_eph.sql': "{{ config(materialized='ephemeral') }}select * from {{ ref('people') }}",
        'models/shouting.sql': "select id, upper(name) as name from {{ ref('people_eph') }}",
        'models/unit.yml': unitTestYaml(
          "    given:\n      - input: ref('people_eph')\n        rows: [{id: 1}]\n    expect: {rows: []}\n",
        ),
      },
      /models\/unit\.yml:6: unit test 'upper_names' gives input ref\('people_eph'\), an ephemeral model, with format dict; an ephemeral input needs format: sql/,
    ],
    [
      'a missing fixture file',
      {
        'models/unit.yml': unitTestYaml(
          "    given:\n      - input: ref('people')\n        format: csv\n        fixture: nobody\n    expect: {rows: []}\n",
        ),
      },
      /models\/unit\.yml:6: unit test 'upper_names' uses fixture 'nobody', but no nobody\.csv exists under tests\/fixtures\/\./,
    ],
  ];
  for (const [what, files, message] of mistakes) {
    it(`${what} is one sentence with file and line`, () => {
      const dir = makeProject({ 'seeds/people.csv': PEOPLE, 'models/shouting.sql': MODEL, ...files });
      const result = runMdw(dir, ['ls']);
      assert.equal(result.code, 2, result.stdout);
      assert.match(result.stderr, message);
      assert.doesNotMatch(result.stderr, /\n\s+at /);
    });
  }

  it('diffRows counts rows on one side only, with multiplicity', () => {
    const same = diffRows(['a'], [[1], [1]], [[1], [1]]);
    assert.equal(same.rows, 0);
    const diff = diffRows(
      ['a', 'b'],
      [
        [1, 'x'],
        [1, 'x'],
      ],
      [
        [1, 'x'],
        [2, null],
      ],
    );
    assert.equal(diff.rows, 2);
    assert.equal(diff.table, '@@ ,a,b\n+++,2,None\n---,1,x');
  });
});

describe('the semantic layer and indirect selection in ls', () => {
  it('lists metrics, semantic models, saved queries and unit tests with dbt selectors', () => {
    const dir = fixtureCopy();
    const result = runMdw(dir, [
      'ls',
      '--resource-type',
      'metric',
      'semantic_model',
      'saved_query',
      'unit_test',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.stdout.trim().split('\n'), [
      'metric:unit_shop.orders',
      'metric:unit_shop.revenue',
      'metric:unit_shop.revenue_per_order',
      'saved_query:unit_shop.revenue_by_customer',
      'semantic_model:unit_shop.customer_orders',
      'unit_test:unit_shop.deliberately_wrong_names',
      'unit_test:unit_shop.counts_shipped_orders',
      'unit_test:unit_shop.min_amount_from_vars',
      'unit_test:unit_shop.only_new_orders_when_incremental',
      'unit_test:unit_shop.drops_returned_orders',
    ]);
    const metrics = runMdw(dir, ['ls', '--select', 'resource_type:metric,+metric:revenue_per_order']);
    assert.equal(
      metrics.stdout.trim(),
      'metric:unit_shop.orders\nmetric:unit_shop.revenue\nmetric:unit_shop.revenue_per_order',
    );
  });

  it('a metric reading an undefined measure is one sentence with file and line', () => {
    const dir = makeProject({
      'models/a.sql': 'select 1 as id',
      'models/metrics.yml':
        'version: 2\nmetrics:\n  - name: m\n    label: M\n    type: simple\n    type_params:\n      measure: nothing\n',
    });
    const result = runMdw(dir, ['ls']);
    assert.equal(result.code, 2);
    assert.match(
      result.stderr,
      /models\/metrics\.yml:3: metric 'm' uses measure 'nothing', which no semantic model defines\./,
    );
  });

  it('--indirect-selection and DBT_INDIRECT_SELECTION choose the tests of a selection with several parents', () => {
    const dir = fixtureCopy();
    const tests = (args: string[], env: Record<string, string> = {}) =>
      runMdw(
        dir,
        ['ls', '--resource-type', 'test', 'unit_test', '--output', 'name', '--select', 'stg_orders', ...args],
        env,
      )
        .stdout.trim()
        .split('\n')
        .filter(Boolean);
    const relationships = 'relationships_stg_orders_customer_id__id__ref_customers_';
    const eager = tests([]);
    assert.ok(eager.includes(relationships));
    assert.ok(eager.includes('drops_returned_orders'));
    const cautious = tests(['--indirect-selection', 'cautious']);
    assert.ok(!cautious.includes(relationships));
    assert.ok(cautious.includes('unique_stg_orders_id'));
    assert.deepEqual(tests([], { DBT_INDIRECT_SELECTION: 'cautious' }), cautious);
    // the unit test's fqn (package, model, name) matches `stg_orders` itself, as in dbt
    assert.deepEqual(tests(['--indirect-selection', 'empty']), ['drops_returned_orders']);
    const bad = runMdw(dir, ['ls', '--indirect-selection', 'lazy']);
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /--indirect-selection must be one of eager, cautious, buildable, empty; got 'lazy'\./,
    );
  });
});
