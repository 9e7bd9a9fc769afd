/**
 * Dirty mode: the row-level cases of docs/dataset.md's "Dirty input" list, injected into
 * otherwise clean rows. Each case is forced at least once at a fixed position (so even
 * a tiny scale has every case) and also drawn at a small random rate. Every injected
 * row is logged for dirty_manifest.json with its file, physical line and primary key.
 */
import type { Rng } from './prng.js';

export const DIRTY_CASES = [
  'empty_string',
  'padded_whitespace',
  'unparseable_number',
  'unparseable_date',
  'negative_quantity',
  'discount_out_of_range',
  'date_out_of_range',
  'duplicate_primary_key',
  'orphan_foreign_key',
  'quoted_comma',
  'quoted_quote',
  'quoted_newline',
  'crlf_line_end',
  'utf8_bom',
  'invalid_utf8',
  'too_many_fields',
  'too_few_fields',
] as const;
export type DirtyCase = (typeof DIRTY_CASES)[number];

export interface DirtyEntry {
  case: DirtyCase;
  /** Path relative to outDir, with forward slashes. */
  file: string;
  /** 1-based physical line where the row starts (the header is line 1). */
  line: number;
  /** The row's primary key as generated (before any damage), or null for the header. */
  key: string | null;
  column?: string;
  /** The damaged value, when there is one to show. */
  value?: string;
}

/** Collects manifest entries; sorted when written so the order of work does not matter. */
export class DirtyLog {
  readonly entries: DirtyEntry[] = [];

  add(entry: DirtyEntry): void {
    this.entries.push(entry);
  }

  sorted(): DirtyEntry[] {
    return [...this.entries].sort(
      (a, b) =>
        (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || (a.case < b.case ? -1 : 1),
    );
  }
}

/** Cases injected into sales rows, and the random rate of injections per row. */
export const SALES_CASES: readonly DirtyCase[] = [
  'empty_string',
  'padded_whitespace',
  'unparseable_number',
  'unparseable_date',
  'negative_quantity',
  'discount_out_of_range',
  'date_out_of_range',
  'duplicate_primary_key',
  'orphan_foreign_key',
  'crlf_line_end',
  'too_many_fields',
  'too_few_fields',
];
export const SALES_DIRTY_RATE = 1 / 20_000;

/** Cases forced once in customers.csv (the BOM is added to its first line). */
export const CUSTOMER_FORCED_CASES: readonly DirtyCase[] = [
  'quoted_comma',
  'quoted_quote',
  'quoted_newline',
  'invalid_utf8',
  'padded_whitespace',
  'empty_string',
  'duplicate_primary_key',
  'orphan_foreign_key',
];
/** Harmless-to-keys cases also drawn at random in customers. */
export const CUSTOMER_RANDOM_CASES: readonly DirtyCase[] = [
  'quoted_comma',
  'quoted_quote',
  'quoted_newline',
  'padded_whitespace',
  'empty_string',
];
export const CUSTOMER_DIRTY_RATE = 1 / 5_000;

/**
 * Positions (0-based row indexes) for forcing each case once, spread evenly over
 * `rows` so they land on different days. Returns an empty map when there are fewer
 * rows than cases.
 */
export function forcedPositions(cases: readonly DirtyCase[], rows: number): Map<number, DirtyCase> {
  const positions = new Map<number, DirtyCase>();
  if (rows < cases.length) return positions;
  cases.forEach((dirtyCase, i) => {
    positions.set(Math.floor(((i + 0.5) * rows) / cases.length), dirtyCase);
  });
  return positions;
}

/** Rows to skip until the next random injection (geometric distribution). */
export function gapToNext(rng: Rng, rate: number): number {
  const u = 1 - rng.float(); // (0, 1]
  return Math.floor(Math.log(u) / Math.log(1 - rate));
}

/** A damaged row: its output text (one or more records) and what the manifest records. */
export interface Damage {
  /** Records to write in order; `logged` is the index of the one the manifest points at. */
  records: string[][];
  logged: number;
  lineEnd: '\n' | '\r\n';
  column?: string;
  value?: string;
}

const BAD_NUMBERS = ['12x', 'abc', '1.2.3', '#N/A', 'seven'];
const BAD_DATES = [
  '2018-02-30 10:15:00.000',
  '2018-13-01 08:00:00.000',
  'not a date',
  '2018-04-31 25:61:00.000',
];
const FAR_DATES = [
  '1900-01-01 00:00:00.000',
  '2099-12-31 23:59:59.999',
  '1970-01-01 00:00:00.000',
  '2031-07-04 12:00:00.000',
];
const BAD_DISCOUNTS = ['1.5', '-0.1', '2', '10'];

/** Sales columns by name → index. */
const S = {
  SalesID: 0,
  SalesPersonID: 1,
  CustomerID: 2,
  ProductID: 3,
  Quantity: 4,
  Discount: 5,
  TotalPrice: 6,
  SalesDate: 7,
  TransactionNumber: 8,
} as const;
type SalesColumn = keyof typeof S;

/**
 * Damages one clean sales record. `orphan(column)` supplies a key with no parent;
 * `fields` is modified in place.
 */
export function damageSalesRow(
  dirtyCase: DirtyCase,
  fields: string[],
  rng: Rng,
  orphan: (column: 'SalesPersonID' | 'CustomerID' | 'ProductID') => string,
): Damage {
  const one = (column: SalesColumn, value: string): Damage => {
    fields[S[column]] = value;
    return { records: [fields], logged: 0, lineEnd: '\n', column, value };
  };
  switch (dirtyCase) {
    case 'empty_string':
      return one(rng.pick(['CustomerID', 'ProductID', 'Quantity', 'SalesPersonID'] as const), '');
    case 'padded_whitespace': {
      const column = rng.pick(['CustomerID', 'Quantity', 'TransactionNumber'] as const);
      return one(column, `  ${fields[S[column]]} `);
    }
    case 'unparseable_number':
      return one(rng.pick(['Quantity', 'Discount', 'ProductID'] as const), rng.pick(BAD_NUMBERS));
    case 'unparseable_date':
      return one('SalesDate', rng.pick(BAD_DATES));
    case 'negative_quantity':
      return one('Quantity', `-${fields[S.Quantity]}`);
    case 'discount_out_of_range':
      return one('Discount', rng.pick(BAD_DISCOUNTS));
    case 'date_out_of_range':
      return one('SalesDate', rng.pick(FAR_DATES));
    case 'duplicate_primary_key': {
      // A second record reusing the key with different values, as a re-sent correction would.
      const copy = [...fields];
      copy[S.Quantity] = String((Number(fields[S.Quantity]) % 25) + 1);
      return {
        records: [fields, copy],
        logged: 1,
        lineEnd: '\n',
        column: 'SalesID',
        value: fields[S.SalesID],
      };
    }
    case 'orphan_foreign_key': {
      const column = rng.pick(['CustomerID', 'ProductID', 'SalesPersonID'] as const);
      return one(column, orphan(column));
    }
    case 'crlf_line_end':
      return { records: [fields], logged: 0, lineEnd: '\r\n' };
    case 'too_many_fields':
      fields.push('1');
      return { records: [fields], logged: 0, lineEnd: '\n', value: `${fields.length} fields` };
    case 'too_few_fields':
      fields.length = 7;
      return { records: [fields], logged: 0, lineEnd: '\n', value: `${fields.length} fields` };
    default:
      throw new Error(`dirty case ${dirtyCase} does not apply to sales rows`);
  }
}

/** Customers columns by name → index. */
const C = { CustomerID: 0, FirstName: 1, MiddleInitial: 2, LastName: 3, CityID: 4, Address: 5 } as const;

/**
 * Damages one clean customer record. Returns undefined for `invalid_utf8`, which the
 * caller writes as raw bytes (see latin1Name).
 */
export function damageCustomerRow(
  dirtyCase: DirtyCase,
  fields: string[],
  rng: Rng,
  orphanCity: string,
): Damage {
  const one = (column: keyof typeof C, value: string): Damage => {
    fields[C[column]] = value;
    return { records: [fields], logged: 0, lineEnd: '\n', column, value };
  };
  const address = fields[C.Address]!;
  switch (dirtyCase) {
    case 'quoted_comma':
      return one('Address', `${address}, Apt ${rng.range(1, 40)}`);
    case 'quoted_quote':
      return one('Address', `${address} "The ${rng.pick(['Old', 'Green', 'Corner'])} House"`);
    case 'quoted_newline':
      return one('Address', `${address}\nApt ${rng.range(1, 40)}`);
    case 'padded_whitespace':
      return one('FirstName', ` ${fields[C.FirstName]}  `);
    case 'empty_string':
      return one('LastName', '');
    case 'duplicate_primary_key': {
      const copy = [...fields];
      copy[C.Address] = `${rng.range(1, 999)} ${address.split(' ').slice(1).join(' ')}`;
      return {
        records: [fields, copy],
        logged: 1,
        lineEnd: '\n',
        column: 'CustomerID',
        value: fields[C.CustomerID],
      };
    }
    case 'orphan_foreign_key':
      return one('CityID', orphanCity);
    case 'invalid_utf8':
      // Marked here; the caller replaces FirstName with Latin-1 bytes when writing.
      return { records: [fields], logged: 0, lineEnd: '\n', column: 'FirstName' };
    default:
      throw new Error(`dirty case ${dirtyCase} does not apply to customer rows`);
  }
}

/** A name ending in a Latin-1 "é" (byte E9): what a mis-encoded "José" looks like, and not valid UTF-8. */
export function latin1Name(name: string): Buffer {
  const ascii = name.replace(/[^A-Za-z]/g, '') || 'Jose';
  return Buffer.concat([Buffer.from(ascii.slice(0, -1), 'latin1'), Buffer.from([0xe9])]);
}
