/**
 * A copy of a landing file without its damaged records, for the engine's CSV reader: it
 * then reads only records the independent scan found well-formed, and the quarantine keeps
 * the rest. Written to a temporary name and renamed, so a reader never sees half a copy.
 */
import { closeSync, mkdirSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { DamagedRecord } from './scan.js';

const CHUNK = 4 * 1024 * 1024;

export function writeCopyWithout(file: string, copy: string, damaged: readonly DamagedRecord[]): void {
  mkdirSync(dirname(copy), { recursive: true });
  const temporary = `${copy}.${process.pid}.tmp`;
  const input = openSync(file, 'r');
  const output = openSync(temporary, 'w');
  const buffer = Buffer.allocUnsafe(CHUNK);
  try {
    let offset = 0;
    const ranges = [...damaged].sort((a, b) => a.start - b.start);
    for (const range of ranges) {
      copyRange(input, output, buffer, offset, range.start);
      offset = Math.max(offset, range.end);
    }
    copyRange(input, output, buffer, offset, Number.POSITIVE_INFINITY);
  } finally {
    closeSync(input);
    closeSync(output);
  }
  renameSync(temporary, copy);
}

/** Copies bytes [from, to) of the input (to the end of the file when `to` is infinite). */
function copyRange(input: number, output: number, buffer: Buffer, from: number, to: number): void {
  let position = from;
  while (position < to) {
    const read = readSync(input, buffer, 0, Math.min(buffer.length, to - position), position);
    if (read === 0) return;
    writeSync(output, buffer, 0, read);
    position += read;
  }
}
