/**
 * Compiled templates kept between invocations: an engine given the cache file evaluates the
 * code stored for a source instead of compiling it again, a file written by another compiler
 * is ignored, and a source that does not compile is never stored (its error stays where it is).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { CompiledCodeCache } from '../../src/template/code-cache.js';
import { createTemplateEngine } from '../../src/template/engine.js';

const root = mkdtempSync(join(tmpdir(), 'mdw-code-cache-'));
after(() => rmSync(root, { recursive: true, force: true }));

const render = (cache: CompiledCodeCache, source: string) =>
  createTemplateEngine({ macroFiles: [], adapterType: 'duckdb', rootPackage: 'p', codeCache: cache }).render(
    source,
    'models/m.sql',
    { n: 20 },
  ).sql;

describe('compiled template cache', () => {
  it('evaluates the stored code of a source instead of compiling it again', () => {
    const path = join(root, 'reuse.json');
    const first = new CompiledCodeCache(path, '1');
    assert.equal(render(first, 'select {{ n + 1 }}'), 'select 21');
    first.save();
    const stored = JSON.parse(readFileSync(path, 'utf8')) as {
      compiler: string;
      code: Record<string, string>;
    };
    const code = Object.values(stored.code)[0];
    assert.ok(code, 'the compiled code was stored');
    // another source's entry holding this code: the next invocation runs it, not the source
    const other = 'select {{ n + 5 }}';
    stored.code[createHash('sha1').update(other).digest('hex')] = code;
    writeFileSync(path, JSON.stringify(stored));
    assert.equal(render(new CompiledCodeCache(path, '1'), other), 'select 21');
    assert.equal(render(new CompiledCodeCache(null, '1'), other), 'select 25');
  });

  it('ignores a file written by another compiler', () => {
    const path = join(root, 'other.json');
    const first = new CompiledCodeCache(path, '1');
    render(first, 'select {{ n }}');
    first.save();
    const stored = JSON.parse(readFileSync(path, 'utf8')) as { compiler: string };
    writeFileSync(path, JSON.stringify({ ...stored, compiler: 'another' }));
    assert.equal(new CompiledCodeCache(path, '1').get('select {{ n }}'), undefined);
  });

  it('stores only sources that compile', () => {
    const path = join(root, 'broken.json');
    const cache = new CompiledCodeCache(path, '1');
    assert.throws(() => render(cache, 'select {{ n '));
    cache.save();
    assert.throws(() => readFileSync(path), /ENOENT/);
    assert.equal(cache.get('select {{ n '), undefined);
  });
});
