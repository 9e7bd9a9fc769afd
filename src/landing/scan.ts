/**
 * An independent reading of a landing CSV file: it splits the bytes into records
 * (newline-delimited, a newline inside a well-formed quoted field does not end a record)
 * and classifies every record a CSV reader could mis-read. It shares nothing with the
 * engine's CSV reader, so its count can prove that reader lost nothing.
 *
 * A quoted field is well-formed when its quote opens the field and a closing quote is
 * followed by the delimiter, a line end or the end of the file, within `maxRecordBytes`.
 * Anything else (one stray quote swallowing the rest of the file, a quote inside a value)
 * is not quoting: the record is then the physical line, and it is damaged.
 */

import { isUtf8 } from 'node:buffer';
import { closeSync, openSync, readSync } from 'node:fs';

export type DamageReason =
  | 'unterminated_quote'
  | 'malformed_quote'
  | 'stray_quote'
  | 'oversized_line'
  | 'control_characters'
  | 'invalid_utf8'
  | 'bare_carriage_return'
  | 'empty_line'
  | 'too_few_fields'
  | 'too_many_fields';

export interface DamagedRecord {
  /** 1-based physical line where the record starts (the header is line 1) */
  line: number;
  /** byte range of the record in the file, its line end included */
  start: number;
  end: number;
  reason: DamageReason;
  /** the record's text, truncated, control characters escaped */
  raw: string;
}

export interface FileScan {
  file: string;
  bytes: number;
  /** fields of the header line (0 for an empty file) */
  headerFields: number;
  /** records after the header, damaged ones included */
  dataRecords: number;
  damaged: DamagedRecord[];
}

export interface ScanOptions {
  delimiter?: string;
  quote?: string;
  escape?: string;
  /** records longer than this are damaged (DuckDB's default max_line_size) */
  maxRecordBytes?: number;
  /** bytes per read; small values exercise the chunk boundaries in tests */
  chunkBytes?: number;
}

export const DEFAULT_MAX_RECORD_BYTES = 2_097_152;
const RAW_TEXT_CHARS = 500;
const LF = 0x0a;
const CR = 0x0d;
const TAB = 0x09;

// Byte classes for the unquoted fast path.
const ORDINARY = 0;
const DELIMITER = 1;
const QUOTE = 2;
const NEWLINE = 3;
const RETURN = 4;
const CONTROL = 5;
const HIGH = 6;

/** One byte of a single-byte ASCII option, or null when the option is not one. */
export function singleByte(value: string | undefined, fallback: string): number | null {
  const text = value ?? fallback;
  return text.length === 1 && text.charCodeAt(0) < 0x80 ? text.charCodeAt(0) : null;
}

interface RecordState {
  fields: number;
  quoteDamage: DamageReason | null;
  control: boolean;
  high: boolean;
  bareReturn: boolean;
  /** newlines inside quoted fields of this record */
  innerLines: number;
  oversized: boolean;
}

/** Where a record scan stopped: the record is complete, or the buffer ended first. */
type Step =
  | { done: true; end: number; next: number; state: RecordState }
  | { done: false; literal: DamageReason | null };

interface ScannedRecord {
  /** file offset of the record */
  start: number;
  /** buffer index of the record, or -1 when an oversized record was not kept */
  at: number;
  end: number;
  next: number;
  state: RecordState;
  oversizedRaw?: string;
}

export function scanCsvFile(file: string, options: ScanOptions = {}): FileScan {
  const delimiter = singleByte(options.delimiter, ',');
  const quote = singleByte(options.quote, '"');
  const escapeByte = singleByte(options.escape, options.quote ?? '"');
  if (delimiter === null || quote === null || escapeByte === null) {
    throw new Error('the landing check supports single-byte ASCII delimiter, quote and escape characters');
  }
  const maxRecord = options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES;
  const classes = new Uint8Array(256);
  for (let b = 0; b < 0x20; b++) classes[b] = CONTROL;
  for (let b = 0x7f; b < 0x100; b++) classes[b] = HIGH;
  classes[0x7f] = CONTROL;
  classes[TAB] = ORDINARY;
  classes[LF] = NEWLINE;
  classes[CR] = RETURN;
  classes[delimiter] = DELIMITER;
  classes[quote] = QUOTE;

  const fd = openSync(file, 'r');
  try {
    return new Scanner(fd, file, classes, delimiter, quote, escapeByte, maxRecord, options.chunkBytes).run();
  } finally {
    closeSync(fd);
  }
}

class Scanner {
  private buffer: Buffer;
  /** the buffer as a plain byte array (a faster element access in the hot loop) */
  private bytes: Uint8Array;
  /** every byte above this and below DEL is ordinary */
  private readonly ordinaryAbove: number;
  /** file offset of buffer[0] */
  private base = 0;
  /** valid bytes in the buffer */
  private filled = 0;
  private eof = false;
  private readonly result: FileScan;

  constructor(
    private readonly fd: number,
    file: string,
    private readonly classes: Uint8Array,
    private readonly delimiter: number,
    private readonly quote: number,
    private readonly escapeByte: number,
    private readonly maxRecord: number,
    chunkBytes = 8 * 1024 * 1024,
  ) {
    this.buffer = Buffer.allocUnsafe(Math.max(chunkBytes, 16));
    this.bytes = new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.buffer.length);
    this.ordinaryAbove = Math.max(0x20, delimiter, quote, escapeByte);
    this.result = { file, bytes: 0, headerFields: 0, dataRecords: 0, damaged: [] };
  }

  run(): FileScan {
    this.fill(0);
    let pos = 0;
    if (this.filled >= 3 && this.buffer[0] === 0xef && this.buffer[1] === 0xbb && this.buffer[2] === 0xbf)
      pos = 3;
    let line = 1;
    let header = true;
    for (;;) {
      if (pos >= this.filled) {
        if (this.eof) break;
        pos = this.fill(pos);
        if (pos >= this.filled) break;
      }
      const record = this.nextRecord(pos);
      if (header) {
        header = false;
        this.result.headerFields = record.state.fields;
      } else {
        this.result.dataRecords++;
        const reason = this.classify(record);
        if (reason !== null) {
          const raw =
            record.oversizedRaw ??
            rawText(this.buffer.subarray(record.at, Math.min(record.end, record.at + RAW_TEXT_CHARS * 4)));
          this.result.damaged.push({ line, start: record.start, end: this.base + record.next, reason, raw });
        }
      }
      line += 1 + record.state.innerLines;
      pos = record.next;
    }
    this.result.bytes = this.base + this.filled;
    return this.result;
  }

  /** Moves the bytes from `keep` on to the front and reads more; returns keep's new index (0). */
  private fill(keep: number): number {
    const kept = this.filled - keep;
    if (keep > 0) {
      this.buffer.copy(this.buffer, 0, keep, this.filled);
      this.base += keep;
    } else if (kept === this.buffer.length) {
      const larger = Buffer.allocUnsafe(this.buffer.length * 2);
      this.buffer.copy(larger, 0, 0, kept);
      this.buffer = larger;
      this.bytes = new Uint8Array(larger.buffer, larger.byteOffset, larger.length);
    }
    this.filled = kept;
    while (this.filled < this.buffer.length && !this.eof) {
      const read = readSync(
        this.fd,
        this.buffer,
        this.filled,
        this.buffer.length - this.filled,
        this.base + this.filled,
      );
      if (read === 0) this.eof = true;
      this.filled += read;
    }
    return 0;
  }

  /** The record starting at buffer index `pos`, reading more of the file as needed. */
  private nextRecord(pos: number): ScannedRecord {
    let at = pos;
    let literal: DamageReason | null = null;
    for (;;) {
      const step = this.scan(at, literal);
      if (step.done) return { start: this.base + at, at, end: step.end, next: step.next, state: step.state };
      literal = step.literal;
      if (!this.eof && this.filled - at <= this.maxRecord + 1) {
        at = this.fill(at);
        continue;
      }
      // Longer than any record may be: an open quote is not quoting; a line is oversized.
      if (literal === null) {
        literal = 'unterminated_quote';
        continue;
      }
      return this.skipOversized(at);
    }
  }

  /** A line longer than the limit: read on to its end without holding it. */
  private skipOversized(at: number): ScannedRecord {
    const start = this.base + at;
    const oversizedRaw = rawText(this.buffer.subarray(at, at + RAW_TEXT_CHARS * 4));
    let from = at;
    for (;;) {
      const lf = this.buffer.indexOf(LF, from);
      if (lf !== -1 && lf < this.filled) return this.oversizedRecord(start, lf, lf + 1, oversizedRaw);
      if (this.eof) return this.oversizedRecord(start, this.filled, this.filled, oversizedRaw);
      from = this.fill(this.filled);
    }
  }

  private oversizedRecord(start: number, end: number, next: number, oversizedRaw: string): ScannedRecord {
    const state = newState();
    state.oversized = true;
    return { start, at: -1, end, next, state, oversizedRaw };
  }

  private classify(record: ScannedRecord): DamageReason | null {
    const { state, at, end } = record;
    if (state.oversized || end - at > this.maxRecord) return 'oversized_line';
    if (state.quoteDamage) return state.quoteDamage;
    if (state.control) return 'control_characters';
    if (state.high && !isUtf8(this.buffer.subarray(at, end))) return 'invalid_utf8';
    if (state.bareReturn) return 'bare_carriage_return';
    const length = end > at && this.buffer[end - 1] === CR ? end - at - 1 : end - at;
    if (length === 0) return 'empty_line';
    if (state.fields < this.result.headerFields) return 'too_few_fields';
    if (state.fields > this.result.headerFields) return 'too_many_fields';
    return null;
  }

  /**
   * Scans one record from buffer index `start`. With `literal` set, quotes are ordinary
   * bytes (an opening quote turned out not to be quoting) and the record is damaged so.
   */
  private scan(start: number, literal: DamageReason | null): Step {
    const bytes = this.bytes;
    const { classes, ordinaryAbove, delimiter } = this;
    const filled = this.filled;
    const state = newState();
    state.quoteDamage = literal;
    let i = start;
    while (i < filled) {
      const b = bytes[i]!;
      // Fast path: most bytes are plain printable ASCII above every special byte.
      if (b > ordinaryAbove && b < 0x7f) {
        i++;
        continue;
      }
      const kind = classes[b]!;
      if (kind === ORDINARY) {
        i++;
        continue;
      }
      if (kind === NEWLINE) return { done: true, end: i, next: i + 1, state };
      if (kind === DELIMITER) {
        state.fields++;
        i++;
        continue;
      }
      if (kind === QUOTE && literal === null && (i === start || bytes[i - 1] === delimiter)) {
        const close = this.closeQuote(i + 1, state);
        if (close === NEED_MORE) return { done: false, literal };
        if (close === MALFORMED) return this.scan(start, 'malformed_quote');
        if (close === UNTERMINATED) return this.scan(start, 'unterminated_quote');
        i = close;
        continue;
      }
      if (kind === QUOTE) state.quoteDamage ??= 'stray_quote';
      else if (kind === RETURN) {
        if (i + 1 >= filled && !this.eof) return { done: false, literal };
        if (bytes[i + 1] !== LF) state.bareReturn = true;
      } else if (kind === CONTROL) state.control = true;
      else if (kind === HIGH) state.high = true;
      i++;
    }
    if (!this.eof) return { done: false, literal };
    return { done: true, end: i, next: i, state };
  }

  /**
   * From just after an opening quote: the index after the closing quote when it is
   * well-formed, else NEED_MORE, MALFORMED (a quote followed by text) or UNTERMINATED.
   */
  private closeQuote(from: number, state: RecordState): number {
    const { buffer, quote, escapeByte, delimiter } = this;
    const filled = this.filled;
    let lines = 0;
    let control = false;
    let high = false;
    for (let i = from; i < filled; i++) {
      const b = buffer[i]!;
      if (b === escapeByte && escapeByte !== quote) {
        i++;
        continue;
      }
      if (b === quote) {
        if (i + 1 >= filled) {
          if (!this.eof) return NEED_MORE;
        } else {
          const after = buffer[i + 1]!;
          if (after === quote && escapeByte === quote) {
            i++;
            continue;
          }
          // A bad close on a later line means this quote never closed on its own line.
          if (after !== delimiter && after !== LF && after !== CR)
            return lines > 0 ? UNTERMINATED : MALFORMED;
        }
        state.innerLines += lines;
        state.control ||= control;
        state.high ||= high;
        return i + 1;
      }
      if (b === LF) lines++;
      else if (b === 0x7f || (b < 0x20 && b !== TAB && b !== CR && b !== LF)) control = true;
      else if (b >= 0x80) high = true;
    }
    return this.eof ? UNTERMINATED : NEED_MORE;
  }
}

const NEED_MORE = -1;
const MALFORMED = -2;
const UNTERMINATED = -3;

function newState(): RecordState {
  return {
    fields: 1,
    quoteDamage: null,
    control: false,
    high: false,
    bareReturn: false,
    innerLines: 0,
    oversized: false,
  };
}

/** Printable text of a record: invalid UTF-8 replaced, control characters escaped, truncated. */
export function rawText(bytes: Uint8Array): string {
  let text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  if (text.endsWith('\r')) text = text.slice(0, -1);
  let escaped = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    const control = (code < 0x20 && code !== 0x09 && code !== 0x0a) || code === 0x7f;
    escaped += control ? `\\x${code.toString(16).padStart(2, '0')}` : char;
  }
  text = escaped;
  return text.length > RAW_TEXT_CHARS ? `${text.slice(0, RAW_TEXT_CHARS)}…` : text;
}
