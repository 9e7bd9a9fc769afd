/**
 * The six small tables: categories, countries, cities, employees and products are
 * built in memory (they keep their size at every scale); customers are streamed
 * because they grow with sqrt(scale).
 */
import { epochMs, formatTimestamp } from './calendar.js';
import { csvLine, HEADERS } from './csv.js';
import {
  CUSTOMER_DIRTY_RATE,
  CUSTOMER_FORCED_CASES,
  CUSTOMER_RANDOM_CASES,
  type Damage,
  type DirtyCase,
  type DirtyLog,
  damageCustomerRow,
  forcedPositions,
  gapToNext,
  latin1Name,
} from './dirty.js';
import { Rng } from './prng.js';
import type { FileSink } from './sink.js';
import { BASE_ROWS } from './sizes.js';
import {
  FEMALE_FIRST_NAMES,
  LAST_NAMES,
  MALE_FIRST_NAMES,
  STREET_NAMES,
  STREET_SUFFIXES,
} from './words/people.js';
import { CITIES, COUNTRIES } from './words/places.js';
import { CATEGORIES } from './words/products.js';

export type Records = string[][];

/** Customer text is flushed in small pieces so its strings die young instead of growing the heap. */
const TEXT_CHUNK = 1 << 16;
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ALL_FIRST_NAMES = [...FEMALE_FIRST_NAMES, ...MALE_FIRST_NAMES];

/** A random instant in [from, to) as `yyyy-MM-dd HH:mm:ss.SSS`. */
function timestampBetween(rng: Rng, from: number, to: number): string {
  return formatTimestamp(from + Math.floor(rng.float() * (to - from)));
}

/** Non-negative value in ten-thousandths → decimal with up to 4 fraction digits ("12.5", "3.0475", "7"). */
export function decimal4(tenThousandths: number): string {
  const whole = Math.floor(tenThousandths / 10_000);
  const fraction = tenThousandths % 10_000;
  if (fraction === 0) return String(whole);
  return `${whole}.${String(fraction).padStart(4, '0').replace(/0+$/, '')}`;
}

function middleInitial(rng: Rng, emptyShare: number): string {
  return rng.chance(emptyShare) ? '' : LETTERS[rng.int(26)]!;
}

export function categories(): Records {
  return CATEGORIES.map((c, i) => [String(i + 1), c.name]);
}

export function countries(): Records {
  return COUNTRIES.map(([name, code], i) => [String(i + 1), name, code]);
}

export function cities(seed: number): Records {
  const rng = Rng.of(seed, 'cities');
  const used = new Set<number>();
  return CITIES.map(([name, country], i) => {
    let zip: number;
    do zip = rng.range(10_000, 99_999);
    while (used.has(zip));
    used.add(zip);
    const countryId = COUNTRIES.findIndex(([n]) => n === country) + 1;
    return [String(i + 1), name, String(zip), String(countryId)];
  });
}

export function employees(seed: number): Records {
  const rng = Rng.of(seed, 'employees');
  const records: Records = [];
  for (let i = 0; i < BASE_ROWS.employees; i++) {
    const female = rng.chance(0.5);
    records.push([
      String(i + 1),
      rng.pick(female ? FEMALE_FIRST_NAMES : MALE_FIRST_NAMES),
      middleInitial(rng, 0.2),
      rng.pick(LAST_NAMES),
      timestampBetween(rng, epochMs(1955, 1, 1), epochMs(1998, 1, 1)),
      female ? 'F' : 'M',
      String(rng.range(1, CITIES.length)),
      timestampBetween(rng, epochMs(2010, 1, 1), epochMs(2018, 1, 1)),
    ]);
  }
  return records;
}

export function products(seed: number): Records {
  const rng = Rng.of(seed, 'products');
  const combos: Array<[number, string]> = [];
  CATEGORIES.forEach((category, c) => {
    for (const [item, variants] of Object.entries(category.items)) {
      for (const variant of variants) combos.push([c, `${item} - ${variant}`]);
    }
  });
  rng.shuffle(combos);
  return combos.slice(0, BASE_ROWS.products).map(([c, name], i) => {
    const category = CATEGORIES[c]!;
    const [lo, hi] = category.price;
    const position = rng.float();
    // Skew towards the cheap end of the range, as on a real shelf.
    const price = Math.round((lo + (hi - lo) * position * position) * 10_000);
    const share = position * position;
    const [vLo, vHi] = category.vitality;
    return [
      String(i + 1),
      name,
      decimal4(price),
      String(c + 1),
      share < 0.15 ? 'Low' : share < 0.5 ? 'Medium' : 'High',
      timestampBetween(rng, epochMs(2017, 1, 1), epochMs(2018, 5, 1)),
      rng.pick(['Durable', 'Durable', 'Weak', 'Weak', 'Unknown']),
      rng.pick(['True', 'False', 'False', 'Unknown']),
      rng.chance(0.1) ? '' : String(rng.range(vLo, vHi)),
    ];
  });
}

/** Writes a small table (header + records) in one go. */
export function writeRecords(sink: FileSink, header: readonly string[], records: Records): void {
  let text = csvLine(header);
  for (const record of records) text += csvLine(record);
  sink.lines += 1 + records.length;
  sink.rows += records.length;
  sink.write(text);
}

/**
 * Streams `count` customers. In dirty mode the file starts with a UTF-8 byte-order
 * mark and some rows are damaged (logged to `dirty`); clean values do not change.
 */
export function writeCustomers(
  sink: FileSink,
  seed: number,
  count: number,
  dirty?: { log: DirtyLog; file: string },
): void {
  const rng = Rng.of(seed, 'customers');
  const cityCount = CITIES.length;
  let text = (dirty ? '\uFEFF' : '') + csvLine(HEADERS.customers);
  sink.lines = 1;
  if (dirty) dirty.log.add({ case: 'utf8_bom', file: dirty.file, line: 1, key: null });

  const dirtyRng = Rng.of(seed, 'dirty-customers');
  const forced = dirty ? forcedPositions(CUSTOMER_FORCED_CASES, count) : new Map();
  let nextRandom = dirty ? gapToNext(dirtyRng, CUSTOMER_DIRTY_RATE) : Number.POSITIVE_INFINITY;
  const orphanCity = String(cityCount + 1_000_000);

  for (let i = 0; i < count; i++) {
    const fields = [
      String(i + 1),
      ALL_FIRST_NAMES[rng.int(ALL_FIRST_NAMES.length)]!,
      middleInitial(rng, 0.12),
      LAST_NAMES[rng.int(LAST_NAMES.length)]!,
      String(1 + rng.int(cityCount)),
      `${1 + rng.int(9999)} ${STREET_NAMES[rng.int(STREET_NAMES.length)]} ${STREET_SUFFIXES[rng.int(STREET_SUFFIXES.length)]}`,
    ];
    const forcedCase = forced.get(i);
    if (dirty && (forcedCase !== undefined || i === nextRandom)) {
      if (i === nextRandom) nextRandom = i + 1 + gapToNext(dirtyRng, CUSTOMER_DIRTY_RATE);
      const dirtyCase = forcedCase ?? dirtyRng.pick(CUSTOMER_RANDOM_CASES);
      text = writeDamaged(
        sink,
        text,
        dirtyCase,
        damageCustomerRow(dirtyCase, fields, dirtyRng, orphanCity),
        dirty,
      );
    } else {
      // Clean names and addresses never need quoting: skip csvLine's per-field regex.
      text += `${fields.join(',')}\n`;
      sink.rows++;
      sink.lines++;
    }
    if (text.length >= TEXT_CHUNK) {
      sink.write(text);
      text = '';
    }
  }
  sink.write(text);
}

/**
 * Appends a damaged customer (two records for a duplicate key) to the pending text,
 * logging the record the manifest points at. Returns the new pending text.
 */
function writeDamaged(
  sink: FileSink,
  text: string,
  dirtyCase: DirtyCase,
  damage: Damage,
  dirty: { log: DirtyLog; file: string },
): string {
  for (const [k, record] of damage.records.entries()) {
    if (k === damage.logged) {
      dirty.log.add({
        case: dirtyCase,
        file: dirty.file,
        line: sink.lines + 1,
        key: record[0]!,
        ...(damage.column !== undefined && { column: damage.column }),
        ...(damage.value !== undefined && { value: damage.value }),
      });
    }
    sink.rows++;
    if (dirtyCase === 'invalid_utf8') {
      // Raw bytes cannot travel in a JS string: flush the text, then write the row as bytes.
      sink.write(text);
      text = '';
      const [id, first, ...rest] = record;
      sink.write(
        Buffer.concat([Buffer.from(`${id},`), latin1Name(first!), Buffer.from(csvLine(['', ...rest]))]),
      );
      sink.lines++;
      continue;
    }
    const line = csvLine(record);
    text += line;
    sink.lines += line.split('\n').length - 1;
  }
  return text;
}
