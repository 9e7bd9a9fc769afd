import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { onceEachHeaderReader } from '../../src/csv/header.js';
import { checkSourceHeaders, readHeader } from '../../src/csv/source-header.js';
import type { SourceDefinition } from '../../src/manifest/types.js';

const dir = mkdtempSync(join(tmpdir(), 'mdw-header-'));
const file = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const source = (columns: string[]): SourceDefinition =>
  ({
    source_name: 'grocery',
    name: 'sales',
    columns: Object.fromEntries(columns.map((c) => [c, { name: c }])),
  }) as unknown as SourceDefinition;

describe('landing file headers', () => {
  it('reads a header with a BOM, CRLF and quotes', () => {
    assert.deepEqual(readHeader(file('a.csv', '\uFEFF"A","B,1",C\r\n1,2,3\r\n'), ','), ['A', 'B,1', 'C']);
    assert.equal(readHeader(file('empty.csv', ''), ','), null);
  });
  it('reads each file once for the several checks of one landing', () => {
    const path = file('once.csv', 'A,B\n1,2\n');
    const headers = onceEachHeaderReader();
    assert.deepEqual(readHeader(path, ',', headers), ['A', 'B']);
    writeFileSync(path, 'C,D\n1,2\n');
    assert.deepEqual(headers(path, ','), ['A', 'B'], 'the second check reuses the first read');
    assert.deepEqual(readHeader(path, ','), ['C', 'D']);
  });
  it('accepts the declared columns, and a subset of them', () => {
    const path = file('ok.csv', 'SalesID,Quantity,Discount\n1,2,0\n');
    checkSourceHeaders(source(['SalesID', 'Quantity', 'Discount']), [path], ',', dir);
    checkSourceHeaders(source(['SalesID']), [path], ',', dir);
  });
  it('names the file and the expected vs found columns when one is renamed or missing', () => {
    const path = file('renamed.csv', 'SalesID,Qty,Discount\n');
    assert.throws(
      () => checkSourceHeaders(source(['SalesID', 'Quantity', 'Discount']), [path], ',', dir),
      /renamed\.csv: the header does not match source grocery\.sales: expected columns SalesID,Quantity,Discount but found SalesID,Qty,Discount \(missing Quantity; unexpected Qty\)/,
    );
  });
  it('rejects reordered columns', () => {
    const path = file('reordered.csv', 'Quantity,SalesID,Discount\n');
    assert.throws(
      () => checkSourceHeaders(source(['SalesID', 'Quantity', 'Discount']), [path], ',', dir),
      /same columns in another order/,
    );
  });
  it('ignores hive folder keys among the declared columns', () => {
    const folder = join(dir, 'partition=20180101');
    const path = join(folder, 'part.csv');
    mkdirSync(folder, { recursive: true });
    writeFileSync(path, 'SalesID,Quantity\n');
    checkSourceHeaders(source(['SalesID', 'Quantity', 'partition']), [path], ',', dir);
  });
});
