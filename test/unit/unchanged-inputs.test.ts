/** Which nodes may be reused when their inputs did not change (src/run/unchanged-inputs.ts). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Manifest } from '../../src/manifest/types.js';
import { digestQuery, eligible } from '../../src/run/unchanged-inputs.js';
import { testNode } from '../support/nodes.js';

function manifestWith(macros: Record<string, string> = {}): Manifest {
  const entries = Object.entries(macros).map(([id, sql]) => [
    id,
    { unique_id: id, name: id.split('.').pop(), package_name: 'test', macro_sql: sql },
  ]);
  return { nodes: {}, macros: Object.fromEntries(entries) } as unknown as Manifest;
}

describe('reuse of unchanged nodes', () => {
  it('reuses plain table models, snapshots and data tests only', () => {
    const manifest = manifestWith();
    const table = testNode('model', 'dim', { materialized: 'table' }, { raw_code: 'select 1 as id' });
    assert.equal(eligible(table, manifest), true);
    for (const materialized of ['incremental', 'view', 'ephemeral']) {
      assert.equal(
        eligible({ ...table, config: { ...table.config, materialized } }, manifest),
        false,
        materialized,
      );
    }
    const hooked = { ...table, config: { ...table.config, post_hook: ['grant select on {{ this }} to r'] } };
    assert.equal(eligible(hooked, manifest), false, 'a hook may do anything');
    const snapshot = testNode('snapshot', 'snp', {}, { raw_code: 'select 1 as id' });
    assert.equal(eligible(snapshot, manifest), true);
    assert.equal(
      eligible({ ...snapshot, config: { ...snapshot.config, post_hook: ['select 1'] } }, manifest),
      false,
    );
    const test = testNode('test', 'unique_dim_id', {}, { raw_code: 'select 1 where false' });
    assert.equal(eligible(test, manifest), true);
    // one storing its failures too: reused only while its table holds what it stored (tryReuse)
    assert.equal(eligible({ ...test, config: { ...test.config, store_failures: true } }, manifest), true);
  });

  it('never reuses SQL that reads the clock, chance or the environment, itself or in a macro', () => {
    const manifest = manifestWith({ 'macro.test.stamp': 'current_timestamp', 'macro.test.key': 'md5(x)' });
    const model = (raw_code: string, macros: string[] = []) =>
      testNode('model', 'dim', { materialized: 'table' }, { raw_code, depends_on: { nodes: [], macros } });
    assert.equal(eligible(model('select now() as loaded_at'), manifest), false);
    assert.equal(eligible(model('select \'{{ env_var("X") }}\' as x'), manifest), false);
    assert.equal(eligible(model('select random() as r'), manifest), false);
    assert.equal(eligible(model('select {{ stamp() }}', ['macro.test.stamp']), manifest), false);
    assert.equal(eligible(model('select {{ key() }}', ['macro.test.key']), manifest), true);
  });

  it('has a digest query on DuckDB only', () => {
    assert.match(digestQuery('duckdb', '"a"."b"') ?? '', /count\(\*\).*sum\(hash\(mdw_digest\)\)/);
    assert.equal(digestQuery('trino', '"a"."b"'), null);
  });
});
