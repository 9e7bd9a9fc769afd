import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { duckDbTypeSql, fieldIdsAfter, structType } from '../../src/adapters/duckdb/iceberg/duckdb-types.js';
import { schemaForSelect } from '../../src/adapters/duckdb/iceberg/write-data.js';
import { decimalBytes } from '../../src/lakehouse/iceberg/manifest.js';
import { sameColumns } from '../../src/lakehouse/iceberg/schema.js';
import {
  compareValues,
  decodeValue,
  encodeValue,
  parseTimestamp,
  truncateLower,
  truncateUpper,
  valueFromText,
  valueToText,
} from '../../src/lakehouse/iceberg/values.js';
import { ExecutionError } from '../../src/util/errors.js';
import { parseJson, stringifyJson } from '../../src/util/exact-json.js';

const hex = (b: Buffer) => b.toString('hex');

describe('iceberg single-value binary serialization (spec Appendix D)', () => {
  test('each primitive type encodes as the spec says', () => {
    assert.equal(hex(encodeValue('boolean', true)), '01');
    assert.equal(hex(encodeValue('boolean', false)), '00');
    assert.equal(hex(encodeValue('int', 34)), '22000000');
    assert.equal(hex(encodeValue('int', -1)), 'ffffffff');
    assert.equal(hex(encodeValue('long', 34n)), '2200000000000000');
    assert.equal(hex(encodeValue('long', -2n)), 'feffffffffffffff');
    assert.equal(hex(encodeValue('float', 1)), '0000803f');
    assert.equal(hex(encodeValue('double', 1)), '000000000000f03f');
    assert.equal(hex(encodeValue('date', valueFromText('date', '2017-11-16')!)), '4e440000'); // 17486 days
    assert.equal(hex(encodeValue('time', valueFromText('time', '22:31:08')!)), hex(le64(81068000000n)));
    assert.equal(
      hex(encodeValue('timestamp', valueFromText('timestamp', '2017-11-16 22:31:08')!)),
      hex(le64(1510871468000000n)),
    );
    assert.equal(hex(encodeValue('string', 'iceberg')), hex(Buffer.from('iceberg')));
    assert.equal(
      hex(encodeValue('uuid', 'f79c3e09-677c-4bbd-a479-3f349cb785e7')),
      'f79c3e09677c4bbda4793f349cb785e7', // big-endian, as in Appendix B
    );
    assert.equal(hex(encodeValue('binary', Buffer.from([0, 1, 2, 3]))), '00010203');
  });

  test('decimals: unscaled two’s complement, big-endian, minimal bytes (negatives too)', () => {
    assert.equal(hex(encodeValue('decimal(9,2)', '14.20')), '058c'); // 1420
    assert.equal(hex(encodeValue('decimal(9,2)', '0.00')), '00');
    assert.equal(hex(encodeValue('decimal(9,2)', '1.27')), '7f');
    assert.equal(hex(encodeValue('decimal(9,2)', '1.28')), '0080'); // 128 needs a sign byte
    assert.equal(hex(encodeValue('decimal(9,2)', '-1.28')), '80');
    assert.equal(hex(encodeValue('decimal(9,2)', '-1.29')), 'ff7f');
    assert.equal(hex(encodeValue('decimal(10,3)', '-1.125')), 'fb9b'); // what PyIceberg writes
    assert.equal(decodeValue('decimal(10,3)', Buffer.from('fb9b', 'hex')), '-1.125');
    assert.equal(
      decodeValue('decimal(38,0)', encodeValue('decimal(38,0)', '-99999999999999999999999999999999999999')),
      '-99999999999999999999999999999999999999',
    );
    assert.equal(decimalBytes(9), 4);
    assert.equal(decimalBytes(18), 8);
    assert.equal(decimalBytes(38), 16);
  });

  test('decode(encode(v)) = v for every type', () => {
    const cases: [string, string][] = [
      ['boolean', '1'],
      ['int', '-2147483648'],
      ['long', '9223372036854775807'],
      ['float', '1.5'],
      ['double', '-13.25'],
      ['date', '1969-12-31'],
      ['time', '10:11:12.000123'],
      ['timestamp', '1960-02-29 23:59:59.5'],
      ['timestamptz', '2018-01-01 10:00:00+05:30'],
      ['string', 'grüße 🎉'],
      ['uuid', '01fc3feb-78cc-4882-8b18-2b2c3023c2f6'],
      ['decimal(12,2)', '-3.05'],
    ];
    for (const [type, text] of cases) {
      const v = valueFromText(type, text)!;
      assert.notEqual(v, undefined, `${type} parses ${text}`);
      assert.deepEqual(decodeValue(type, encodeValue(type, v)), v, type);
    }
    assert.equal(valueToText('date', valueFromText('date', '1969-12-31')!), '1969-12-31');
    assert.equal(
      valueToText('timestamp', valueFromText('timestamp', '1960-02-29 23:59:59.5')!),
      '1960-02-29T23:59:59.500000',
    );
    assert.equal(
      valueToText('timestamptz', valueFromText('timestamptz', '2018-01-01 10:00:00+05:30')!),
      '2018-01-01T04:30:00+00:00',
    );
  });

  test('timestamps with zone offsets normalize to UTC', () => {
    assert.equal(parseTimestamp('2018-01-01 10:00:00+00'), parseTimestamp('2018-01-01T10:00:00Z'));
    assert.equal(parseTimestamp('2018-01-01 10:00:00-02'), parseTimestamp('2018-01-01 12:00:00'));
  });

  test('text that a type cannot hold exactly gives no bound rather than a wrong one', () => {
    assert.equal(valueFromText('int', '2147483648'), undefined);
    assert.equal(valueFromText('double', 'nan'), undefined);
    assert.equal(valueFromText('date', '0044-03-15 (BC)'), undefined);
    assert.equal(valueFromText('boolean', 'maybe'), undefined);
  });

  test('string bounds are truncated to 16 characters, upper bound incremented', () => {
    const long = 'abcdefghijklmnopqrstuvwxyz';
    assert.equal(truncateLower('string', long), 'abcdefghijklmnop');
    assert.equal(truncateUpper('string', long), 'abcdefghijklmnoq');
    assert.equal(truncateUpper('string', 'short'), 'short');
    const upper = truncateUpper('string', `${'x'.repeat(15)}\u{10ffff}tail`) as string;
    assert.equal(upper, `${'x'.repeat(14)}y`);
    assert.ok(compareValues('string', upper, `${'x'.repeat(15)}\u{10ffff}tail`) > 0);
  });

  test('strings compare in UTF-8 byte order, like Iceberg', () => {
    assert.ok(compareValues('string', '\u{ffff}', '\u{10000}') < 0);
    assert.ok(compareValues('decimal(5,2)', '-1.50', '1.00') < 0);
  });
});

function le64(n: bigint): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigInt64LE(n);
  return b;
}

describe('iceberg JSON keeps 64-bit snapshot ids exact', () => {
  test('big integers survive a round trip', () => {
    const text =
      '{"snapshot-id": 9223372036854775807, "small": 12, "f": 1.5, "s": "x\\"y", "a": [true, null]}';
    const v = parseJson(text) as Record<string, unknown>;
    assert.equal(v['snapshot-id'], 9223372036854775807n);
    assert.equal(v.small, 12);
    assert.equal(v.f, 1.5);
    assert.equal(v.s, 'x"y');
    assert.deepEqual(parseJson(stringifyJson(v)), v);
    assert.match(stringifyJson(v, 0), /"snapshot-id":9223372036854775807/);
  });
});

describe('iceberg ↔ DuckDB types', () => {
  let instance: DuckDBInstance;
  let conn: DuckDBConnection;
  before(async () => {
    instance = await DuckDBInstance.create(':memory:');
    conn = await instance.connect();
  });
  after(() => {
    conn.closeSync();
    instance.closeSync();
  });

  const select = `select
      true as b, 1::tinyint as ti, 1::smallint as si, 1::integer as i, 1::bigint as bi, 1::hugeint as hi,
      1.5::float as f, 1.5::double as d, 1.5::decimal(10,2) as dec, 'x' as s, 'x'::blob as bl,
      date '2018-01-01' as dt, time '10:00:00' as t, timestamp '2018-01-01 10:00:00' as ts,
      timestamptz '2018-01-01 10:00:00+00' as tz, uuid() as u, [1, 2] as l, {'x': 1, 'y': 'a'} as st,
      map {'k': 1.5} as m, [{'a': [1]}] as deep`;

  test('DuckDB → Iceberg: the documented mapping, nested ids included', async () => {
    const schema = await schemaForSelect(conn, select);
    const types = Object.fromEntries(schema.fields.map((f) => [f.name, f.type]));
    assert.deepEqual(
      [types.b, types.ti, types.si, types.i, types.bi, types.hi, types.f, types.d, types.dec],
      ['boolean', 'int', 'int', 'int', 'long', 'decimal(38,0)', 'float', 'double', 'decimal(10,2)'],
    );
    assert.deepEqual(
      [types.s, types.bl, types.dt, types.t, types.ts, types.tz, types.u],
      ['string', 'binary', 'date', 'time', 'timestamp', 'timestamptz', 'uuid'],
    );
    assert.deepEqual(types.l, { type: 'list', 'element-id': 21, 'element-required': false, element: 'int' });
    assert.deepEqual(types.st, {
      type: 'struct',
      fields: [
        { id: 22, name: 'x', required: false, type: 'int' },
        { id: 23, name: 'y', required: false, type: 'string' },
      ],
    });
    assert.deepEqual(types.m, {
      type: 'map',
      'key-id': 24,
      key: 'string',
      'value-id': 25,
      'value-required': false,
      value: 'decimal(2,1)',
    });
    const ids = schema.fields.map((f) => f.id);
    assert.deepEqual(
      ids,
      Array.from({ length: 20 }, (_, i) => i + 1),
    );
  });

  test('Iceberg → DuckDB → Iceberg is the identity (for types Iceberg can hold)', async () => {
    const schema = await schemaForSelect(conn, select);
    const casts = schema.fields
      .map((f) => `cast(null as ${duckDbTypeSql(f.type)}) as "${f.name}"`)
      .join(', ');
    const again = await schemaForSelect(conn, `select ${casts}`);
    assert.ok(sameColumns(schema, again), JSON.stringify(again));
  });

  test('schema evolution keeps ids by name; new columns (and nested fields) get fresh ids', async () => {
    const v1 = await schemaForSelect(conn, `select 1 as a, {'x': 1} as s, 'p' as partition`);
    const v2 = await schemaForSelect(
      conn,
      `select {'x': 1, 'z': 2} as s, 2.5 as c, 'p' as partition, 1 as a`,
      v1,
      10,
    );
    const byName = Object.fromEntries(v2.fields.map((f) => [f.name, f]));
    assert.equal(byName.a!.id, v1.fields[0]!.id);
    assert.equal(byName.partition!.id, v1.fields[2]!.id);
    assert.equal(byName.s!.id, v1.fields[1]!.id);
    const nested = (byName.s!.type as { fields: { id: number; name: string }[] }).fields;
    assert.deepEqual(
      nested.map((f) => [f.name, f.id]),
      [
        ['x', 4],
        ['z', 12],
      ],
    );
    assert.equal(byName.c!.id, 11);
  });

  test('types Iceberg cannot store fail with one sentence naming the column', async () => {
    await assert.rejects(
      () => schemaForSelect(conn, `select interval 1 day as waited`),
      (e: unknown) => e instanceof ExecutionError && /Column "waited" has type INTERVAL/.test(e.message),
    );
  });

  test('field id assignment continues after the given last column id', () => {
    const ids = fieldIdsAfter(41);
    assert.equal(ids.next(), 42);
    assert.equal(structType([], [], ids, undefined).fields.length, 0);
  });
});
