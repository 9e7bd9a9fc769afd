/** The independent landing scan: record splitting, well-formed quoting and damage reasons. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { writeCopyWithout } from '../../src/landing/sanitize.js';
import { type ScanOptions, scanCsvFile } from '../../src/landing/scan.js';

const dir = mkdtempSync(join(tmpdir(), 'mdw-landing-scan-'));
let counter = 0;
function scan(text: string | Buffer, options: ScanOptions = {}) {
  const path = join(dir, `f${++counter}.csv`);
  writeFileSync(path, text);
  return scanCsvFile(path, options);
}
const reasons = (text: string | Buffer, options: ScanOptions = {}) =>
  scan(text, options).damaged.map((d) => [d.line, d.reason]);

const HEADER = 'id,name,city\n';

describe('landing scan', () => {
  it('counts records, not physical lines, across well-formed quoted newlines', () => {
    const result = scan(`${HEADER}1,"a\nb",x\n2,"c, ""d""",y\r\n3,e,z`);
    assert.equal(result.headerFields, 3);
    assert.equal(result.dataRecords, 3);
    assert.deepEqual(result.damaged, []);
  });

  it('a stray quote after the first comma damages its own line only', () => {
    const rows = Array.from({ length: 10 }, (_, i) => `${i},name${i},city${i}`);
    rows[4] = rows[4]!.replace(',', ',"');
    const result = scan(`${HEADER}${rows.join('\n')}\n`);
    assert.equal(result.dataRecords, 10);
    assert.deepEqual(
      result.damaged.map((d) => [d.line, d.reason, d.raw]),
      [[6, 'unterminated_quote', '4,"name4,city4']],
    );
  });

  it('a stray quote before a later quoted field is unterminated, and that field stays good', () => {
    assert.deepEqual(reasons(`${HEADER}1,"x,y\n2,"quoted, ok",z\n3,a,b\n`), [[2, 'unterminated_quote']]);
  });

  it('names every kind of damage with its line', () => {
    const text = Buffer.concat([
      Buffer.from(HEADER),
      Buffer.from('1,a,b\n'), // line 2 clean
      Buffer.from('2,a\n'), // 3 too few
      Buffer.from('3,a,b,c\n'), // 4 too many
      Buffer.from([0x34, 0x2c, 0xff, 0xfe, 0x2c, 0x62, 0x0a]), // 5 invalid UTF-8
      Buffer.from('5,a\u0000b,c\n'), // 6 control characters
      Buffer.from('\n'), // 7 empty line
      Buffer.from('7,ab"c,d\n'), // 8 quote inside a value
      Buffer.from('8,"q"x,d\n'), // 9 text after a closing quote
      Buffer.from('9,a\rb,c\n'), // 10 bare carriage return
      Buffer.from('10,Zoë,ok\n'), // 11 valid UTF-8
    ]);
    assert.deepEqual(reasons(text), [
      [3, 'too_few_fields'],
      [4, 'too_many_fields'],
      [5, 'invalid_utf8'],
      [6, 'control_characters'],
      [7, 'empty_line'],
      [8, 'stray_quote'],
      [9, 'malformed_quote'],
      [10, 'bare_carriage_return'],
    ]);
  });

  it('an oversized line is damaged and skipped without ending the scan', () => {
    const big = 'x'.repeat(5000);
    const result = scan(`${HEADER}1,${big},c\n2,b,c\n`, { maxRecordBytes: 1000, chunkBytes: 64 });
    assert.equal(result.dataRecords, 2);
    assert.deepEqual(
      result.damaged.map((d) => [d.line, d.reason]),
      [[2, 'oversized_line']],
    );
    assert.ok(result.damaged[0]!.raw.length <= 501);
  });

  it('an open quote longer than the record limit is not quoting', () => {
    const rows = Array.from({ length: 200 }, (_, i) => `${i},n,c`).join('\n');
    assert.deepEqual(reasons(`${HEADER}x,"open,c\n${rows}\n`, { maxRecordBytes: 300, chunkBytes: 32 }), [
      [2, 'unterminated_quote'],
    ]);
  });

  it('gives the same answer for any chunk size', () => {
    const text = `\ufeff${HEADER}1,"a\nb",x\n2,"c ""d""",y\r\n3,"x,y\n4,a,b\n5,é,c\n6,a\n`;
    const expected = scan(text);
    assert.equal(expected.dataRecords, 6);
    for (const chunkBytes of [16, 17, 19, 23, 31, 64]) {
      assert.deepEqual(scan(text, { chunkBytes }).damaged, expected.damaged, `chunk ${chunkBytes}`);
    }
  });

  it('an empty file has no header and no data; a header-only file has no data', () => {
    assert.deepEqual([scan('').headerFields, scan('').dataRecords], [0, 0]);
    assert.deepEqual([scan(HEADER).headerFields, scan(HEADER).dataRecords], [3, 0]);
  });

  it('the copy without damaged records keeps every other byte', () => {
    const text = `${HEADER}1,a,b\n2,"x,y\n3,c,d\r\n4,e\n5,f,g`;
    const path = join(dir, 'copy-source.csv');
    writeFileSync(path, text);
    const result = scanCsvFile(path);
    const copy = join(dir, 'copies', 'copy.csv');
    writeCopyWithout(path, copy, result.damaged);
    assert.equal(readFileSync(copy, 'utf8'), `${HEADER}1,a,b\n3,c,d\r\n5,f,g`);
  });
});
