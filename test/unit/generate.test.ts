import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';
import {
  appendDay,
  BASE_ROWS,
  customerRows,
  DIRTY_CASES,
  type DirtyEntry,
  type GenerateReport,
  type GenerateState,
  generateDataset,
  HEADERS,
  parseCsv,
  STATE_FILE,
  salesRows,
  TABLES,
  type TableName,
} from '../../src/generate/index.js';
import { MdwError } from '../../src/util/errors.js';

const SCALE = 0.01;
const TS = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/;
const ID = /^[1-9]\d*$/;

/** A `yyyy-MM-dd HH:mm:ss.SSS` naming a real calendar instant (JS Date.parse accepts 2018-02-30). */
function isRealTimestamp(text: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.(\d{3})$/.exec(text);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return (
    date.getUTCMonth() === mo - 1 && date.getUTCDate() === d && date.getUTCHours() === h && mi < 60 && s < 60
  );
}

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'mdw-generate-'));
  dirs.push(dir);
  return dir;
}
after(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function sha256(path: string): Promise<string> {
  return createHash('sha256')
    .update(await readFile(path))
    .digest('hex');
}

/** Header and rows of a file (quote-aware parser, whole file). */
async function readTable(dir: string, relative: string): Promise<{ header: string[]; rows: string[][] }> {
  const records = parseCsv(await readFile(join(dir, relative), 'utf8'));
  return { header: records[0]!, rows: records.slice(1) };
}

/** Sales rows as objects keyed by header name. */
function asObjects(header: string[], rows: string[][]): Array<Record<string, string>> {
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]!])));
}

function column(rows: string[][], header: readonly string[], name: string): string[] {
  const i = header.indexOf(name);
  assert.ok(i >= 0, `no column ${name}`);
  return rows.map((r) => r[i]!);
}

async function salesFilesOf(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const folder of (await readdir(join(dir, 'sales'))).sort()) {
    for (const file of (await readdir(join(dir, 'sales', folder))).sort())
      out.push(`sales/${folder}/${file}`);
  }
  return out;
}

describe('generateDataset (scale 0.01, single sales.csv)', () => {
  let dir: string;
  let report: GenerateReport;
  const tables = {} as Record<TableName, { header: string[]; rows: string[][] }>;

  before(async () => {
    dir = await tempDir();
    report = await generateDataset({ outDir: dir, scale: SCALE });
    for (const table of TABLES) tables[table] = await readTable(dir, `${table}.csv`);
  });

  test('writes the seven files with the exact headers', () => {
    for (const table of TABLES) assert.deepEqual(tables[table].header, HEADERS[table], table);
  });

  test('reference tables keep their size; customers and sales follow the scale', () => {
    for (const table of ['categories', 'countries', 'cities', 'employees', 'products'] as const) {
      assert.equal(tables[table].rows.length, BASE_ROWS[table], table);
    }
    assert.equal(tables.customers.rows.length, customerRows(SCALE));
    assert.equal(customerRows(SCALE), Math.round(BASE_ROWS.customers * Math.sqrt(SCALE)));
    assert.equal(tables.sales.rows.length, salesRows(SCALE));
    assert.equal(salesRows(1), 6_758_125);
    assert.equal(customerRows(1), 98_759);
  });

  test('every row has as many fields as its header', () => {
    for (const table of TABLES) {
      const { header, rows } = tables[table];
      for (const row of rows) assert.equal(row.length, header.length, `${table}: ${row.join(',')}`);
    }
  });

  test('the report counts rows and bytes per file', async () => {
    const sales = report.files.find((f) => f.file === 'sales.csv')!;
    assert.equal(sales.rows, salesRows(SCALE));
    assert.equal(sales.bytes, (await readFile(join(dir, 'sales.csv'))).length);
    assert.equal(report.tables.products?.rows, 452);
    assert.ok(report.salesRowsPerSecond > 0);
    assert.deepEqual(report.days, { first: '20180101', last: '20180509', count: 129 });
  });

  test('primary keys are unique integers and every foreign key resolves', () => {
    const keys = (table: TableName): Set<string> => {
      const ids = column(tables[table].rows, HEADERS[table], HEADERS[table][0]!);
      for (const id of ids) assert.match(id, ID, table);
      const set = new Set(ids);
      assert.equal(set.size, ids.length, `${table} keys are unique`);
      return set;
    };
    const parents = {
      categories: keys('categories'),
      countries: keys('countries'),
      cities: keys('cities'),
      customers: keys('customers'),
      employees: keys('employees'),
      products: keys('products'),
    };
    keys('sales');
    const fks: Array<[TableName, string, keyof typeof parents]> = [
      ['sales', 'SalesPersonID', 'employees'],
      ['sales', 'CustomerID', 'customers'],
      ['sales', 'ProductID', 'products'],
      ['products', 'CategoryID', 'categories'],
      ['customers', 'CityID', 'cities'],
      ['employees', 'CityID', 'cities'],
      ['cities', 'CountryID', 'countries'],
    ];
    for (const [child, name, parent] of fks) {
      const values = column(tables[child].rows, HEADERS[child], name);
      const missing = values.filter((v) => !parents[parent].has(v));
      assert.deepEqual(missing.slice(0, 5), [], `${child}.${name} → ${parent}`);
    }
  });

  test('reference values have the published formats', () => {
    const check = (table: TableName, name: string, pattern: RegExp): void => {
      for (const v of column(tables[table].rows, HEADERS[table], name))
        assert.match(v, pattern, `${table}.${name}`);
    };
    const NAME = /^\S.*\S$|^\S$/;
    check('categories', 'CategoryName', NAME);
    check('countries', 'CountryName', NAME);
    check('countries', 'CountryCode', /^[A-Z]{2}$/);
    check('cities', 'CityName', NAME);
    check('cities', 'Zipcode', /^\d{5}$/);
    for (const table of ['customers', 'employees'] as const) {
      check(table, 'FirstName', NAME);
      check(table, 'LastName', NAME);
      check(table, 'MiddleInitial', /^[A-Z]?$/);
    }
    check('customers', 'Address', /^\d+ \S.*$/);
    check('employees', 'BirthDate', TS);
    check('employees', 'HireDate', TS);
    check('employees', 'Gender', /^[MF]$/);
    check('products', 'ProductName', /^\S.* - \S.*$/);
    check('products', 'Price', /^\d+(\.\d{1,4})?$/);
    check('products', 'Class', /^(Low|Medium|High)$/);
    check('products', 'ModifyDate', TS);
    check('products', 'Resistant', /^(Durable|Weak|Unknown)$/);
    check('products', 'IsAllergic', /^(True|False|Unknown)$/);
    check('products', 'VitalityDays', /^(\d{1,3})?$/);
    for (const [table, name] of [
      ['employees', 'BirthDate'],
      ['employees', 'HireDate'],
      ['products', 'ModifyDate'],
    ] as const) {
      for (const v of column(tables[table].rows, HEADERS[table], name))
        assert.ok(isRealTimestamp(v), `${name} ${v}`);
    }

    const initials = column(tables.customers.rows, HEADERS.customers, 'MiddleInitial');
    assert.ok(
      initials.some((v) => v === '') && initials.some((v) => v !== ''),
      'MiddleInitial is sometimes empty',
    );
    const prices = column(tables.products.rows, HEADERS.products, 'Price');
    assert.ok(
      prices.some((p) => /\.\d{4}$/.test(p)),
      'some prices use 4 fraction digits',
    );
    const names = column(tables.products.rows, HEADERS.products, 'ProductName');
    assert.equal(new Set(names).size, names.length, 'product names are unique');
  });

  test('sales values have the published formats and quirks', () => {
    const sales = asObjects(tables.sales.header, tables.sales.rows);
    let undated = 0;
    let minDate = '9999';
    let maxDate = '0000';
    for (const s of sales) {
      assert.match(s.SalesID!, ID);
      assert.match(s.Quantity!, /^([1-9]|1\d|2[0-5])$/);
      assert.match(s.Discount!, /^(0|0\.1|0\.2)$/);
      assert.equal(s.TotalPrice, '0');
      assert.match(s.TransactionNumber!, /^[A-Z0-9]{20}$/);
      if (s.SalesDate === '') {
        undated++;
        continue;
      }
      assert.ok(isRealTimestamp(s.SalesDate!), s.SalesDate);
      const day = s.SalesDate!.slice(0, 10);
      if (day < minDate) minDate = day;
      if (day > maxDate) maxDate = day;
    }
    assert.equal(minDate, '2018-01-01');
    assert.equal(maxDate, '2018-05-09');
    const share = undated / sales.length;
    assert.ok(share > 0.005 && share < 0.015, `empty SalesDate share ${share}`);
    for (const d of ['0', '0.1', '0.2'])
      assert.ok(
        sales.some((s) => s.Discount === d),
        `discount ${d} occurs`,
      );
  });

  test('a TransactionNumber is shared by several sales of one customer at one time', () => {
    const byNumber = new Map<string, Array<Record<string, string>>>();
    for (const s of asObjects(tables.sales.header, tables.sales.rows)) {
      const list = byNumber.get(s.TransactionNumber!) ?? [];
      list.push(s);
      byNumber.set(s.TransactionNumber!, list);
    }
    const shared = [...byNumber.values()].filter((list) => list.length > 1);
    assert.ok(shared.length > byNumber.size / 4, 'many transactions have several items');
    for (const list of shared.slice(0, 200)) {
      assert.equal(new Set(list.map((s) => s.CustomerID)).size, 1);
      assert.equal(new Set(list.map((s) => s.SalesPersonID)).size, 1);
      assert.equal(new Set(list.map((s) => s.SalesDate).filter((d) => d !== '')).size <= 1, true);
    }
  });

  test('writes a state file for appendDay', async () => {
    const state = JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')) as GenerateState;
    assert.equal(state.seed, 42);
    assert.equal(state.scale, SCALE);
    assert.equal(state.layout, 'single');
    assert.equal(state.maxSalesId, salesRows(SCALE));
    assert.equal(state.firstDay, '20180101');
    assert.equal(state.lastDay, '20180509');
    assert.deepEqual(state.keys, { employees: 23, customers: customerRows(SCALE), products: 452 });
  });

  test('is deterministic: same seed gives the same bytes, another seed different sales', async () => {
    const again = await tempDir();
    await generateDataset({ outDir: again, scale: SCALE, seed: 42 });
    for (const table of TABLES) {
      assert.equal(await sha256(join(again, `${table}.csv`)), await sha256(join(dir, `${table}.csv`)), table);
    }
    const other = await tempDir();
    await generateDataset({ outDir: other, scale: SCALE, seed: 7 });
    assert.notEqual(await sha256(join(other, 'sales.csv')), await sha256(join(dir, 'sales.csv')));
    assert.notEqual(await sha256(join(other, 'customers.csv')), await sha256(join(dir, 'customers.csv')));
  });

  test('rejects a bad scale or seed with an MdwError', async () => {
    const bad = await tempDir();
    await assert.rejects(generateDataset({ outDir: bad, scale: 0 }), MdwError);
    await assert.rejects(generateDataset({ outDir: bad, scale: Number.NaN }), MdwError);
    await assert.rejects(generateDataset({ outDir: bad, seed: -1, scale: SCALE }), MdwError);
  });
});

describe('generateDataset daily layout', () => {
  let single: string;
  let daily: string;

  before(async () => {
    single = await tempDir();
    daily = await tempDir();
    await generateDataset({ outDir: single, scale: SCALE, seed: 3 });
    await generateDataset({ outDir: daily, scale: SCALE, seed: 3, daily: true });
  });

  test('one folder per day plus the undated folder, no sales.csv', async () => {
    assert.equal(existsSync(join(daily, 'sales.csv')), false);
    const folders = (await readdir(join(daily, 'sales'))).sort();
    assert.equal(folders.length, 130);
    assert.equal(folders[0], 'partition=20180101');
    assert.equal(folders[128], 'partition=20180509');
    assert.equal(folders[129], 'partition=__HIVE_DEFAULT_PARTITION__');
    for (const folder of folders.slice(0, 129)) {
      assert.deepEqual(await readdir(join(daily, 'sales', folder)), ['part-00000.csv']);
    }
    for (const file of await readdir(join(daily, 'sales', 'partition=__HIVE_DEFAULT_PARTITION__'))) {
      assert.match(file, /^part-2018\d{4}\.csv$/);
    }
  });

  test('each file has the header; dated files hold their day, the undated folder only empty dates', async () => {
    for (const file of await salesFilesOf(daily)) {
      const { header, rows } = await readTable(daily, file);
      assert.deepEqual(header, HEADERS.sales, file);
      assert.ok(rows.length > 0, file);
      const dates = column(rows, header, 'SalesDate');
      const day = /partition=(\d{8})/.exec(file)?.[1];
      if (day) {
        const iso = `${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6)}`;
        for (const d of dates) assert.equal(d.slice(0, 10), iso, file);
      } else {
        for (const d of dates) assert.equal(d, '', file);
      }
    }
  });

  test('holds exactly the rows of the single-file landing (layout does not change the data)', async () => {
    const expected = (await readFile(join(single, 'sales.csv'), 'latin1')).split('\n').slice(1, -1).sort();
    const actual: string[] = [];
    for (const file of await salesFilesOf(daily)) {
      actual.push(...(await readFile(join(daily, file), 'latin1')).split('\n').slice(1, -1));
    }
    assert.equal(actual.length, expected.length);
    assert.deepEqual(actual.sort(), expected);
  });
});

describe('appendDay', () => {
  test('appends a day to sales.csv: ids continue, keys resolve; refuses existing or earlier days', async () => {
    const dir = await tempDir();
    await generateDataset({ outDir: dir, scale: SCALE });
    const before = (await readFile(join(dir, 'sales.csv'), 'latin1')).split('\n').length;
    const report = await appendDay({ outDir: dir, day: '20180510' });
    assert.equal(report.salesIds.first, salesRows(SCALE) + 1);
    assert.ok(report.tables.sales!.rows > 200, 'a typical day of rows');
    const { header, rows } = await readTable(dir, 'sales.csv');
    assert.equal(rows.length, before - 2 + report.tables.sales!.rows);
    const added = asObjects(header, rows.slice(-report.tables.sales!.rows));
    added.forEach((s, i) => {
      assert.equal(s.SalesID, String(salesRows(SCALE) + 1 + i));
      assert.ok(s.SalesDate === '' || s.SalesDate!.startsWith('2018-05-10 '), s.SalesDate);
      assert.ok(Number(s.CustomerID) >= 1 && Number(s.CustomerID) <= customerRows(SCALE));
      assert.ok(Number(s.ProductID) >= 1 && Number(s.ProductID) <= 452);
      assert.ok(Number(s.SalesPersonID) >= 1 && Number(s.SalesPersonID) <= 23);
    });
    const state = JSON.parse(await readFile(join(dir, STATE_FILE), 'utf8')) as GenerateState;
    assert.equal(state.lastDay, '20180510');
    assert.equal(state.maxSalesId, report.salesIds.last);

    for (const day of ['20180510', '20180301', '20171231']) {
      await assert.rejects(appendDay({ outDir: dir, day }), (e: unknown) => {
        assert.ok(e instanceof MdwError);
        assert.match(e.message, new RegExp(`Day ${day} (already exists|is not after)`));
        return true;
      });
    }
    await assert.rejects(appendDay({ outDir: dir, day: '2018-05-11' }), MdwError);
    await assert.rejects(appendDay({ outDir: dir, day: '20180230' }), MdwError);
    // A gap is allowed; ids keep counting.
    const next = await appendDay({ outDir: dir, day: '20180513' });
    assert.equal(next.salesIds.first, report.salesIds.last + 1);
  });

  test('writes a new partition in the daily layout, atomically and deterministically', async () => {
    const dir = await tempDir();
    await generateDataset({ outDir: dir, scale: SCALE, daily: true });
    const copy = await tempDir();
    await cp(dir, copy, { recursive: true });
    const report = await appendDay({ outDir: dir, day: '20180510' });
    await appendDay({ outDir: copy, day: '20180510' });

    const files = report.files.map((f) => f.file).sort();
    assert.deepEqual(
      files.filter((f) => f.includes('partition=20180510')),
      ['sales/partition=20180510/part-00000.csv'],
    );
    for (const file of files) {
      assert.equal(await sha256(join(dir, file)), await sha256(join(copy, file)), `${file} is deterministic`);
    }
    const { rows } = await readTable(dir, 'sales/partition=20180510/part-00000.csv');
    assert.equal(rows[0]![0], String(salesRows(SCALE) + 1));
    const all = (await salesFilesOf(dir)).join('\n');
    assert.doesNotMatch(all, /\.tmp/);
    await assert.rejects(appendDay({ outDir: dir, day: '20180510' }), /already exists/);
  });

  test('works without a state file by scanning the landing', async () => {
    const dir = await tempDir();
    await generateDataset({ outDir: dir, scale: SCALE });
    await rm(join(dir, STATE_FILE));
    const report = await appendDay({ outDir: dir, day: '20180510' });
    assert.equal(report.salesIds.first, salesRows(SCALE) + 1);
    await assert.rejects(appendDay({ outDir: dir, day: '20180509' }), /already exists/);
  });

  test('refuses a folder without a sales landing', async () => {
    const dir = await tempDir();
    await assert.rejects(appendDay({ outDir: dir, day: '20180510' }), /No sales landing/);
    await assert.rejects(appendDay({ outDir: join(dir, 'nope'), day: '20180510' }), /does not exist/);
  });
});

describe('generateDataset dirty mode', () => {
  for (const daily of [false, true]) {
    test(`injects every case and lists it in dirty_manifest.json at the stated line (daily: ${daily})`, async () => {
      const dir = await tempDir();
      await generateDataset({ outDir: dir, scale: SCALE, dirty: true, daily });
      const manifest = JSON.parse(await readFile(join(dir, 'dirty_manifest.json'), 'utf8')) as {
        cases: string[];
        entries: DirtyEntry[];
      };
      assert.deepEqual(manifest.cases, [...DIRTY_CASES]);
      const seen = new Set(manifest.entries.map((e) => e.case));
      assert.deepEqual(
        [...DIRTY_CASES].filter((c) => !seen.has(c)),
        [],
        'every case is present',
      );

      const lines = new Map<string, Buffer[]>();
      const linesOf = async (file: string): Promise<Buffer[]> => {
        if (!lines.has(file)) {
          const bytes = await readFile(join(dir, file));
          const split: Buffer[] = [];
          let start = 0;
          for (let i = bytes.indexOf(10); i >= 0; start = i + 1, i = bytes.indexOf(10, start)) {
            split.push(bytes.subarray(start, i));
          }
          lines.set(file, split);
        }
        return lines.get(file)!;
      };
      const customerIds = new Set(
        (await readTable(dir, 'customers.csv')).rows.map((r) => r[0]!.replace(/^\uFEFF/, '')),
      );
      for (const entry of manifest.entries) {
        const fileLines = await linesOf(entry.file);
        const raw = fileLines[entry.line - 1]!;
        const text = raw.toString('latin1');
        const where = `${entry.case} at ${entry.file}:${entry.line}: ${text}`;
        if (entry.case === 'utf8_bom') {
          assert.equal(entry.line, 1);
          assert.deepEqual([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf], where);
          continue;
        }
        assert.ok(text.startsWith(`${entry.key},`), where);
        const fields = text.replace(/\r$/, '').split(',');
        const header = entry.file === 'customers.csv' ? HEADERS.customers : HEADERS.sales;
        const value = entry.column ? fields[header.indexOf(entry.column)] : undefined;
        switch (entry.case) {
          case 'crlf_line_end':
            assert.equal(raw[raw.length - 1], 0x0d, where);
            break;
          case 'invalid_utf8':
            assert.throws(() => new TextDecoder('utf-8', { fatal: true }).decode(raw), where);
            break;
          case 'too_many_fields':
            assert.ok(fields.length > header.length, where);
            break;
          case 'too_few_fields':
            assert.ok(fields.length < header.length, where);
            break;
          case 'quoted_newline':
            assert.match(text, /"[^"]*$/, where);
            break;
          case 'quoted_comma':
            assert.match(text, /"[^"]*,[^"]*"/, where);
            break;
          case 'quoted_quote':
            assert.match(text, /""/, where);
            break;
          case 'duplicate_primary_key': {
            const earlier = fileLines
              .slice(0, entry.line - 1)
              .filter((l) => l.toString('latin1').startsWith(`${entry.key},`));
            assert.equal(earlier.length, 1, where);
            break;
          }
          case 'orphan_foreign_key':
            if (entry.column === 'CustomerID') assert.equal(customerIds.has(value!), false, where);
            assert.ok(Number(value) > 1_000_000, where);
            break;
          case 'negative_quantity':
            assert.ok(Number(value) < 0, where);
            break;
          case 'discount_out_of_range':
            assert.ok(Number(value) < 0 || Number(value) > 1, where);
            break;
          case 'unparseable_number':
            assert.ok(Number.isNaN(Number(value)), where);
            break;
          case 'unparseable_date':
            assert.equal(value, entry.value, where);
            assert.equal(isRealTimestamp(value!), false, where);
            break;
          case 'date_out_of_range':
            assert.ok(value! < '2018-01-01' || value! > '2018-05-10', where);
            break;
          case 'empty_string':
            assert.equal(value, '', where);
            break;
          case 'padded_whitespace':
            assert.notEqual(value, value!.trim(), where);
            break;
          default:
            assert.fail(`unexpected case ${entry.case}`);
        }
      }
    });
  }

  test('a dirty landing keeps the clean rows unchanged', async () => {
    const clean = await tempDir();
    const dirty = await tempDir();
    await generateDataset({ outDir: clean, scale: SCALE });
    await generateDataset({ outDir: dirty, scale: SCALE, dirty: true });
    const cleanLines = new Set((await readFile(join(clean, 'sales.csv'), 'latin1')).split('\n'));
    const dirtyLines = (await readFile(join(dirty, 'sales.csv'), 'latin1')).split('\n');
    const changed = dirtyLines.filter((l) => !cleanLines.has(l));
    const manifest = JSON.parse(await readFile(join(dirty, 'dirty_manifest.json'), 'utf8')) as {
      entries: DirtyEntry[];
    };
    const salesEntries = manifest.entries.filter((e) => e.file === 'sales.csv');
    assert.ok(changed.length <= salesEntries.length, `${changed.length} changed lines`);
    assert.ok(changed.length > 0);
  });
});

describe('streaming memory', () => {
  test('peak RSS barely grows when the scale grows 15×', async () => {
    const dir = await tempDir();
    const moduleUrl = new URL('../../src/generate/index.js', import.meta.url).href;
    const peak = async (scale: number): Promise<number> => {
      const script = `const { generateDataset } = await import(${JSON.stringify(moduleUrl)});
        await generateDataset({ outDir: ${JSON.stringify(join(dir, String(scale)))}, scale: ${scale} });
        process.stdout.write(String(process.resourceUsage().maxRSS));`;
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script]);
      return Number(stdout) / 1024;
    };
    const small = await peak(0.02);
    const large = await peak(0.3);
    assert.ok(large - small < 30, `peak RSS ${small.toFixed(0)} MB at 0.02 vs ${large.toFixed(0)} MB at 0.3`);
  });
});
