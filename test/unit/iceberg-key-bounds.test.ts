import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filesOverlappingKeyRange } from '../../src/adapters/duckdb/iceberg/materialize.js';
import type { LiveDataFile } from '../../src/lakehouse/iceberg/index.js';
import type { PrimitiveType } from '../../src/lakehouse/iceberg/schema.js';
import {
  encodeValue,
  type IcebergValue,
  truncateLower,
  truncateUpper,
} from '../../src/lakehouse/iceberg/values.js';

const KEY = 3;

function file(name: string, type: PrimitiveType, lower?: IcebergValue, upper?: IcebergValue): LiveDataFile {
  return {
    content: 0,
    filePath: `file:///t/${name}`,
    localPath: `/t/${name}`,
    fileFormat: 'PARQUET',
    partition: {},
    recordCount: 10,
    fileSizeInBytes: 100,
    lowerBounds: lower === undefined ? null : { [KEY]: encodeValue(type, lower) },
    upperBounds: upper === undefined ? null : { [KEY]: encodeValue(type, upper) },
    snapshotId: 1n,
    sequenceNumber: 1,
    fileSequenceNumber: 1,
    specId: 0,
  };
}

const names = (files: LiveDataFile[]) => files.map((f) => f.localPath.slice(3));

describe('Iceberg files pruned by the bounds of a single key (merge and delete+insert)', () => {
  it('text keys: a day after every file reads none; an earlier day reads the files that can hold it', () => {
    const live = [
      file('a', 'string', '20180101', '20180131'),
      file('b', 'string', '20180201', '20180228'),
      file('nobounds', 'string'),
    ];
    assert.deepEqual(names(filesOverlappingKeyRange(live, KEY, 'string', '20180510', '20180510')), [
      'nobounds',
    ]);
    assert.deepEqual(names(filesOverlappingKeyRange(live, KEY, 'string', '20180131', '20180131')), [
      'a',
      'nobounds',
    ]);
    assert.deepEqual(names(filesOverlappingKeyRange(live, KEY, 'string', '20171231', '20180201')), [
      'a',
      'b',
      'nobounds',
    ]);
  });

  it('text keys: truncated bounds (a prefix and a rounded-up prefix) still hold every value', () => {
    const low = 'customer-000000000001-a';
    const high = 'customer-000000000001-z';
    const live = [file('long', 'string', truncateLower('string', low), truncateUpper('string', high))];
    for (const key of [low, high, 'customer-000000000001-m'])
      assert.deepEqual(names(filesOverlappingKeyRange(live, KEY, 'string', key, key)), ['long'], key);
    assert.deepEqual(names(filesOverlappingKeyRange(live, KEY, 'string', 'customer-1', 'customer-2')), []);
  });

  it('integer keys compare as numbers, not as text', () => {
    const live = [file('small', 'long', 2n, 9n), file('large', 'int', 10, 99)];
    assert.deepEqual(names(filesOverlappingKeyRange(live, KEY, 'long', 100n, 200n)), []);
    assert.deepEqual(names(filesOverlappingKeyRange(live, KEY, 'long', 9n, 10n)), ['small', 'large']);
  });
});
