/**
 * Parity with real dbt on test/fixtures/unit: unit tests (passing ones and one that fails on
 * purpose), saved queries in build, `ls` of metrics, semantic models, saved queries and unit
 * tests, and --indirect-selection on a selection whose tests have several parents.
 * Run with `npm run test:dbt` (needs the dbt venv, as parity.test.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  copyFixture,
  ensureDbtVenv,
  makeTempRoot,
  outputTail,
  readRunResults,
  runDbt,
  runMdw,
} from './helpers.js';

const FIXTURE = 'unit';

describe(`parity with dbt: ${FIXTURE} (unit tests, semantic layer, indirect selection)`, {
  concurrency: 1,
}, () => {
  const tmp = makeTempRoot('parity-unit');
  const dbtCopy = copyFixture(FIXTURE, tmp.root, 'dbt');
  const mdwCopy = copyFixture(FIXTURE, tmp.root, 'mdw');
  let venvBin = '';

  before(
    async () => {
      venvBin = await ensureDbtVenv();
    },
    { timeout: 25 * 60_000 },
  );
  after(() => tmp.cleanup());

  const byId = (results: { unique_id: string; status: string }[]) =>
    Object.fromEntries(results.map((r) => [r.unique_id, r.status]).sort(([a], [b]) => a!.localeCompare(b!)));

  it('seed + build: the same exit code and statuses by unique_id (one unit test fails on purpose)', {
    timeout: 10 * 60_000,
  }, async () => {
    for (const [side, run] of [
      ['dbt', (command: string) => runDbt(venvBin, dbtCopy, command)],
      ['mdw', (command: string) => runMdw(mdwCopy, command)],
    ] as const) {
      const seed = await run('seed');
      assert.equal(seed.code, 0, `${side} seed: ${outputTail(seed)}`);
      const build = await run('build');
      assert.equal(build.code, 1, `${side} build exits 1 (deliberately_wrong_names): ${outputTail(build)}`);
    }
    const dbt = byId(readRunResults(dbtCopy));
    const mdw = byId(readRunResults(mdwCopy));
    assert.equal(dbt['unit_test.unit_shop.customer_names.deliberately_wrong_names'], 'fail');
    assert.deepEqual(mdw, dbt);
  });

  const lsCases: [string, string[]][] = [
    ['everything', []],
    [
      'the semantic layer and unit tests',
      ['--resource-type', 'metric', 'semantic_model', 'saved_query', 'unit_test'],
    ],
    ['metrics upstream of a ratio metric', ['--select', '+metric:revenue_per_order']],
    ['unit tests by test_type', ['--select', 'test_type:unit']],
    ...['eager', 'cautious', 'buildable', 'empty'].map((mode): [string, string[]] => [
      `tests of stg_orders, --indirect-selection ${mode}`,
      ['--resource-type', 'test', 'unit_test', '--select', 'stg_orders', '--indirect-selection', mode],
    ]),
    [
      'tests of customers+ excluding stg_orders',
      [
        '--resource-type',
        'test',
        'unit_test',
        '--select',
        'customers+',
        '--exclude',
        'stg_orders',
        '--indirect-selection',
        'cautious',
      ],
    ],
    // YAML selectors of the fixture's selectors.yml (indirect_selection, union/intersection, exclude)
    ...[
      'orders_cautious',
      'orders_eager',
      'orders_and_customers_cautious',
      'orders_and_customers_eager',
      'downstream_of_orders_without_totals',
      'models_around_orders',
      'parents_with_depth',
      'reuses_another',
    ].map((name): [string, string[]] => [`--selector ${name}`, ['--selector', name]]),
  ];
  for (const [what, args] of lsCases) {
    it(`ls: ${what}`, { timeout: 5 * 60_000 }, async () => {
      const dbt = await runDbt(venvBin, dbtCopy, 'ls', ['--quiet', ...args]);
      const mdw = await runMdw(mdwCopy, 'ls', args);
      assert.equal(dbt.code, 0, outputTail(dbt));
      assert.equal(mdw.code, 0, outputTail(mdw));
      const lines = (text: string) =>
        text
          .split('\n')
          .map((l) => l.trim())
          .filter(Boolean)
          .sort();
      assert.deepEqual(lines(mdw.stdout), lines(dbt.stdout));
    });
  }
});
