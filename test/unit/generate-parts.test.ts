import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DigitCounter, putUint } from '../../src/generate/bytes.js';
import {
  civilFromDays,
  dayKey,
  daysFromCivil,
  formatTimestamp,
  parseDayKey,
  weekday,
} from '../../src/generate/calendar.js';
import { csvLine, parseCsv } from '../../src/generate/csv.js';
import {
  removePath,
  writeEmptyFile,
  writeHeaderOnly,
  writeWithMissingColumn,
  writeWithRenamedHeader,
  writeWithReorderedColumns,
} from '../../src/generate/dirty-files.js';
import { Rng } from '../../src/generate/prng.js';
import { decimal4 } from '../../src/generate/reference.js';
import { appendedDayRows, FIRST_SALES_DAY, LAST_SALES_DAY, rowsPerDay } from '../../src/generate/sizes.js';
import { MdwError } from '../../src/util/errors.js';

describe('calendar', () => {
  test('day numbers round-trip and match Date', () => {
    for (let days = -800; days < 30_000; days += 37) {
      const { y, m, d } = civilFromDays(days);
      assert.equal(daysFromCivil(y, m, d), days);
      const date = new Date(days * 86_400_000);
      assert.deepEqual([y, m, d], [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()]);
      assert.equal(weekday(days), (date.getUTCDay() + 6) % 7);
    }
    assert.equal(LAST_SALES_DAY - FIRST_SALES_DAY + 1, 129);
  });

  test('formats timestamps like the published files', () => {
    const ms = Date.UTC(2018, 1, 5, 7, 38, 25, 430);
    assert.equal(formatTimestamp(ms), '2018-02-05 07:38:25.430');
    assert.equal(formatTimestamp(Date.UTC(1999, 11, 31, 23, 59, 59, 9)), '1999-12-31 23:59:59.009');
  });

  test('parses and refuses day keys', () => {
    assert.equal(dayKey(parseDayKey('20180510')), '20180510');
    for (const bad of ['2018-05-10', '20180230', '2018051', 'tomorrow', '20181301']) {
      assert.throws(() => parseDayKey(bad), MdwError, bad);
    }
  });
});

describe('number formatting', () => {
  test('decimal4 keeps up to four fraction digits', () => {
    assert.equal(decimal4(123_456), '12.3456');
    assert.equal(decimal4(125_000), '12.5');
    assert.equal(decimal4(120_000), '12');
    assert.equal(decimal4(5), '0.0005');
  });

  test('putUint and DigitCounter write decimal ASCII', () => {
    const buf = Buffer.alloc(32);
    for (const n of [0, 7, 10, 99, 12345, 2_147_483_647]) {
      const end = putUint(buf, 1, n);
      assert.equal(buf.toString('latin1', 1, end), String(n));
    }
    const counter = new DigitCounter(997);
    const seen: string[] = [];
    for (let i = 0; i < 5; i++) {
      const end = counter.put(buf, 0);
      seen.push(buf.toString('latin1', 0, end));
      counter.increment();
    }
    assert.deepEqual(seen, ['997', '998', '999', '1000', '1001']);
  });
});

describe('prng', () => {
  test('is deterministic per (seed, labels) and stays in range', () => {
    const a = Rng.of(42, 'sales', 17532);
    const b = Rng.of(42, 'sales', 17532);
    const c = Rng.of(42, 'sales', 17533);
    const xs = Array.from({ length: 1000 }, () => a.u32());
    assert.deepEqual(
      xs,
      Array.from({ length: 1000 }, () => b.u32()),
    );
    assert.notDeepEqual(
      xs.slice(0, 10),
      Array.from({ length: 10 }, () => c.u32()),
    );
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) counts[a.int(10)]!++;
    for (const n of counts) assert.ok(n > 9_000 && n < 11_000, `bucket ${n}`);
    assert.notDeepEqual(Rng.of(1).u32(), Rng.of(2 ** 32 + 1).u32());
  });
});

describe('sizes', () => {
  test('rows per day sum exactly to the total and follow the weekday pattern', () => {
    for (const total of [1, 129, 67_581, 6_758_125]) {
      const days = rowsPerDay(42, total, FIRST_SALES_DAY, LAST_SALES_DAY);
      assert.equal(days.length, 129);
      assert.equal(
        days.reduce((a, b) => a + b, 0),
        total,
      );
    }
    const typical = 6_758_125 / 129;
    const appended = appendedDayRows(42, 1, LAST_SALES_DAY + 1);
    assert.ok(appended > typical * 0.75 && appended < typical * 1.3, `${appended}`);
  });
});

describe('csv helpers', () => {
  test('parseCsv follows RFC 4180 and csvLine quotes only when needed', () => {
    const text = 'a,b,c\r\n1,"x, y","say ""hi"""\n2,"two\nlines",\n';
    assert.deepEqual(parseCsv(text), [
      ['a', 'b', 'c'],
      ['1', 'x, y', 'say "hi"'],
      ['2', 'two\nlines', ''],
    ]);
    assert.equal(csvLine(['1', 'x, y', 'say "hi"', 'plain']), '1,"x, y","say ""hi""",plain\n');
    assert.deepEqual(parseCsv(csvLine(['a\nb', '"', ','])), [['a\nb', '"', ',']]);
  });
});

describe('dirty-files helpers', () => {
  let dir: string;
  after(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test('build file-level dirty cases from a clean file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'mdw-dirty-files-'));
    const source = join(dir, 'products.csv');
    const clean = 'ProductID,ProductName,Price\n1,Bread - Rye,2.5\n2,"Cheese, Brie",7\n';
    await writeFile(source, clean);

    const renamed = join(dir, 'renamed.csv');
    await writeWithRenamedHeader(source, { Price: 'UnitPrice' }, renamed);
    assert.equal(await readFile(renamed, 'utf8'), clean.replace('Price\n', 'UnitPrice\n'));

    const reordered = join(dir, 'reordered.csv');
    await writeWithReorderedColumns(source, ['Price', 'ProductID', 'ProductName'], reordered);
    assert.deepEqual(parseCsv(await readFile(reordered, 'utf8')), [
      ['Price', 'ProductID', 'ProductName'],
      ['2.5', '1', 'Bread - Rye'],
      ['7', '2', 'Cheese, Brie'],
    ]);

    const missing = join(dir, 'missing.csv');
    await writeWithMissingColumn(source, 'ProductName', missing);
    assert.equal(await readFile(missing, 'utf8'), 'ProductID,Price\n1,2.5\n2,7\n');

    const headerOnly = join(dir, 'header.csv');
    await writeHeaderOnly(source, headerOnly);
    assert.equal(await readFile(headerOnly, 'utf8'), 'ProductID,ProductName,Price\n');

    await writeEmptyFile(headerOnly);
    assert.equal((await readFile(headerOnly)).length, 0);

    await assert.rejects(writeWithRenamedHeader(source, { Nope: 'X' }), /no column Nope/);
    await assert.rejects(writeWithMissingColumn(source, 'Nope'), MdwError);

    // In place (no dest): the header changes, the rows stay.
    await writeWithRenamedHeader(source, { ProductID: 'Id' });
    assert.match(await readFile(source, 'utf8'), /^Id,ProductName,Price\n1,Bread - Rye/);

    await removePath(source);
    await assert.rejects(readFile(source), /ENOENT/);
  });
});
