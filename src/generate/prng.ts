/**
 * Seeded randomness. Every table, day and purpose gets its own stream derived from
 * (seed, labels…), so a day's rows never depend on how many rows came before it, on
 * chunk sizes, or on the file layout — that is what makes the output byte-identical.
 */

const TWO_POW_32 = 4294967296;

/** Murmur3's 32-bit finaliser: a strong, cheap integer hash. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Hashes a seed and a path of labels (strings or integers) into one 32-bit value. */
export function hashSeed(seed: number, ...labels: Array<string | number>): number {
  // Seeds up to 2^53 keep both halves so 1 and 2^32 + 1 differ.
  let h = fmix32((seed >>> 0) ^ 0x9e3779b9);
  h = fmix32(h ^ Math.floor(seed / TWO_POW_32));
  for (const label of labels) {
    if (typeof label === 'number') {
      h = fmix32(Math.imul(h, 31) ^ (label >>> 0));
      h = fmix32(h ^ Math.floor(label / TWO_POW_32));
    } else {
      for (let i = 0; i < label.length; i++) h = fmix32(Math.imul(h, 31) ^ label.charCodeAt(i));
    }
  }
  return h;
}

/** xoshiro128** (Blackman & Vigna): 128-bit state, 32-bit output, only int ops. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed32: number) {
    // splitmix32 expands the seed so that no state word is zero.
    let x = seed32 >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      return fmix32(x) | 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1;
  }

  /** A stream for (seed, labels…). */
  static of(seed: number, ...labels: Array<string | number>): Rng {
    return new Rng(hashSeed(seed, ...labels));
  }

  /** Uniform unsigned 32-bit integer. */
  u32(): number {
    const b = this.b;
    const m = Math.imul(b, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = b << 9;
    this.c ^= this.a;
    this.d ^= b;
    this.b = b ^ this.c;
    this.a ^= this.d;
    this.c ^= t;
    this.d = (this.d << 11) | (this.d >>> 21);
    return result;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.u32() / TWO_POW_32;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor((this.u32() / TWO_POW_32) * n);
  }

  /** Uniform integer in [lo, hi] (both inclusive). */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.u32() / TWO_POW_32 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }

  /** Fisher–Yates, in place. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }
}
