import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FileSink } from '../../src/generate/sink.js';

describe('generator file sink', () => {
  it('writes a new file under a partial name and renames it on close', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mdw-sink-'));
    const path = join(dir, 'sales.csv');
    writeFileSync(path, 'old complete file\n');
    const sink = new FileSink(path);
    sink.write('a,b\n1,2\n');
    assert.equal(
      readFileSync(path, 'utf8'),
      'old complete file\n',
      'the landing file is untouched until close',
    );
    assert.deepEqual(readdirSync(dir).sort(), ['sales.csv', `sales.csv.partial-${process.pid}`]);
    sink.close();
    assert.equal(readFileSync(path, 'utf8'), 'a,b\n1,2\n');
    assert.deepEqual(readdirSync(dir), ['sales.csv']);
  });

  it('appends in place', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mdw-sink-'));
    const path = join(dir, 'sales.csv');
    writeFileSync(path, 'a,b\n');
    const sink = new FileSink(path, { append: true });
    sink.write('1,2\n');
    sink.close();
    assert.equal(readFileSync(path, 'utf8'), 'a,b\n1,2\n');
    assert.ok(!existsSync(`${path}.partial-${process.pid}`));
  });
});
