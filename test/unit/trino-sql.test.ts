/** The SQL the trino target renders from config, checked without a server. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { partitionKeyExpression } from '../../src/adapters/trino/materialize.js';
import { inferSeedType } from '../../src/adapters/trino/seed.js';
import { partitioning, tableLayout } from '../../src/adapters/trino/table-properties.js';
import { parseCsvRecords } from '../../src/csv/records.js';
import type { NodeConfig } from '../../src/manifest/types.js';
import { ExecutionError } from '../../src/util/errors.js';

/** a model config with only the keys a case sets */
const config = (keys: object) => keys as NodeConfig;

describe('trino table layout', () => {
  test('partition_by entries and Athena partitioned_by become Trino transforms', () => {
    assert.deepEqual(
      partitioning(
        [{ field: 'ordered_at', granularity: 'day' }, { field: 'store' }],
        config({ partitioned_by: ['bucket(16, customer_id)', 'truncate(3, name)', 'month(ts)'] }),
      ),
      ['day(ordered_at)', 'store', 'bucket(customer_id, 16)', 'truncate(name, 3)', 'month(ts)'],
    );
  });

  test("Athena's format, write_compression and table_properties; dbt-trino's properties win", () => {
    const layout = tableLayout(
      [],
      config({
        partitioned_by: ['day(ts)'],
        format: 'orc',
        write_compression: 'zstd',
        table_properties: { 'mdw.owner': "O'Neil" },
        properties: { format: "'PARQUET'" },
      }),
      'm',
      'iceberg',
    );
    assert.equal(
      layout.withClause,
      " WITH (format = 'PARQUET', partitioning = ARRAY['day(ts)'], " +
        "extra_properties = MAP(ARRAY['mdw.owner'], ARRAY['O''Neil']))",
    );
    assert.deepEqual(layout.sessionProperties, { 'iceberg.compression_codec': 'ZSTD' });
    assert.equal(tableLayout([], config({}), 'm', 'iceberg').withClause, '');
  });

  test('an unknown format or codec is one sentence naming the model', () => {
    assert.throws(
      () => tableLayout([], config({ format: 'csv' }), 'orders', 'iceberg'),
      /Model orders has format 'csv'/,
    );
    assert.throws(
      () => tableLayout([], config({ write_compression: 'brotli' }), 'orders', 'iceberg'),
      /Model orders has write_compression 'brotli'/,
    );
  });

  test('insert_overwrite keys each partition entry on the value its transform takes', () => {
    assert.equal(partitionKeyExpression('day(ts)'), 'cast(ts as date)');
    assert.equal(partitionKeyExpression('month(ts)'), "date_trunc('month', ts)");
    assert.equal(partitionKeyExpression('"partition"'), '"partition"');
    assert.throws(() => partitionKeyExpression('bucket(id, 4)', 'orders'), ExecutionError);
  });
});

describe('trino seeds', () => {
  test("dbt's type inference in Trino types; empty cells fit any type", () => {
    assert.equal(inferSeedType(['1', '', '-3']), 'integer');
    assert.equal(inferSeedType(['1', '3000000000']), 'bigint');
    assert.equal(inferSeedType(['1.5', '2']), 'double');
    assert.equal(inferSeedType(['True', 'false']), 'boolean');
    assert.equal(inferSeedType(['2024-01-02']), 'date');
    assert.equal(inferSeedType(['2024-01-02 10:00:00', '2024-01-02T10:00:00.5']), 'timestamp(6)');
    assert.equal(inferSeedType(['2024-01-02', 'x']), 'varchar');
    assert.equal(inferSeedType(['', '']), 'varchar');
  });

  test('CSV records: quotes, escaped quotes, embedded newlines, CRLF, blank lines', () => {
    assert.deepEqual(parseCsvRecords('a,b\r\n"x, y","say ""hi"""\n\n"two\nlines",\n', ','), [
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['two\nlines', ''],
    ]);
  });
});
