import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTemplateEngine } from '../../src/template/engine.js';

describe('call syntax', () => {
  it('accepts a trailing comma in a call, as Python does', () => {
    const engine = createTemplateEngine({ macroFiles: [], adapterType: 'duckdb', rootPackage: 'p' });
    const seen: unknown[] = [];
    const out = engine.render("{{ f(1, x=['a', 'b'],) }}{{ f(2,) }}", 'm.sql', {
      f: (...args: unknown[]) => {
        seen.push(args);
        return '';
      },
    });
    assert.equal(out.sql, '');
    assert.equal(seen.length, 2);
    assert.deepEqual((seen[0] as unknown[])[0], 1);
    assert.deepEqual(((seen[0] as unknown[])[1] as Record<string, unknown>).x, ['a', 'b']);
  });
  it('still rejects two arguments without a comma', () => {
    const engine = createTemplateEngine({ macroFiles: [], adapterType: 'duckdb', rootPackage: 'p' });
    assert.throws(() => engine.render('{{ f(1 2) }}', 'm.sql', { f: () => '' }), /m\.sql:1/);
  });
});
