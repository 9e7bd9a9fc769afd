/**
 * The sales hot loop: one day of rows at a time, each day from its own seeded stream
 * (so daily and single-file landings hold the same rows, and a day can be appended
 * later without regenerating the others). Rows come in transactions that share a
 * salesperson, customer, timestamp and TransactionNumber. Rows are written as ASCII
 * bytes straight into output chunks from pre-encoded pieces — no Date objects, number
 * formatting or strings per row, unless the row is made dirty.
 */
import { type ByteOut, DigitCounter, put2, put3, putAscii, putUint } from './bytes.js';
import { datePrefix } from './calendar.js';
import { csvLine } from './csv.js';
import {
  type DirtyCase,
  type DirtyLog,
  damageSalesRow,
  gapToNext,
  SALES_CASES,
  SALES_DIRTY_RATE,
} from './dirty.js';
import { allKeys, type KeyPool, keyAt, missingKey } from './keys.js';
import { Rng } from './prng.js';

/** Share of rows whose SalesDate is left empty, as in the published file (1 in 100). */
const UNDATED_PER_100 = 1;
/** Discount by tenths of the random draw: 80% none, 10% each 0.1 and 0.2. */
const DISCOUNT_OF_TENTH = [0, 0, 0, 0, 0, 0, 0, 0, 1, 2];
const DISCOUNTS = ['0', '0.1', '0.2'];
/** Items per transaction, by percentile (mean ≈ 2.4). */
const BASKET_SIZE: number[] = [];
for (const [size, share] of [
  [1, 35],
  [2, 25],
  [3, 18],
  [4, 12],
  [5, 6],
  [6, 4],
]) {
  for (let i = 0; i < share!; i++) BASKET_SIZE.push(size!);
}

const CODE_CHARS = Array.from('0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', (c) => c.charCodeAt(0));

/**
 * Writes a TransactionNumber — 20 upper-case alphanumerics — at `pos`. Each 32-bit
 * draw is read as a base-36 fraction, five digits deep: multiply-and-floor stays in
 * fast float maths, where `%` on values above 2^31 would fall back to slow fmod.
 */
function putTransactionNumber(rng: Rng, dst: Uint8Array, pos: number): number {
  for (let draw = 0; draw < 4; draw++) {
    let x = rng.u32();
    for (let k = 0; k < 5; k++) {
      const scaled = x * 36;
      const digit = Math.floor(scaled / 4294967296);
      dst[pos++] = CODE_CHARS[digit]!;
      x = scaled - digit * 4294967296;
    }
  }
  return pos;
}

/** Writes a pool key: digits straight from the index for 1..n pools, else the stored text. */
function putKey(dst: Uint8Array, pos: number, pool: KeyPool, index: number): number {
  return pool.ids ? putAscii(dst, pos, pool.ids[index]!) : putUint(dst, pos, index + 1);
}

/** What every day of one run shares: parent keys, lookup tables and dirty settings. */
export class SalesContext {
  /**
   * `ProductID,Quantity,Discount` as ASCII for every combination: combination
   * (product * 25 + quantity - 1) * 3 + discount occupies comboBytes[comboStart[c] … comboStart[c + 1]).
   */
  readonly comboBytes: Uint8Array;
  readonly comboStart: Int32Array;
  private readonly orphans = new Map<string, string>();

  constructor(
    readonly seed: number,
    readonly employees: KeyPool,
    readonly customers: KeyPool,
    readonly products: KeyPool,
    /** Set in dirty mode; `forced` maps a row index over the whole run to the case forced there. */
    readonly dirty?: { log: DirtyLog; forced: Map<number, DirtyCase> },
  ) {
    const productKeys = allKeys(products);
    const combos: string[] = [];
    for (const key of productKeys) {
      for (let q = 1; q <= 25; q++) for (const discount of DISCOUNTS) combos.push(`${key},${q},${discount}`);
    }
    this.comboStart = new Int32Array(combos.length + 1);
    this.comboBytes = new Uint8Array(combos.reduce((n, c) => n + c.length, 0));
    let pos = 0;
    combos.forEach((combo, c) => {
      this.comboStart[c] = pos;
      pos = putAscii(this.comboBytes, pos, combo);
    });
    this.comboStart[combos.length] = pos;
  }

  combo(c: number): string {
    return Buffer.from(this.comboBytes.subarray(this.comboStart[c], this.comboStart[c + 1])).toString(
      'latin1',
    );
  }

  /** A foreign key with no parent, different for each use. */
  orphan(column: 'SalesPersonID' | 'CustomerID' | 'ProductID'): string {
    const pool =
      column === 'SalesPersonID' ? this.employees : column === 'CustomerID' ? this.customers : this.products;
    const base = this.orphans.get(column) ?? missingKey(pool, 0);
    this.orphans.set(column, String(Number(base) + 1));
    return base;
  }
}

/** One output of a day: its relative file path, the lines already in it (header included), and its byte chunk. */
export interface DayTarget {
  file: string;
  lines: number;
  out: ByteOut;
}

/** Where a day's rows go; `undated` unset means undated rows stay with the dated ones. */
export interface DayTargets {
  dated: DayTarget;
  undated?: DayTarget;
}

export class SalesDay {
  /** Byte chunks of the dated and undated targets (the same one when undated rows are not split off). */
  readonly dated: ByteOut;
  readonly undated: ByteOut;
  /** Rows (= lines: sales rows never span lines) added to each target by this day. */
  datedRows = 0;
  undatedRows = 0;
  private produced = 0;
  private readonly rng: Rng;
  private readonly ids: DigitCounter;
  private readonly datePrefix: Uint8Array;
  // The current transaction, pre-encoded: ",emp,cust," and ",0,timestamp,number\n" (or ",0,,number\n").
  private left = 0;
  /** Pool indexes of the transaction's salesperson and customer. */
  private emp = 0;
  private cust = 0;
  private readonly pre = new Uint8Array(64);
  private preLength = 0;
  private readonly post = new Uint8Array(64);
  private postLength = 0;
  private readonly postUndated = new Uint8Array(32);
  // Dirty mode.
  private readonly dirtyRng: Rng | undefined;
  private readonly forced: number[] = [];
  private nextRandom = Number.POSITIVE_INFINITY;
  private nextDirty = Number.POSITIVE_INFINITY;

  constructor(
    private readonly ctx: SalesContext,
    readonly day: number,
    readonly rows: number,
    /** SalesID of the first row; IDs run on contiguously. */
    readonly firstId: number,
    /** Index of the first row in the run (for forced dirty positions). */
    readonly firstIndex: number,
    private readonly targets: DayTargets,
  ) {
    this.dated = targets.dated.out;
    this.undated = targets.undated?.out ?? targets.dated.out;
    this.rng = Rng.of(ctx.seed, 'sales', day);
    this.ids = new DigitCounter(firstId);
    this.datePrefix = Buffer.from(datePrefix(day), 'latin1');
    if (ctx.dirty) {
      this.dirtyRng = Rng.of(ctx.seed, 'dirty-sales', day);
      for (const index of ctx.dirty.forced.keys()) {
        if (index >= firstIndex && index < firstIndex + rows) this.forced.push(index - firstIndex);
      }
      this.forced.sort((a, b) => a - b);
      this.nextRandom = gapToNext(this.dirtyRng, SALES_DIRTY_RATE);
      this.nextDirty = Math.min(this.nextRandom, this.forced[0] ?? Number.POSITIVE_INFINITY);
    }
  }

  get done(): boolean {
    return this.produced >= this.rows;
  }

  /** Produces rows until the day is done or an output chunk is full. */
  fill(): void {
    const rng = this.rng;
    const ids = this.ids;
    const comboBytes = this.ctx.comboBytes;
    const comboStart = this.ctx.comboStart;
    const productCount = this.ctx.products.size;
    const split = this.targets.undated !== undefined;
    const pre = this.pre;
    const post = this.post;
    const postUndated = this.postUndated;
    let out: ByteOut;
    let i = this.produced;
    for (; i < this.rows && !this.dated.full && !this.undated.full; i++) {
      if (this.left === 0) this.startTransaction();
      this.left--;
      const product = Math.floor((rng.u32() / 4294967296) * productCount);
      // 30 bits keep the arithmetic in small integers (% on doubles is slow fmod).
      const r = rng.u32() >>> 2;
      const qty = r % 25;
      const rest = (r / 25) | 0;
      const tenth = rest % 10;
      const isUndated = ((rest / 10) | 0) % 100 < UNDATED_PER_100;
      const combo = (product * 25 + qty) * 3 + DISCOUNT_OF_TENTH[tenth]!;
      if (i === this.nextDirty) {
        this.dirtyRow(i, combo, isUndated);
        ids.increment();
        continue;
      }
      const toUndated = isUndated && split;
      out = toUndated ? this.undated : this.dated;
      const buf = out.buf;
      let pos = ids.put(buf, out.pos);
      ids.increment();
      for (let k = 0; k < this.preLength; k++) buf[pos++] = pre[k]!;
      for (let k = comboStart[combo]!, end = comboStart[combo + 1]!; k < end; k++)
        buf[pos++] = comboBytes[k]!;
      if (isUndated) {
        for (let k = 0; k < 25; k++) buf[pos++] = postUndated[k]!;
      } else {
        for (let k = 0; k < this.postLength; k++) buf[pos++] = post[k]!;
      }
      out.pos = pos;
      if (toUndated) this.undatedRows++;
      else this.datedRows++;
    }
    this.produced = i;
  }

  private startTransaction(): void {
    const rng = this.rng;
    const { employees, customers } = this.ctx;
    this.left = BASKET_SIZE[rng.int(100)]!;
    this.emp = rng.int(employees.size);
    this.cust = rng.int(customers.size);
    let p = 0;
    const pre = this.pre;
    pre[p++] = 44;
    p = putKey(pre, p, employees, this.emp);
    pre[p++] = 44;
    p = putKey(pre, p, customers, this.cust);
    pre[p++] = 44;
    this.preLength = p;

    // ",0," + yyyy-MM-dd HH:mm:ss.SSS + "," + number + "\n"
    const post = this.post;
    const ms = rng.int(86_400_000) | 0;
    const seconds = (ms / 1000) | 0;
    const minutes = (seconds / 60) | 0;
    p = putAscii(post, 0, ',0,');
    for (let k = 0; k < 11; k++) post[p++] = this.datePrefix[k]!;
    p = put2(post, p, (minutes / 60) | 0);
    post[p++] = 58;
    p = put2(post, p, minutes % 60);
    post[p++] = 58;
    p = put2(post, p, seconds - minutes * 60);
    post[p++] = 46;
    p = put3(post, p, ms - seconds * 1000);
    post[p++] = 44;
    const numberAt = p;
    p = putTransactionNumber(rng, post, p);
    post[p++] = 10;
    this.postLength = p;
    // ",0,," + number + "\n" (25 bytes)
    const undated = this.postUndated;
    putAscii(undated, 0, ',0,,');
    for (let k = 0; k < 21; k++) undated[4 + k] = post[numberAt + k]!;
  }

  /** The slow path: build the row as fields, damage it, log it. */
  private dirtyRow(i: number, combo: number, isUndated: boolean): void {
    const dirty = this.ctx.dirty!;
    const rng = this.dirtyRng!;
    const id = String(this.firstId + i);
    const [productKey, quantity, discountText] = this.ctx.combo(combo).split(',');
    const post = Buffer.from(this.post.subarray(0, this.postLength)).toString('latin1');
    const [, , timestamp, number] = post.slice(0, -1).split(',');
    const { employees, customers } = this.ctx;
    const fields = [
      id,
      keyAt(employees, this.emp),
      keyAt(customers, this.cust),
      productKey!,
      quantity!,
      discountText!,
      '0',
      isUndated ? '' : timestamp!,
      number!,
    ];
    let dirtyCase: DirtyCase;
    if (this.forced[0] === i) {
      dirtyCase = dirty.forced.get(this.firstIndex + i)!;
      this.forced.shift();
    } else {
      dirtyCase = rng.pick(SALES_CASES);
    }
    if (this.nextRandom === i) this.nextRandom = i + 1 + gapToNext(rng, SALES_DIRTY_RATE);
    this.nextDirty = Math.min(this.nextRandom, this.forced[0] ?? Number.POSITIVE_INFINITY);

    const damage = damageSalesRow(dirtyCase, fields, rng, (column) => this.ctx.orphan(column));
    // A row whose date ends up empty (or missing) travels with the undated rows.
    const dateless = fields.length > 7 ? fields[7] === '' : isUndated;
    const toUndated = dateless && this.targets.undated !== undefined;
    damage.records.forEach((record, k) => {
      if (k === damage.logged) {
        const target = toUndated ? this.targets.undated! : this.targets.dated;
        const linesBefore = target.lines + (toUndated ? this.undatedRows : this.datedRows);
        dirty.log.add({
          case: dirtyCase,
          file: target.file,
          line: linesBefore + 1,
          key: id,
          ...(damage.column !== undefined && { column: damage.column }),
          ...(damage.value !== undefined && { value: damage.value }),
        });
      }
      const text = csvLine(record).slice(0, -1) + damage.lineEnd;
      if (toUndated) {
        this.undated.writeAscii(text);
        this.undatedRows++;
      } else {
        this.dated.writeAscii(text);
        this.datedRows++;
      }
    });
  }
}
