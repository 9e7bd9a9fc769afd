/**
 * Jinja in dbt_project.yml with dbt's context there (checked against dbt-core 1.11): `var()` sees
 * only --vars, `env_var()`, `target`; a value that is one {{ expression }} keeps its type; hooks
 * and `vars:` are not rendered at load; old path keys work with dbt's deprecation warning; an
 * unknown top-level key is refused, as dbt refuses it.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadProject } from '../../src/project/loader.js';
import { loadProjectConfig } from '../../src/project/project-config.js';
import { makeProject, runMdw } from '../support/project.js';

const PROJECT = `name: shop
version: '1.0.0'
profile: "{{ 'sh' ~ 'op' }}"
vars:
  load_source_data: true
  shown: "{{ target.name }}"
on-run-start: ["select '{{ target.name }}'"]
models:
  shop:
    +materialized: "{{ 'ephemeral' if target.name == 'trino' else 'table' }}"
    +enabled: "{{ var('load_source_data', false) }}"
    +schema: "{{ target.schema }}_x"
    +full_refresh: "{{ false if target.type in ['bigquery'] else true }}"
    +tags: ["{{ env_var('MDW_TEST_TAG', 'fallback') }}"]
    +post-hook: "select '{{ this }}'"
`;

function load(dir: string, cliVars: Record<string, unknown> = {}) {
  return loadProject({ projectDir: dir, profilesDir: dir, cliVars, partialParse: false });
}

describe('Jinja in dbt_project.yml', () => {
  it("renders with --vars (not the project's vars), target and env_var, keeping native types", () => {
    const dir = makeProject({
      'dbt_project.yml': PROJECT,
      'models/m.sql': 'select \'{{ var("shown") }}\' as s',
    });
    // the project's own vars: block does not count: var('load_source_data', false) is false
    assert.deepEqual(Object.keys(load(dir).manifest.nodes), []);
    const loaded = load(dir, { load_source_data: true });
    const node = loaded.manifest.nodes['model.shop.m'];
    assert.ok(node, 'model enabled by --vars');
    assert.equal(node.config.materialized, 'table');
    assert.equal(node.config.enabled, true);
    assert.equal(node.config.full_refresh, true, 'one {{ expression }} keeps its boolean type');
    assert.equal(node.schema, 'main_main_x', 'custom schema appended to the target schema');
    assert.deepEqual(node.config.tags, ['fallback']);
    // hooks are rendered when they run, and vars when they are read
    assert.match(JSON.stringify(node.config.post_hook), /select '\{\{ this \}\}'/);
    assert.deepEqual(loaded.project.on_run_start, ["select '{{ target.name }}'"]);
    assert.equal(loaded.project.vars.shown, '{{ target.name }}');
  });

  it("renders a var's Jinja value with the node's context when the var is read", () => {
    const dir = makeProject({
      'dbt_project.yml': PROJECT,
      'models/m.sql': 'select \'{{ var("shown") }}\' as s',
    });
    const result = runMdw(dir, ['compile', '--vars', '{load_source_data: true}']);
    assert.equal(result.code, 0, result.stderr + result.stdout);
    assert.match(result.stdout, /select 'dev' as s/);
  });

  it('reads env_var in dbt_project.yml', () => {
    const dir = makeProject({ 'dbt_project.yml': PROJECT, 'models/m.sql': 'select 1 as a' });
    process.env.MDW_TEST_TAG = 'nightly';
    try {
      const node = load(dir, { load_source_data: true }).manifest.nodes['model.shop.m'];
      assert.deepEqual(node?.config.tags, ['nightly']);
    } finally {
      delete process.env.MDW_TEST_TAG;
    }
  });

  it('a required var missing from --vars names the file, line and expression', () => {
    const dir = makeProject({
      'dbt_project.yml': `name: shop\nprofile: shop\nmodels:\n  shop:\n    +enabled: "{{ var('nope') }}"\n`,
      'models/m.sql': 'select 1 as a',
    });
    assert.throws(
      () => load(dir),
      /dbt_project\.yml:5: could not render \{\{ var\('nope'\) \}\}: required var 'nope' is not set by --vars/,
    );
  });

  it('honours source-paths and data-paths with dbt’s deprecation warnings', () => {
    const dir = makeProject({
      'dbt_project.yml': `name: shop\nprofile: shop\nsource-paths: ["src_models"]\ndata-paths: ["data"]\n`,
      'src_models/m.sql': 'select 1 as a',
      'data/s.csv': 'id\n1\n',
    });
    const loaded = load(dir);
    assert.deepEqual(Object.keys(loaded.manifest.nodes).sort(), ['model.shop.m', 'seed.shop.s']);
    assert.deepEqual(
      loaded.warnings.filter((w) => w.startsWith('Deprecated functionality')).map((w) => w.split(' (')[0]),
      [
        'Deprecated functionality: the `source-paths` config has been renamed to `model-paths`',
        'Deprecated functionality: the `data-paths` config has been renamed to `seed-paths`',
      ],
    );
    const cli = runMdw(dir, ['ls']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.match(cli.stderr + cli.stdout, /\[WARNING\]: Deprecated functionality: the `source-paths` config/);
  });

  it('refuses an unknown top-level key with its line, as dbt does', () => {
    const dir = makeProject({ 'dbt_project.yml': 'name: shop\nprofile: shop\nmodel-path: ["models"]\n' });
    assert.throws(
      () => loadProjectConfig(dir),
      /dbt_project\.yml:3: unknown key 'model-path' .*Did you mean 'model-paths'/,
    );
  });
});

describe('property files', () => {
  it('parse unit_tests, and name unknown top-level keys with file and line', () => {
    const dir = makeProject({
      'models/m.sql': 'select 1 as a',
      'models/schema.yml':
        'version: 2\nmodels:\n  - name: m\nunit_tests:\n  - name: t\n    model: m\n    given: []\n    expect: {rows: [{a: 1}]}\nmodles:\n  - name: x\nexposures: []\n',
    });
    const loaded = load(dir);
    const warnings = loaded.warnings;
    assert.deepEqual(Object.keys(loaded.manifest.unit_tests ?? {}), ['unit_test.shop.m.t']);
    assert.equal(warnings.filter((w) => w.includes('unit_tests')).length, 0, warnings.join('\n'));
    assert.ok(
      warnings.includes("models/schema.yml:10: unknown key 'modles' is ignored. Did you mean 'models'?"),
      warnings.join('\n'),
    );
    assert.equal(warnings.filter((w) => w.includes('exposures')).length, 0);
  });
});
