import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createAdapter } from '../../src/adapters/index.js';
import { engineMacroDirs, engineTypes, findEngine, identifierQuote } from '../../src/adapters/registry.js';
import type { TargetConfig } from '../../src/manifest/types.js';
import { unknownConfigKeys } from '../../src/project/config.js';
import { loadTarget } from '../../src/project/profiles.js';
import { createTemplateEngine } from '../../src/template/engine.js';
import { ConfigError } from '../../src/util/errors.js';
import { packageRoot } from '../../src/util/package-root.js';
import { makeProject } from '../support/project.js';

function profileWith(output: string): string {
  return makeProject({ 'profiles.yml': `shop:\n  target: dev\n  outputs:\n    dev:\n${output}` });
}

const target = (type: string): TargetConfig => ({
  name: 'dev',
  profile_name: 'shop',
  type,
  schema: 'main',
  database: '',
  threads: 1,
});

describe('engine registry', () => {
  it('lists every engine folder, each with its macros folder in the package', () => {
    assert.deepEqual(engineTypes(), ['duckdb', 'trino', 'athena']);
    for (const type of engineTypes()) {
      for (const dir of engineMacroDirs(type)) assert.ok(existsSync(join(packageRoot(), dir)), dir);
    }
    assert.deepEqual(engineMacroDirs('athena'), ['src/adapters/athena/macros', 'src/adapters/trino/macros']);
    assert.equal(findEngine('DuckDB')?.type, 'duckdb');
  });

  it('validates the engine-specific profile keys with the file and line', () => {
    const root = profileWith("      type: duckdb\n      path: x.duckdb\n      settings: 'threads=4'\n");
    assert.throws(
      () => loadTarget({ projectRoot: root, profileName: 'shop', profilesDir: root }),
      (error: unknown) =>
        error instanceof ConfigError &&
        /profiles\.yml:7: target 'dev': 'settings' must be a map/.test(error.message),
    );
    const trino = profileWith('      type: trino\n      schema: s\n');
    assert.throws(
      () => loadTarget({ projectRoot: trino, profileName: 'shop', profilesDir: trino }),
      /needs 'host' \(required by the trino target\)/,
    );
  });

  it('takes the default database from the engine', () => {
    const root = profileWith('      type: duckdb\n      path: warehouse/mdw.duckdb\n');
    assert.equal(loadTarget({ projectRoot: root, profileName: 'shop', profilesDir: root }).database, 'mdw');
  });

  it('loads engines lazily and names what a target is missing or an unknown type', async () => {
    // trino loads its adapter, whose profile check names what is missing before any connection
    await assert.rejects(createAdapter(target('trino'), '.'), /Profile shop, target dev: 'host' is required/);
    // athena too: its profile check names the missing setting before any AWS call
    await assert.rejects(
      createAdapter(target('athena'), '.'),
      /Profile shop, target dev needs 'region_name'/,
    );
    await assert.rejects(
      createAdapter(target('oracle'), '.'),
      /type 'oracle', which mdw does not support \(supported: duckdb, trino, athena\)/,
    );
  });

  it("loads only the target engine's dispatched macros", () => {
    const render = (type: string, sql: string) =>
      createTemplateEngine({ macroFiles: [], adapterType: type, rootPackage: 'p' }).render(sql, 'm.sql', {})
        .sql;
    assert.equal(render('duckdb', '{{ current_timestamp() }}'), 'now()');
    assert.equal(render('trino', '{{ current_timestamp() }}'), 'current_timestamp');
    assert.equal(render('duckdb', "{{ hash('c') }}"), 'md5(cast(c as varchar))');
    assert.equal(render('athena', "{{ hash('c') }}"), 'lower(to_hex(md5(to_utf8(cast(c as varchar)))))');
  });

  it("knows each engine's config keys and quoting", () => {
    assert.deepEqual(unknownConfigKeys({ table_type: 'iceberg', lf_tags_config: {}, nonsense: 1 }), [
      'nonsense',
    ]);
    assert.equal(identifierQuote('duckdb')('a"b'), '"a""b"');
  });
});
