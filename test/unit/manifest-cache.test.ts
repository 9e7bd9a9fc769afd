/** Decoded manifests shared by the process (src/lakehouse/iceberg/manifest-cache.ts) and the Avro types that decode them: built once. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { avroType, decodeAvro, encodeAvro } from '../../src/lakehouse/iceberg/avro.js';
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

describe('Avro types', () => {
  it('builds a schema’s codec once and decodes with it what it encoded', () => {
    const schema = {
      type: 'record',
      name: 'entry',
      fields: [
        { name: 'path', type: 'string' },
        { name: 'rows', type: 'long' },
      ],
    };
    const type = avroType(schema);
    assert.equal(avroType(JSON.parse(JSON.stringify(schema))), type, 'an equal schema reuses the type');
    assert.notEqual(avroType({ ...schema, name: 'other' }), type);
    const file = decodeAvro(encodeAvro(schema, [{ path: 'a.parquet', rows: 5n }], {}));
    assert.deepEqual(
      file.records.map((record) => ({ ...record })),
      [{ path: 'a.parquet', rows: 5n }],
    );
  });
});
