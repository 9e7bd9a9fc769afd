/**
 * `mdw lint` through the CLI: dbt/ is clean, exit codes, output formats, --fix --check,
 * --fix whose output is lint-clean and builds to the same rows, and --warehouse on a built
 * project.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { lintProjectCopy } from '../support/lint-fixtures.js';
import { REPO_ROOT, runMdw } from '../support/project.js';

function rows(dir: string, model: string): unknown[] {
  const shown = runMdw(dir, ['show', '-s', model, '--output', 'json', '--limit', '1000']);
  assert.equal(shown.code, 0, shown.stderr);
  const list = JSON.parse(shown.stdout) as unknown[];
  return list.map((row) => JSON.stringify(row)).sort();
}

describe('mdw lint (CLI)', () => {
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('the warehouse project dbt/ is lint-clean', () => {
    const result = runMdw(join(REPO_ROOT, 'dbt'), ['lint']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /Linted \d+ models: 0 errors, 0 warnings\./);
  });

  it('--fix output is lint-clean and builds to the same rows; --fix --check changes nothing', () => {
    const dir = lintProjectCopy('fix', 'fail');
    dirs.push(dir);
    const file = join(dir, 'models/cur/mdw_cur_ft_store_prices.sql');
    const original = readFileSync(file, 'utf8');
    assert.equal(runMdw(dir, ['build']).code, 0);
    const before = rows(dir, 'mdw_cur_ft_store_prices');
    assert.equal(before.length, 3);

    const lint = runMdw(dir, ['lint']);
    assert.equal(lint.code, 1);
    assert.match(lint.stdout, /models\/cur\/mdw_cur_ft_store_prices\.sql:7:1: error S01 \(keyword-case\)/);

    const check = runMdw(dir, ['lint', '--fix', '--check']);
    assert.equal(check.code, 1);
    assert.match(check.stderr, /would fix models\/cur\/mdw_cur_ft_store_prices\.sql/);
    assert.equal(readFileSync(file, 'utf8'), original);

    const fix = runMdw(dir, ['lint', '--fix']);
    assert.equal(fix.code, 0, fix.stdout + fix.stderr);
    assert.notEqual(readFileSync(file, 'utf8'), original);
    assert.equal(runMdw(dir, ['lint', '--fix', '--check']).code, 0);
    assert.equal(runMdw(dir, ['build']).code, 0);
    assert.deepEqual(rows(dir, 'mdw_cur_ft_store_prices'), before);
  });

  it('--warehouse judges the built Iceberg tables; JSON and SARIF outputs', () => {
    const dir = lintProjectCopy();
    dirs.push(dir);
    const unbuilt = runMdw(dir, ['lint', '--warehouse']);
    assert.equal(unbuilt.code, 2);
    assert.match(unbuilt.stderr, /no built Iceberg table .*run mdw build first/);
    assert.equal(runMdw(dir, ['build']).code, 0);
    const result = runMdw(dir, ['lint', '--warehouse', '--output', 'json']);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.deepEqual(
      report.diagnostics.map((d: { rule: string; file: string }) => `${d.rule} ${d.file}`),
      ['W02 models/cur/mdw_cur_daily_sales.sql'],
    );
    assert.match(report.diagnostics[0].message, /per partition .*leave it unpartitioned/);
    const sarif = JSON.parse(runMdw(dir, ['lint', '--warehouse', '-o', 'sarif']).stdout);
    assert.equal(sarif.version, '2.1.0');
    assert.equal(sarif.runs[0].results[0].ruleId, 'W02');
  });

  it('bad usage is one sentence and exit 2', () => {
    const dir = lintProjectCopy();
    dirs.push(dir);
    const result = runMdw(dir, ['lint', '--output', 'xml']);
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim(), "mdw: --output must be one of text, json, sarif; got 'xml'.");
    assert.equal(runMdw(dir, ['lint', '--check']).code, 2);
  });
});
