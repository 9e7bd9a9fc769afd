/**
 * JSON parsing that keeps big integers exact. Trino sends `bigint` values as JSON numbers, and
 * `JSON.parse` rounds anything beyond 2^53. Pages without a long digit run take the native
 * parser (fast); the others the exact parser shared with the Iceberg metadata reader.
 */
import { parseJson } from '../../util/exact-json.js';

/** 16+ consecutive digits: the only way a JSON number can exceed Number.MAX_SAFE_INTEGER. */
const LONG_DIGIT_RUN = /\d{16}/;

export function parseJsonExact(text: string): unknown {
  if (!LONG_DIGIT_RUN.test(text)) return JSON.parse(text);
  return parseJson(text);
}
