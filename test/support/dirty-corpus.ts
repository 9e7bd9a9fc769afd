/**
 * A dirty-landing corpus for the fault suite: kinds of damage applied to a clean generated
 * landing folder (all seven files; `sales.csv` or the daily `sales/partition=YYYYMMDD/`
 * drops), each with the outcome the warehouse must show — the line quarantined with a
 * reason, the row loaded and rejected (or dropped) by staging, or the row loaded as valid.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Outcome =
  | { kind: 'quarantined'; reason: string }
  /** loaded, then rejected or dropped by staging: the sale is not in the fact */
  | { kind: 'rejected' }
  /** loaded as a valid row */
  | { kind: 'valid' };

export interface Damage {
  name: string;
  /** landing file, relative to the raw folder, forward slashes */
  file: string;
  /** 1-based physical line of the damaged record in the damaged file */
  line: number;
  outcome: Outcome;
  /** the sale's id when the damaged line is a sale (its clean id) */
  salesId: number | null;
}

export interface Corpus {
  damages: Damage[];
  /** data records per landing file, counted by the corpus as it wrote them */
  dataLines: Map<string, number>;
  /** sales ids whose line was damaged, duplicated or replaced */
  touchedSales: Set<number>;
}

/** One record of a file being damaged: its bytes, and the damage it carries. */
interface Entry {
  bytes: Buffer;
  damage?: Omit<Damage, 'file' | 'line'>;
}

class FileEdit {
  readonly entries: Entry[];
  constructor(
    readonly raw: string,
    readonly file: string,
  ) {
    const text = readFileSync(join(raw, file));
    const parts: Buffer[] = [];
    let start = 0;
    for (let i = text.indexOf(10); i !== -1; i = text.indexOf(10, start)) {
      parts.push(text.subarray(start, i));
      start = i + 1;
    }
    if (start < text.length) parts.push(text.subarray(start));
    this.entries = parts.map((bytes) => ({ bytes }));
  }

  text(index: number): string {
    return this.entries[index]!.bytes.toString('utf8');
  }

  /** The clean sales id of a data record (first field), when the file is a sales file. */
  firstField(index: number): number {
    return Number(this.text(index).split(',')[0]);
  }

  replace(index: number, bytes: Buffer | string, damage: Entry['damage']): void {
    this.entries[index] = { bytes: Buffer.from(bytes), damage };
  }

  insert(index: number, bytes: Buffer | string, damage: Entry['damage']): void {
    this.entries.splice(index, 0, { bytes: Buffer.from(bytes), damage });
  }

  /** Writes the file; returns its damages with their final line numbers and its data records. */
  write(): { damages: Damage[]; dataLines: number } {
    const damages: Damage[] = [];
    let line = 1;
    for (const entry of this.entries) {
      if (entry.damage) damages.push({ ...entry.damage, file: this.file, line });
      // A well-formed quoted newline adds physical lines to its record.
      line += 1 + (entry.damage?.outcome.kind === 'quarantined' ? 0 : countNewlines(entry.bytes));
    }
    writeFileSync(join(this.raw, this.file), Buffer.concat(this.entries.flatMap((e) => [e.bytes, LF])));
    return { damages, dataLines: this.entries.length - 1 };
  }
}

const LF = Buffer.from('\n');

function countNewlines(bytes: Buffer): number {
  let n = 0;
  for (const b of bytes) if (b === 10) n++;
  return n;
}

const q = (reason: string): Outcome => ({ kind: 'quarantined', reason });
const REJECTED: Outcome = { kind: 'rejected' };
const VALID: Outcome = { kind: 'valid' };

/** Damages to apply to the sales of one file (the published file, or one daily drop). */
function damageSales(edit: FileEdit, touched: Set<number>, first: number): void {
  const sale = (name: string, index: number, outcome: Outcome, bytes: (text: string) => Buffer | string) => {
    const id = edit.firstField(index);
    touched.add(id);
    edit.replace(index, bytes(edit.text(index)), { name, outcome, salesId: id });
  };
  const fields = (text: string) => text.split(',');
  const at = (offset: number) => first + offset;
  // Index 5000 is physical line 5,001 of sales.csv: the case of the issue.
  sale('stray quote after the first comma', at(0), q('unterminated_quote'), (t) => t.replace(',', ',"'));
  sale('quote inside a value', at(10), q('stray_quote'), (t) => t.replace(',', ',1"'));
  sale('text after a closing quote', at(20), q('malformed_quote'), (t) => {
    const f = fields(t);
    f[1] = `"${f[1]}"x`;
    return f.join(',');
  });
  sale('too many fields', at(30), q('too_many_fields'), (t) => `${t},extra`);
  sale('too few fields', at(40), q('too_few_fields'), (t) => fields(t).slice(0, 5).join(','));
  sale('invalid UTF-8', at(50), q('invalid_utf8'), (t) =>
    Buffer.concat([Buffer.from(`${t}`.slice(0, -2)), Buffer.from([0xc3, 0x28])]),
  );
  sale('NUL byte', at(60), q('control_characters'), (t) => `${t.slice(0, 8)}\u0000${t.slice(8)}`);
  sale('bare carriage return', at(70), q('bare_carriage_return'), (t) => t.replace(',', ',\r'));
  sale('3 MB field', at(80), q('oversized_line'), (t) => {
    const f = fields(t);
    f[8] = 'X'.repeat(3 * 1024 * 1024);
    return f.join(',');
  });
  sale('negative quantity', at(90), REJECTED, (t) => {
    const f = fields(t);
    f[4] = '-3';
    return f.join(',');
  });
  sale('date that does not parse', at(100), REJECTED, (t) => {
    const f = fields(t);
    f[7] = '2018-13-45 99:00:00.000';
    return f.join(',');
  });
  sale('sales id that does not parse', at(110), REJECTED, (t) => t.replace(/^\d+/, '12x'));
  // Loaded as valid: CRLF end, a quoted value, padded whitespace (staging trims).
  sale('CRLF line end', at(120), VALID, (t) => `${t}\r`);
  sale('quoted value', at(130), VALID, (t) => {
    const f = fields(t);
    f[3] = `"${f[3]}"`;
    return f.join(',');
  });
  sale('padded whitespace', at(140), VALID, (t) =>
    fields(t)
      .map((v) => ` ${v} `)
      .join(','),
  );
  // Inserted records (the clean sales are all still there).
  edit.insert(at(150), '', { name: 'empty line', outcome: q('empty_line'), salesId: null });
  edit.insert(at(160), Buffer.from([0x00, 0x01, 0xfe, 0xff, 0x1b, 0x2c, 0x80, 0x7f]), {
    name: 'binary garbage',
    outcome: q('control_characters'),
    salesId: null,
  });
  edit.insert(at(170), edit.text(at(169)), { name: 'duplicate line', outcome: REJECTED, salesId: null });
}

/** Applies the corpus to a clean landing folder written by `mdw generate --scale 0.01 [--daily]`. */
export function applyCorpus(raw: string, layout: 'file' | 'daily'): Corpus {
  const touched = new Set<number>();
  const edits: FileEdit[] = [];
  if (layout === 'file') {
    const sales = new FileEdit(raw, 'sales.csv');
    damageSales(sales, touched, 5000);
    edits.push(sales);
  } else {
    const days = readdirSync(join(raw, 'sales'))
      .filter((name) => /^partition=\d{8}$/.test(name))
      .sort();
    const big = new FileEdit(raw, `sales/${days[10]}/part-00000.csv`);
    damageSales(big, touched, 1);
    edits.push(big);
    const small = new FileEdit(raw, `sales/${days[20]}/part-00000.csv`);
    const last = small.entries.length - 1;
    const id = small.firstField(last);
    touched.add(id);
    // Unterminated at the end of the file: a quote that never closes before EOF.
    small.replace(last, small.text(last).replace(',', ',"'), {
      name: 'stray quote on the last line of a daily drop',
      outcome: q('unterminated_quote'),
      salesId: id,
    });
    edits.push(small);
  }

  const customers = new FileEdit(raw, 'customers.csv');
  const quoted = (t: string, address: string) => {
    const f = t.split(',');
    return `${f.slice(0, 5).join(',')},${address}`;
  };
  customers.replace(3, quoted(customers.text(3), '"12 Main St, Apt 4"'), {
    name: 'quoted comma',
    outcome: VALID,
    salesId: null,
  });
  customers.replace(4, quoted(customers.text(4), '"The ""Old"" Mill"'), {
    name: 'quoted quote',
    outcome: VALID,
    salesId: null,
  });
  customers.replace(5, quoted(customers.text(5), '"1 Lane\nBuilding B"'), {
    name: 'quoted newline',
    outcome: VALID,
    salesId: null,
  });
  customers.replace(6, Buffer.concat([Buffer.from(customers.text(6)), Buffer.from([0xff])]), {
    name: 'invalid UTF-8 in an address',
    outcome: q('invalid_utf8'),
    salesId: null,
  });
  const lastCustomer = customers.entries.length - 1;
  customers.replace(lastCustomer, quoted(customers.text(lastCustomer), '"never closed'), {
    name: 'unterminated quote at the end of the file',
    outcome: q('unterminated_quote'),
    salesId: null,
  });
  edits.push(customers);

  const products = new FileEdit(raw, 'products.csv');
  products.replace(2, products.text(2).replace(',', ',Extra,'), {
    name: 'unquoted comma in a name',
    outcome: q('too_many_fields'),
    salesId: null,
  });
  products.insert(5, Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x09, 0x2c, 0x2c]), {
    name: 'binary bytes',
    outcome: q('control_characters'),
    salesId: null,
  });
  edits.push(products);

  const employees = new FileEdit(raw, 'employees.csv');
  employees.replace(4, employees.text(4).split(',').slice(0, 6).join(','), {
    name: 'employee with too few fields',
    outcome: q('too_few_fields'),
    salesId: null,
  });
  edits.push(employees);

  const categories = new FileEdit(raw, 'categories.csv');
  categories.insert(categories.entries.length, '', {
    name: 'blank line at the end',
    outcome: q('empty_line'),
    salesId: null,
  });
  edits.push(categories);

  const cities = new FileEdit(raw, 'cities.csv');
  cities.replace(7, cities.text(7).replace(/,(\d{5}),/, ',9"21,'), {
    name: 'quote inside a zip code',
    outcome: q('stray_quote'),
    salesId: null,
  });
  edits.push(cities);

  const countries = new FileEdit(raw, 'countries.csv');
  countries.insert(3, ',,', { name: 'only delimiters', outcome: REJECTED, salesId: null });
  countries.replace(9, `\ufeff${countries.text(9)}`, {
    name: 'byte-order mark inside the file',
    outcome: REJECTED,
    salesId: null,
  });
  edits.push(countries);

  const damages: Damage[] = [];
  const dataLines = new Map<string, number>();
  for (const edit of edits) {
    const written = edit.write();
    damages.push(...written.damages);
    dataLines.set(edit.file, written.dataLines);
  }
  return { damages, dataLines, touchedSales: touched };
}
