/** Decoded manifests shared by the process (src/lakehouse/iceberg/manifest-cache.ts): decoded once, bounded. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DecodedFiles } from '../../src/lakehouse/iceberg/manifest-cache.js';

describe('decoded manifest cache', () => {
  it('decodes a file once, and drops the oldest past its bound', () => {
    const decoded: string[] = [];
    const cache = new DecodedFiles<number>(5);
    const read = (key: string, entries: number) =>
      cache.get(key, () => {
        decoded.push(key);
        return Array.from({ length: entries }, (_, i) => i);
      });
    assert.deepEqual(read('a', 2), [0, 1]);
    assert.deepEqual(read('a', 2), [0, 1]);
    read('b', 2);
    assert.deepEqual(decoded, ['a', 'b'], 'a is decoded once');
    read('c', 2); // 6 entries: a goes
    read('b', 2);
    read('a', 2);
    assert.deepEqual(decoded, ['a', 'b', 'c', 'a'], 'b stayed, a was dropped and decoded again');
    read('d', 9); // larger than the bound alone: kept while it is the newest
    read('d', 9);
    assert.deepEqual(decoded, ['a', 'b', 'c', 'a', 'd']);
  });
});
