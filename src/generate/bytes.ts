/**
 * A chunk of output bytes for the sales loop. Writing ASCII straight into a Buffer
 * avoids building ~500 MB of JS strings per scale unit and then flattening and
 * encoding them — measured to be most of the cost of the string version.
 */
import type { FileSink } from './sink.js';

/** A chunk counts as full at this size; the slack above it absorbs the last (possibly dirty) row. */
export const CHUNK_BYTES = 1 << 20;
const SLACK = 1 << 14;

export class ByteOut {
  buf: Buffer = Buffer.allocUnsafe(CHUNK_BYTES + SLACK);
  pos = 0;

  get full(): boolean {
    return this.pos >= CHUNK_BYTES;
  }

  /** Writes the bytes so far to the sink and starts over in the same buffer. */
  writeTo(sink: FileSink): void {
    if (this.pos === 0) return;
    sink.write(this.buf.subarray(0, this.pos));
    this.pos = 0;
  }

  /** Appends ASCII text (slow path only). */
  writeAscii(text: string): void {
    if (this.pos + text.length > this.buf.length) {
      const bigger = Buffer.allocUnsafe(this.pos + text.length + SLACK);
      this.buf.copy(bigger, 0, 0, this.pos);
      this.buf = bigger;
    }
    this.pos += this.buf.write(text, this.pos, 'latin1');
  }
}

/** Writes a string's char codes (ASCII) at `pos`; returns the new position. */
export function putAscii(dst: Uint8Array, pos: number, text: string): number {
  for (let i = 0; i < text.length; i++) dst[pos++] = text.charCodeAt(i);
  return pos;
}

/** Writes a non-negative integer below 2^31 in decimal. */
export function putUint(dst: Uint8Array, pos: number, n: number): number {
  let digits = 1;
  for (let t = n; t >= 10; t = (t / 10) | 0) digits++;
  const end = pos + digits;
  for (let at = end - 1; at >= pos; at--) {
    const q = (n / 10) | 0;
    dst[at] = 48 + n - q * 10;
    n = q;
  }
  return end;
}

/** Writes a 2-digit zero-padded number. */
export function put2(dst: Uint8Array, pos: number, n: number): number {
  const tens = (n / 10) | 0;
  dst[pos] = 48 + tens;
  dst[pos + 1] = 48 + n - tens * 10;
  return pos + 2;
}

/** Writes a 3-digit zero-padded number. */
export function put3(dst: Uint8Array, pos: number, n: number): number {
  const hundreds = (n / 100) | 0;
  dst[pos] = 48 + hundreds;
  return put2(dst, pos + 1, n - hundreds * 100);
}

/**
 * A decimal counter kept as ASCII digits: incrementing is a carry over a few bytes,
 * far cheaper than number → string for every SalesID.
 */
export class DigitCounter {
  private digits: Uint8Array;
  private length: number;

  constructor(start: number) {
    const text = String(start);
    this.digits = new Uint8Array(20);
    this.length = text.length;
    putAscii(this.digits, 0, text);
  }

  /** Copies the digits to `dst` at `pos`; returns the new position. */
  put(dst: Uint8Array, pos: number): number {
    const d = this.digits;
    for (let i = 0; i < this.length; i++) dst[pos++] = d[i]!;
    return pos;
  }

  increment(): void {
    const d = this.digits;
    let i = this.length - 1;
    while (i >= 0 && d[i] === 57) d[i--] = 48;
    if (i >= 0) {
      d[i]!++;
    } else {
      // 99…9 + 1: shift right and lead with a 1.
      d.copyWithin(1, 0, this.length);
      d[0] = 49;
      this.length++;
    }
  }
}
