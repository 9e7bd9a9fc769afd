/**
 * The local Athena stack's partition projection narrowing (test/support/athena-server/projection.ts):
 * Trino gets an enum of the day folders that exist inside the declared range, so a scan lists
 * those and not every day since 2018.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatNow,
  type GlueTableLike,
  narrowProjection,
  sortableDatePattern,
} from '../support/athena-server/projection.js';

function salesTable(parameters: Record<string, string> = {}): GlueTableLike {
  return {
    Name: 'sales',
    PartitionKeys: [{ Name: 'partition' }],
    StorageDescriptor: { Location: 's3://raw/grocery/sales/' },
    Parameters: {
      'skip.header.line.count': '1',
      'projection.enabled': 'true',
      'projection.partition.type': 'date',
      'projection.partition.format': 'yyyyMMdd',
      'projection.partition.range': '20180101,NOW',
      'projection.partition.interval': '1',
      'projection.partition.interval.unit': 'DAYS',
      'storage.location.template': 's3://raw/grocery/sales/partition=${partition}/',
      ...parameters,
    },
  };
}

describe('partition projection on the local Athena stack', () => {
  it('becomes the enum of the existing day folders inside the range, from one listing of the prefix', async () => {
    const listed: string[] = [];
    const narrowed = await narrowProjection(salesTable(), async (bucket, prefix) => {
      listed.push(`${bucket}/${prefix}`);
      // the text after the listed prefix up to the next '/'
      return ['20180502', '20170101', '20180501', '__HIVE_DEFAULT_PARTITION__'];
    });
    assert.deepEqual(listed, ['raw/grocery/sales/partition=']);
    const params = narrowed.Parameters!;
    assert.equal(params['projection.partition.type'], 'enum');
    assert.equal(params['projection.partition.values'], '20180501,20180502');
    assert.equal(params['projection.partition.range'], undefined);
    assert.equal(params['projection.partition.format'], undefined);
    assert.equal(params['skip.header.line.count'], '1');
  });

  it('reads the folders from the default location when there is no template', async () => {
    const table = salesTable({ 'storage.location.template': '' });
    delete table.Parameters!['storage.location.template'];
    let prefix = '';
    const narrowed = await narrowProjection(table, async (_bucket, p) => {
      prefix = p;
      return ['20180501'];
    });
    assert.equal(prefix, 'grocery/sales/partition=');
    assert.equal(narrowed.Parameters!['projection.partition.values'], '20180501');
  });

  it('projects one absent day (no rows) when no folder exists yet', async () => {
    const narrowed = await narrowProjection(salesTable(), async () => []);
    assert.equal(narrowed.Parameters!['projection.partition.values'], '20180101');
  });

  it('leaves other tables and projections as declared, without listing', async () => {
    const never = async (): Promise<string[]> => assert.fail('listed');
    for (const table of [
      salesTable({ 'projection.enabled': 'false' }),
      salesTable({ 'projection.partition.type': 'integer' }),
      salesTable({ 'projection.partition.format': 'dd-MM-yyyy' }),
      salesTable({ 'projection.partition.range': 'NOW-3DAYS,NOW' }),
      { ...salesTable(), PartitionKeys: [{ Name: 'partition' }, { Name: 'region' }] },
    ])
      assert.deepEqual(await narrowProjection(table, never), table);
  });

  it('knows which date formats sort as text', () => {
    assert.ok(sortableDatePattern('yyyyMMdd')?.test('20180501'));
    assert.ok(sortableDatePattern('yyyy-MM-dd HH')?.test('2018-05-01 07'));
    assert.equal(sortableDatePattern('dd-MM-yyyy'), undefined);
    assert.equal(sortableDatePattern('yyyy-MMM'), undefined);
    assert.equal(formatNow('yyyyMMdd', new Date(Date.UTC(2026, 0, 2, 3))), '20260102');
  });
});
