/**
 * The dirty-landing corpus (test/support/dirty-corpus.ts) on the grocery warehouse, in both
 * sales layouts: the build completes; every clean sale reaches the fact; every damaged line
 * is loaded as valid, rejected by staging, or quarantined with its line number and reason;
 * and the rows read plus the quarantined lines add up to the lines the corpus wrote.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { applyCorpus, type Damage } from '../support/dirty-corpus.js';
import {
  generate,
  mdw,
  newWarehouse,
  query,
  removeWarehouse,
  runResults,
  type WarehouseRun,
} from '../support/warehouse.js';

const runs: WarehouseRun[] = [];
after(() => {
  for (const run of runs) removeWarehouse(run);
});
const seen = { names: new Set<string>(), files: new Set<string>() };

function landingFiles(
  run: WarehouseRun,
): { file: string; data_lines: number; rows_read: number; quarantined: number }[] {
  const results = JSON.parse(readFileSync(`${run.projectDir}/target/run_results.json`, 'utf8'));
  return results.landing.sources.flatMap((s: { files: unknown[] }) => s.files);
}

async function factIds(run: WarehouseRun): Promise<Set<number>> {
  const rows = await query(run, 'select sales_id from mdw_cur.mdw_cur_ft_sales');
  return new Set(rows.map((r) => Number(r.sales_id)));
}

for (const layout of ['file', 'daily'] as const) {
  describe(`dirty-landing corpus, sales layout '${layout}'`, () => {
    it('builds to completion and accounts for every line', async () => {
      const run = newWarehouse(`corpus-${layout}`);
      runs.push(run);
      const vars = layout === 'daily' ? ['--vars', '{sales_layout: daily}'] : [];
      assert.equal(generate(run, ['--scale', '0.01', ...(layout === 'daily' ? ['--daily'] : [])]).code, 0);
      const baseline = mdw(run, ['build', ...vars]);
      assert.equal(baseline.code, 0, baseline.stdout.slice(-2000));
      const cleanIds = await factIds(run);

      const corpus = applyCorpus(run.rawDir, layout);
      for (const damage of corpus.damages) {
        seen.names.add(damage.name);
        seen.files.add(damage.file.startsWith('sales') ? 'sales' : damage.file);
      }
      const build = mdw(run, ['build', '--full-refresh', ...vars]);
      const output = build.stdout + build.stderr;
      assert.equal(build.code, 0, build.stdout.slice(-3000));
      assert.doesNotMatch(output, /internal error|\n\s+at .*\.js:\d+/);
      assert.ok(runResults(run).every((r) => r.status !== 'error' && r.status !== 'fail'));

      // Counts: for every landing file, read + quarantined = the lines the corpus wrote.
      const files = landingFiles(run);
      for (const file of files) assert.equal(file.rows_read + file.quarantined, file.data_lines, file.file);
      for (const [name, lines] of corpus.dataLines) {
        const found = files.find((f) => f.file.endsWith(`/${name}`));
        assert.ok(found, `${name} in run_results.json landing`);
        assert.equal(found.data_lines, lines, `${name}: data lines`);
      }

      // Quarantine: exactly the damaged lines expected there, with line and reason.
      const expected = corpus.damages
        .filter((d: Damage) => d.outcome.kind === 'quarantined')
        .map((d) => `${d.file}:${d.line}:${(d.outcome as { reason: string }).reason}`)
        .sort();
      const stored = (
        await query(run, 'select file, line::int as line, reason from mdw_dqm.mdw_dqm_quarantine')
      )
        .map((r) => `${String(r.file).slice(run.rawDir.length + 1)}:${r.line}:${r.reason}`)
        .sort();
      assert.deepEqual(stored, expected);
      assert.match(output, new RegExp(`Quarantined ${expected.length} landing lines`));

      // Sales: every clean sale reaches the fact; damaged ones land where the corpus says.
      const dirtyIds = await factIds(run);
      const lost = [...cleanIds].filter((id) => !corpus.touchedSales.has(id) && !dirtyIds.has(id));
      assert.deepEqual(lost, [], `${lost.length} clean sales lost`);
      for (const damage of corpus.damages) {
        if (damage.salesId === null) continue;
        const inFact = dirtyIds.has(damage.salesId);
        assert.equal(
          inFact,
          damage.outcome.kind === 'valid',
          `${damage.name} (${damage.file}:${damage.line})`,
        );
      }
      const rejected = await query(
        run,
        'select count(*)::int as n from mdw_stg.mdw_stg_sales where reject_reason is not null',
      );
      assert.ok(Number(rejected[0]!.n) >= 2, 'rejected sales carry a reason in staging');
    });
  });
}

describe('dirty-landing corpus coverage', () => {
  it('has at least 25 kinds of damage across all seven files', () => {
    assert.ok(seen.names.size >= 25, `${seen.names.size} kinds: ${[...seen.names].join('; ')}`);
    assert.deepEqual([...seen.files].sort(), [
      'categories.csv',
      'cities.csv',
      'countries.csv',
      'customers.csv',
      'employees.csv',
      'products.csv',
      'sales',
    ]);
  });
});
