/**
 * Every lint rule on its fixture pair (test/fixtures/lint/cases/<id>/fail|pass laid over the
 * clean base project): the failing example reports exactly these rule ids at these
 * file:line:col, the passing one reports nothing.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { lintProject } from '../../src/lint/engine.js';
import { RULES } from '../../src/lint/rules/catalog.js';
import { type TableStats, tableHealth } from '../../src/lint/rules/warehouse.js';
import { LINT_FIXTURES, lintProjectCopy, loadLintProject } from '../support/lint-fixtures.js';

/** rule id → the failing example's diagnostics as `rule file:line:col` */
const EXPECTED: Record<string, string[]> = {
  N01: ['N01 models/marts/store_list.sql:1:1'],
  N02: ['N02 models/std/mdw_std_item_names.sql:1:1'],
  N03: ['N03 models/cur/mdw_cur_ft_store_items.sql:1:1', 'N03 models/cur/mdw_cur_items.sql:1:1'],
  N04: ['N04 models/cur/mdw_cur_ft_stores.sql:9:5'],
  N05: [
    'N05 models/cur/mdw_cur_ft_sold.sql:8:5',
    'N05 models/cur/mdw_cur_ft_sold.sql:9:5',
    'N05 models/cur/mdw_cur_ft_sold.sql:10:5',
  ],
  N06: ['N06 models/cur/mdw_cur_daily_sales.sql:27:5', 'N06 models/cur/mdw_cur_daily_sales.sql:27:5'],
  L01: ['L01 models/std/mdw_std_dim_shops.sql:9:6'],
  L02: ['L02 models/stg/mdw_stg_store_names.sql:4:6'],
  L03: ['L03 models/cur/mdw_cur_ft_stores.sql:10:6'],
  L04: ['L04 models/stg/mdw_stg_items.sql:5:9', 'L04 models/stg/mdw_stg_items.sql:7:5'],
  L05: ['L05 models/std/mdw_std_dim_item_prices.sql:9:5', 'L05 models/std/mdw_std_dim_item_prices.sql:12:5'],
  L06: ['L06 models/cur/mdw_cur_ft_stores.sql:10:6'],
  L07: ['L07 models/std/mdw_std_dim_item_names.sql:1:1'],
  L08: ['L08 models/cur/mdw_cur_ft_stores.sql:1:1'],
  L09: ['L09 models/std/mdw_std_dim_item_names.sql:14:8'],
  S01: [
    'S01 models/cur/mdw_cur_ft_stores.sql:7:1',
    'S01 models/cur/mdw_cur_ft_stores.sql:7:8',
    'S01 models/cur/mdw_cur_ft_stores.sql:10:1',
  ],
  S02: ['S02 models/cur/mdw_cur_ft_stores.sql:8:15'],
  S03: ['S03 models/cur/mdw_cur_ft_stores.sql:11:5', 'S03 models/cur/mdw_cur_ft_stores.sql:16:20'],
  S04: ['S04 models/cur/mdw_cur_ft_stores.sql:8:1', 'S04 models/cur/mdw_cur_ft_stores.sql:9:1'],
  S05: [
    'S05 models/cur/mdw_cur_ft_stores.sql:8:18',
    'S05 models/cur/mdw_cur_ft_stores.sql:9:27',
    'S05 models/cur/mdw_cur_ft_stores.sql:10:37',
  ],
  S06: ['S06 models/cur/mdw_cur_ft_stores.sql:11:1'],
  T01: ['T01 models/stg/store_names.yml:4:5'],
  T02: ['T02 models/std/item_stores.yml:4:5', 'T02 models/std/item_stores.yml:4:5'],
  T03: ['T03 models/cur/store_sales.yml:4:5', 'T03 models/cur/store_sales.yml:4:5'],
  X01: ['X01 models/cur/mdw_cur_ft_stores.sql:11:18'],
  // the noqa without a reason suppresses nothing, so the S05 it meant to hide stays
  X02: [
    'S05 models/cur/mdw_cur_ft_stores.sql:10:37',
    'X02 models/cur/mdw_cur_ft_stores.sql:10:41',
    'X02 models/cur/mdw_cur_ft_stores.sql:11:20',
  ],
};

async function lintCase(id: string, variant: 'fail' | 'pass'): Promise<string[]> {
  const dir = lintProjectCopy(id, variant);
  try {
    const result = await lintProject(loadLintProject(dir));
    return result.diagnostics.map((d) => `${d.ruleId} ${d.file}:${d.line}:${d.column}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('lint fixtures', () => {
  it('the base project is lint-clean', async () => {
    assert.deepEqual(await lintCase('none', 'pass'), []);
  });
  it('every model rule has a case', () => {
    const modelRules = RULES.filter((r) => r.group !== 'warehouse').map((r) => r.id);
    assert.deepEqual(Object.keys(EXPECTED).sort(), modelRules.sort());
  });
  for (const [id, expected] of Object.entries(EXPECTED)) {
    it(`${id}: the failing example reports exactly its findings, the passing one none`, async () => {
      assert.deepEqual(await lintCase(id, 'fail'), expected);
      assert.deepEqual(await lintCase(id, 'pass'), []);
    });
  }
});

/** A stats fixture; a partition with `repeat: N` stands for N partitions with consecutive values. */
function readStats(id: string, variant: 'fail' | 'pass'): TableStats {
  type Entry = TableStats['partitions'][number] & { repeat?: number };
  const raw = JSON.parse(readFileSync(join(LINT_FIXTURES, 'cases', id, `${variant}.json`), 'utf8')) as Omit<
    TableStats,
    'partitions'
  > & { partitions: Entry[] };
  const partitions = raw.partitions.flatMap(({ repeat, ...p }) =>
    Array.from({ length: repeat ?? 1 }, (_, i) => ({ ...p, value: String(Number(p.value) + i) })),
  );
  return { ...raw, partitions };
}

describe('warehouse health rules', () => {
  const rulesOf = (stats: TableStats) => tableHealth(stats).map((f) => f.ruleId);
  it('W01: more than 10,000 partitions, with a coarser partitioning recommended', () => {
    const findings = tableHealth(readStats('W01', 'fail'));
    assert.deepEqual(
      findings.map((f) => f.ruleId),
      ['W01'],
    );
    assert.match(
      findings[0]!.message,
      /10,001 partitions \(limit 10,000\): partition by month instead of by day/,
    );
    assert.deepEqual(rulesOf(readStats('W01', 'pass')), []);
  });
  it('W02: 10 MB daily partitions are told to become monthly', () => {
    const findings = tableHealth(readStats('W02', 'fail'));
    assert.deepEqual(
      findings.map((f) => f.ruleId),
      ['W02'],
    );
    assert.match(
      findings[0]!.message,
      /10\.0 MB per partition .*partition by month instead of by day \(12 partitions of about 280\.0 MB\)/,
    );
    assert.deepEqual(rulesOf(readStats('W02', 'pass')), []);
  });
  it('W03: many small files and one oversized file', () => {
    const findings = tableHealth(readStats('W03', 'fail'));
    assert.deepEqual(
      findings.map((f) => f.ruleId),
      ['W03', 'W03'],
    );
    assert.match(
      findings[0]!.message,
      /100 files under 128 MB in 5 partition\(s\).*mdw iceberg optimize cur\.fragmented/,
    );
    assert.match(findings[1]!.message, /1 file\(s\) over 256 MB/);
    assert.deepEqual(rulesOf(readStats('W03', 'pass')), []);
  });
});
