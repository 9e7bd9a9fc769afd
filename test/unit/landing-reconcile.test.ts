import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  assertLandingReconciled,
  quarantineRows,
  scanWithOptions,
  shownPath,
} from '../../src/landing/reconcile.js';
import type { LandingFileReport } from '../../src/landing/report.js';

const noLimits = { maxRows: null, maxPercent: null };
const context = {
  reader: "Trino's CSV reader",
  source: 'raw.sales',
  quarantineRelation: 'dqm.dqm_quarantine',
};

function report(dataLines: number, rowsRead: number, quarantined: number): LandingFileReport {
  return {
    file: 'landing/sales.csv',
    data_lines: dataLines,
    rows_read: rowsRead,
    quarantined,
    reasons: {},
    scanned: true,
  };
}

test('a file whose rows read plus lines quarantined equal its data lines passes', () => {
  assertLandingReconciled([report(10, 9, 1), report(5, 5, 0)], { ...context, limits: noLimits });
});

test('a reader that returned fewer rows than the file holds stops the build naming the file and the reader', () => {
  assert.throws(
    () => assertLandingReconciled([report(5, 5, 0), report(1000, 3, 0)], { ...context, limits: noLimits }),
    (error: Error) =>
      error.message.startsWith("landing/sales.csv: Trino's CSV reader returned 3 rows") &&
      error.message.includes('the file has 1,000 data lines') &&
      error.message.includes('(source raw.sales)'),
  );
});

test('a file over the quarantine limit stops the build naming the quarantine table', () => {
  assert.throws(
    () =>
      assertLandingReconciled([report(100, 90, 10)], {
        ...context,
        limits: { maxRows: 5, maxPercent: null },
      }),
    /landing\/sales\.csv: 10 of 100 data lines .* of source raw\.sales; see dqm\.dqm_quarantine\./,
  );
});

test("the scan honours the source's delimiter, and the quarantine rows carry each damaged record", () => {
  const dir = mkdtempSync(join(tmpdir(), 'mdw-reconcile-'));
  const file = join(dir, 'sales.csv');
  writeFileSync(file, 'a;b\n1;2\n3;4;5\n6;7\n');
  const scan = scanWithOptions(file, { delim: ';' });
  assert.equal(scan.dataRecords, 3);
  assert.deepEqual(
    scan.damaged.map((record) => record.line),
    [3],
  );
  const rows = quarantineRows(
    'raw.sales',
    [scan],
    (path) => shownPath(path, dir),
    (v) => `'${v}'`,
    'now()',
  );
  assert.equal(rows.length, 1);
  assert.match(rows[0]!, /^\('raw\.sales', 'sales\.csv', 3, '[a-z_]+', '3;4;5', now\(\)\)$/);
});

test('a path outside the project is shown whole', () => {
  const project = join(tmpdir(), 'project');
  const outside = join(tmpdir(), 'landing', 'x.csv');
  assert.equal(shownPath(outside, project), outside);
  assert.equal(shownPath(join(project, 'landing', 'x.csv'), project), join('landing', 'x.csv'));
});
