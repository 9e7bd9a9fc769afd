/**
 * The one CSV header reader (seeds and external sources, every engine). Reading the header
 * ourselves lets an engine load the body with sniffing disabled, so a malformed row is reported
 * with its line number, and lets a source's declared columns be checked before any row loads.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

const CHUNK = 64 * 1024;
const MAX_HEADER_BYTES = 4 * 1024 * 1024;

/** Column names of the first record, or null when the file has no header at all. */
export async function readCsvHeader(path: string, delimiter: string): Promise<string[] | null> {
  const handle = await open(path, 'r');
  try {
    let text = '';
    let offset = 0;
    const buffer = Buffer.alloc(CHUNK);
    // A decoder keeps multi-byte characters that straddle two chunks intact.
    const decoder = new StringDecoder('utf8');
    while (offset < MAX_HEADER_BYTES) {
      const { bytesRead } = await handle.read(buffer, 0, CHUNK, offset);
      offset += bytesRead;
      text += decoder.write(buffer.subarray(0, bytesRead));
      const parsed = parseFirstRecord(text, delimiter, bytesRead === 0);
      if (parsed !== undefined) return parsed;
      if (bytesRead === 0) break;
    }
    return parseFirstRecord(text, delimiter, true) ?? null;
  } finally {
    await handle.close();
  }
}

export type HeaderReader = (path: string, delimiter: string) => string[] | null;

/** readCsvHeaderSync that reads each file once (several checks of one landing read the same headers). */
export function onceEachHeaderReader(): HeaderReader {
  const read = new Map<string, string[] | null>();
  return (path, delimiter) => {
    const key = `${delimiter}\u0000${path}`;
    if (!read.has(key)) read.set(key, readCsvHeaderSync(path, delimiter));
    return read.get(key)!;
  };
}

/** readCsvHeader, synchronously (checks that run before any query). */
export function readCsvHeaderSync(path: string, delimiter: string): string[] | null {
  const fd = openSync(path, 'r');
  try {
    let text = '';
    let offset = 0;
    const buffer = Buffer.alloc(CHUNK);
    const decoder = new StringDecoder('utf8');
    while (offset < MAX_HEADER_BYTES) {
      const bytesRead = readSync(fd, buffer, 0, CHUNK, offset);
      offset += bytesRead;
      text += decoder.write(buffer.subarray(0, bytesRead));
      const parsed = parseFirstRecord(text, delimiter, bytesRead === 0);
      if (parsed !== undefined) return parsed;
      if (bytesRead === 0) break;
    }
    return parseFirstRecord(text, delimiter, true) ?? null;
  } finally {
    closeSync(fd);
  }
}

/**
 * The fields of the first record in `text` (RFC 4180 quoting, `""` escapes a quote), null when
 * the text holds no record, undefined when the record may continue past the end of `text`.
 */
export function parseFirstRecord(
  text: string,
  delimiter: string,
  complete: boolean,
): string[] | null | undefined {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  if (body.trim() === '') return complete ? null : undefined;
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  while (i < body.length) {
    const char = body[i]!;
    if (quoted) {
      if (char === '"' && body[i + 1] === '"') {
        field += '"';
        i += 2;
      } else if (char === '"') {
        quoted = false;
        i += 1;
      } else {
        field += char;
        i += 1;
      }
    } else if (char === '"' && field === '') {
      quoted = true;
      i += 1;
    } else if (body.startsWith(delimiter, i)) {
      fields.push(field);
      field = '';
      i += delimiter.length;
    } else if (char === '\n' || char === '\r') {
      fields.push(field);
      return fields;
    } else {
      field += char;
      i += 1;
    }
  }
  if (!complete) return undefined;
  fields.push(field);
  return fields;
}
