/** Partition transforms: the spec's bucket hash vectors, time transforms, truncate, partition_by parsing, pruning. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Schema } from '../../src/lakehouse/iceberg/schema.js';
import {
  applyTransform,
  bucketBytes,
  buildPartitionSpec,
  murmur3_32,
  parsePartitionBy,
  partitionMayMatch,
  type Transform,
} from '../../src/lakehouse/iceberg/transforms.js';
import { compareValues, parseDate, parseTime, parseTimestamp } from '../../src/lakehouse/iceberg/values.js';

describe('Iceberg bucket hash (spec Appendix B test vectors)', () => {
  const hash = (type: string, value: unknown) => murmur3_32(bucketBytes(type, value as never));
  it('hashes ints and longs as 8-byte little-endian longs', () => {
    assert.equal(hash('int', 34), 2017239379);
    assert.equal(hash('long', 34n), 2017239379);
  });
  it('hashes decimals, dates, times, timestamps', () => {
    assert.equal(hash('decimal(4, 2)', '14.20'), -500754589);
    assert.equal(hash('date', parseDate('2017-11-16')), -653330422);
    assert.equal(hash('time', parseTime('22:31:08')), -662762989);
    assert.equal(hash('timestamp', parseTimestamp('2017-11-16T22:31:08')), -2047944441);
    assert.equal(hash('timestamptz', parseTimestamp('2017-11-16T14:31:08-08:00')), -2047944441);
  });
  it('hashes strings (UTF-8), uuids and binary', () => {
    assert.equal(hash('string', 'iceberg'), 1210000089);
    assert.equal(hash('uuid', 'f79c3e09-677c-4bbd-a479-3f349cb785e7'), 1488055340);
    assert.equal(hash('binary', Buffer.from([0, 1, 2, 3])), -188683207);
  });
  it('bucket N is (hash & MAX_INT) % N', () => {
    assert.equal(applyTransform({ kind: 'bucket', buckets: 16 }, 'int', 34), 2017239379 % 16);
    assert.equal(applyTransform({ kind: 'bucket', buckets: 100 }, 'string', 'iceberg'), 1210000089 % 100);
    assert.equal(applyTransform({ kind: 'bucket', buckets: 7 }, 'long', null), null);
  });
});

describe('time and truncate transforms', () => {
  const ts = (text: string) => parseTimestamp(text)!;
  it('counts years, months, days and hours from the epoch, flooring before it', () => {
    assert.equal(applyTransform({ kind: 'year' }, 'timestamp', ts('2018-03-01T10:00:00')), 48);
    assert.equal(applyTransform({ kind: 'month' }, 'timestamp', ts('2018-03-01T10:00:00')), 48 * 12 + 2);
    assert.equal(
      applyTransform({ kind: 'day' }, 'timestamp', ts('2018-03-01T10:00:00')),
      parseDate('2018-03-01'),
    );
    assert.equal(applyTransform({ kind: 'hour' }, 'timestamp', ts('1970-01-01T01:00:00')), 1);
    assert.equal(applyTransform({ kind: 'day' }, 'timestamp', ts('1969-12-31T23:59:59')), -1);
    assert.equal(applyTransform({ kind: 'hour' }, 'timestamp', ts('1969-12-31T23:59:59')), -1);
    assert.equal(applyTransform({ kind: 'year' }, 'date', parseDate('1969-12-31')!), -1);
    assert.equal(applyTransform({ kind: 'month' }, 'date', parseDate('1969-12-31')!), -1);
  });
  it('truncates ints toward negative infinity, strings by code point, decimals on the unscaled value', () => {
    const t = (w: number): Transform => ({ kind: 'truncate', width: w });
    assert.equal(applyTransform(t(10), 'int', 1), 0);
    assert.equal(applyTransform(t(10), 'int', -1), -10);
    assert.equal(applyTransform(t(10), 'long', 19n), 10n);
    assert.equal(applyTransform(t(3), 'string', 'iceberg'), 'ice');
    assert.equal(applyTransform(t(2), 'string', 'é😀x'), 'é😀');
    assert.equal(applyTransform(t(50), 'decimal(9, 2)', '10.65'), '10.50');
  });
});

describe('partition_by parsing and the partition spec', () => {
  const schema: Schema = {
    type: 'struct',
    'schema-id': 0,
    fields: [
      { id: 1, name: 'sales_at', required: false, type: 'timestamp' },
      { id: 2, name: 'customer_id', required: false, type: 'long' },
      { id: 3, name: 'name', required: false, type: 'string' },
      { id: 4, name: 'sales_date', required: false, type: 'date' },
    ],
  };
  it('reads dbt-duckdb/Athena strings, Trino argument order and the BigQuery dict form', () => {
    assert.deepEqual(
      parsePartitionBy(['day(sales_at)', 'bucket(16, customer_id)', 'truncate(4, name)', 'sales_date'], 'm'),
      [
        { column: 'sales_at', transform: { kind: 'day' } },
        { column: 'customer_id', transform: { kind: 'bucket', buckets: 16 } },
        { column: 'name', transform: { kind: 'truncate', width: 4 } },
        { column: 'sales_date', transform: { kind: 'identity' } },
      ],
    );
    assert.deepEqual(parsePartitionBy('bucket(customer_id, 8)', 'm'), [
      { column: 'customer_id', transform: { kind: 'bucket', buckets: 8 } },
    ]);
    assert.deepEqual(
      parsePartitionBy({ field: 'sales_at', data_type: 'timestamp', granularity: 'month' }, 'm'),
      [{ column: 'sales_at', transform: { kind: 'month' } }],
    );
    assert.throws(
      () => parsePartitionBy(['week(sales_at)'], 'models/m.sql'),
      /models\/m\.sql: unknown partition transform 'week'/,
    );
    assert.throws(() => parsePartitionBy(['bucket(x, y)'], 'm'), /positive whole number/);
  });
  it('builds fields with Iceberg names and transforms, and refuses a wrong source type or column', () => {
    const requests = parsePartitionBy(
      ['day(sales_at)', 'bucket(16, customer_id)', 'truncate(4, name)', 'sales_date'],
      'm',
    );
    const spec = buildPartitionSpec(schema, requests, [], 999, 'm');
    assert.deepEqual(
      spec.fields.map((f) => [f['source-id'], f['field-id'], f.name, f.transform]),
      [
        [1, 1000, 'sales_at_day', 'day'],
        [2, 1001, 'customer_id_bucket', 'bucket[16]'],
        [3, 1002, 'name_trunc', 'truncate[4]'],
        [4, 1003, 'sales_date', 'identity'],
      ],
    );
    assert.equal(buildPartitionSpec(schema, requests, [spec], 1003, 'm'), spec, 'an equal spec is reused');
    assert.throws(
      () => buildPartitionSpec(schema, parsePartitionBy(['hour(sales_date)'], 'm'), [], 999, 'models/m.sql'),
      /hour does not apply to a column of Iceberg type date/,
    );
    assert.throws(
      () => buildPartitionSpec(schema, parsePartitionBy(['nope'], 'm'), [], 999, 'models/m.sql'),
      /'nope' is not a column/,
    );
  });
});

describe('partition pruning', () => {
  const compare = (a: unknown, b: unknown) => compareValues('timestamp', a as never, b as never);
  const day = (text: string) => parseDate(text)!;
  const literal = parseTimestamp('2018-03-01T00:00:00')!;
  it('keeps only the days a range or equality on the source column can reach', () => {
    const may = (op: '>=' | '>' | '<' | '=', partition: number) =>
      partitionMayMatch(
        { kind: 'day' },
        'timestamp',
        op,
        literal,
        partition,
        (a, b) => Number(a) - Number(b),
      );
    assert.equal(may('>=', day('2018-02-28')), false);
    assert.equal(may('>=', day('2018-03-01')), true);
    assert.equal(may('>', day('2018-03-01')), true, 'later hours of the same day may match');
    assert.equal(may('<', day('2018-03-01')), true, 'inclusive projection: the boundary day is kept');
    assert.equal(may('<', day('2018-03-02')), false);
    assert.equal(may('=', day('2018-03-02')), false);
  });
  it('bucket prunes equality only', () => {
    const b: Transform = { kind: 'bucket', buckets: 16 };
    const bucket = applyTransform(b, 'long', 34n);
    assert.equal(partitionMayMatch(b, 'long', '=', 34n, bucket, compare), true);
    assert.equal(partitionMayMatch(b, 'long', '=', 34n, (Number(bucket) + 1) % 16, compare), false);
    assert.equal(partitionMayMatch(b, 'long', '>=', 34n, (Number(bucket) + 1) % 16, compare), true);
  });
});
