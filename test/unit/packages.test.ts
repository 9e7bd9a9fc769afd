/** dbt packages: `mdw deps` (local, git, hub, package-lock.yml) and loading packages' nodes and macros. */
import assert from 'node:assert/strict';
import { existsSync, lstatSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { gitRepo, HubServer, runMdwAsync, tempDir, writeFiles } from '../support/packages.js';
import { makeProject, runMdw } from '../support/project.js';

/** A small package: a macro, a dispatched macro, a generic test, a seed and a model using them. */
function packageFiles(name: string, label: string): Record<string, string> {
  return {
    'dbt_project.yml': `name: ${name}\nversion: '1.0.0'\nconfig-version: 2\nmodels:\n  ${name}:\n    +materialized: table\n`,
    'macros/money.sql': `{% macro cents_to_dollars(col) %}({{ col }} / 100.0){% endmacro %}
{% macro label() %}'${label}'{% endmacro %}
{% macro greet() %}{{ return(adapter.dispatch('greet', '${name}')()) }}{% endmacro %}
{% macro default__greet() %}'default greet'{% endmacro %}
{% macro duckdb__greet() %}'${name} duckdb greet'{% endmacro %}
{% test is_positive(model, column_name) %}select * from {{ model }} where {{ column_name }} <= 0{% endtest %}
`,
    'seeds/pkg_seed.csv': 'id,cents\n1,150\n2,250\n',
    'models/pkg_model.sql':
      "select id, {{ cents_to_dollars('cents') }} as dollars from {{ ref('pkg_seed') }}\n",
    'models/schema.yml':
      'version: 2\nmodels:\n  - name: pkg_model\n    columns:\n      - name: dollars\n        data_tests: [is_positive]\n',
  };
}

function rootFiles(pkg: string, packagesYml: string): Record<string, string> {
  return {
    'packages.yml': packagesYml,
    'models/top.sql': `select id, dollars, {{ ${pkg}.greet() }} as greeting, {{ ${pkg}.label() }} as label from {{ ref('pkg_model') }}\n`,
    'models/schema.yml': `version: 2\nmodels:\n  - name: top\n    columns:\n      - name: dollars\n        data_tests: [${pkg}.is_positive]\n`,
  };
}

function showRows(dir: string, sql: string): Record<string, unknown>[] {
  const shown = runMdw(dir, ['show', '--inline', sql, '--output', 'json']);
  assert.equal(shown.code, 0, shown.stderr);
  return JSON.parse(shown.stdout.slice(shown.stdout.indexOf('[')));
}

function lock(dir: string): { packages: Record<string, unknown>[]; sha1_hash: string } {
  return parseYaml(readFileSync(join(dir, 'package-lock.yml'), 'utf8'));
}

describe('mdw deps and packages', () => {
  it('installs a local package (linked) and builds its seed, model and tests with the project', () => {
    const pkgDir = writeFiles(tempDir(), packageFiles('pkg_a', 'local one'));
    const dir = makeProject(rootFiles('pkg_a', `packages:\n  - local: ${JSON.stringify(pkgDir)}\n`));
    const before = runMdw(dir, ['build']);
    assert.equal(before.code, 2);
    assert.match(before.stderr, /packages\.yml lists 1 package\(s\) but only 0 are installed.*mdw deps/);
    const deps = runMdw(dir, ['deps']);
    assert.equal(deps.code, 0, deps.stderr);
    assert.ok(lstatSync(join(dir, 'dbt_packages', 'pkg_a')).isSymbolicLink());
    assert.deepEqual(lock(dir).packages, [{ local: pkgDir, name: 'pkg_a' }]);
    const build = runMdw(dir, ['build']);
    assert.equal(build.code, 0, build.stdout + build.stderr);
    assert.match(build.stdout, /OK created sql table model main\.pkg_model/);
    assert.match(build.stdout, /PASS is_positive_pkg_model_dollars/);
    assert.match(build.stdout, /PASS pkg_a_is_positive_top_dollars/);
    assert.match(build.stdout, /PASS=5 WARN=0 ERROR=0/);
    const rows = showRows(dir, 'select * from main.top order by id');
    assert.deepEqual(
      rows.map((r) => [r.id, r.dollars, r.greeting, r.label]),
      [
        [1, 1.5, 'pkg_a duckdb greet', 'local one'],
        [2, 2.5, 'pkg_a duckdb greet', 'local one'],
      ],
    );
    const ls = runMdw(dir, ['ls', '--resource-type', 'model']);
    assert.deepEqual(ls.stdout.trim().split('\n'), ['pkg_a.pkg_model', 'shop.top']);
  });

  it("follows the project's dispatch search order, and the root project configures package models", () => {
    const pkgDir = writeFiles(tempDir(), packageFiles('pkg_a', 'x'));
    const dir = makeProject({
      ...rootFiles('pkg_a', `packages:\n  - local: ${JSON.stringify(pkgDir)}\n`),
      'dbt_project.yml': `name: shop\nversion: '1.0.0'\nprofile: shop\nmodels:\n  pkg_a:\n    +materialized: view\ndispatch:\n  - macro_namespace: pkg_a\n    search_order: ['shop', 'pkg_a']\n`,
      'macros/override.sql': "{% macro duckdb__greet() %}'shop override'{% endmacro %}\n",
    });
    assert.equal(runMdw(dir, ['deps']).code, 0);
    const build = runMdw(dir, ['build']);
    assert.equal(build.code, 0, build.stdout + build.stderr);
    assert.match(build.stdout, /OK created sql view model main\.pkg_model/);
    assert.deepEqual(
      showRows(dir, 'select distinct greeting from main.top').map((r) => r.greeting),
      ['shop override'],
    );
    // only the package in the search order: the project's override is not seen
    const yml = readFileSync(join(dir, 'dbt_project.yml'), 'utf8').replace("['shop', 'pkg_a']", "['pkg_a']");
    writeFileSync(join(dir, 'dbt_project.yml'), yml);
    assert.equal(runMdw(dir, ['run', '-s', 'top']).code, 0);
    assert.deepEqual(
      showRows(dir, 'select distinct greeting from main.top').map((r) => r.greeting),
      ['pkg_a duckdb greet'],
    );
  });

  it('installs a git package at a tag from a subdirectory, and pins the commit in package-lock.yml', () => {
    const repo = gitRepo([
      {
        tag: 'v1',
        files: Object.fromEntries(
          Object.entries(packageFiles('pkg_g', 'git v1')).map(([p, c]) => [`sub/${p}`, c]),
        ),
      },
      { tag: 'v2', files: { 'sub/macros/money.sql': packageFiles('pkg_g', 'git v2')['macros/money.sql']! } },
    ]);
    const dir = makeProject(
      rootFiles(
        'pkg_g',
        `packages:\n  - git: ${JSON.stringify(repo.dir)}\n    revision: v1\n    subdirectory: sub\n`,
      ),
    );
    const deps = runMdw(dir, ['deps']);
    assert.equal(deps.code, 0, deps.stderr);
    assert.ok(!existsSync(join(dir, 'dbt_packages', 'pkg_g', '.git')));
    assert.deepEqual(lock(dir).packages, [
      { git: repo.dir, revision: repo.commits.v1, subdirectory: 'sub', name: 'pkg_g' },
    ]);
    assert.equal(runMdw(dir, ['build']).code, 0);
    assert.deepEqual(
      showRows(dir, 'select distinct label from main.top').map((r) => r.label),
      ['git v1'],
    );
    // a bad revision: one sentence naming packages.yml's line
    writeFileSync(
      join(dir, 'packages.yml'),
      `packages:\n  - git: ${JSON.stringify(repo.dir)}\n    revision: nope\n`,
    );
    const bad = runMdw(dir, ['deps']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^mdw: packages\.yml:2: git checkout of 'nope' in .* failed/);
  });

  describe('hub packages', () => {
    const hub = new HubServer();
    before(async () => {
      for (const version of ['1.0.0', '1.2.0', '2.0.0', '1.5.0-rc1'])
        hub.add('acme/pkg_h', version, packageFiles('pkg_h', `hub ${version}`));
      await hub.start();
    });
    after(() => hub.stop());

    it('resolves a version range against the hub, writes the lock, and honours it until packages.yml changes', async () => {
      const env = { DBT_PACKAGE_HUB_URL: hub.url };
      const dir = makeProject(
        rootFiles('pkg_h', `packages:\n  - package: acme/pkg_h\n    version: [">=1.0.0", "<2.0.0"]\n`),
      );
      const deps = await runMdwAsync(dir, ['deps'], env);
      assert.equal(deps.code, 0, deps.stderr);
      assert.match(deps.stdout, /Installed from hub acme\/pkg_h@1\.2\.0/);
      assert.deepEqual(lock(dir).packages, [{ package: 'acme/pkg_h', version: '1.2.0', name: 'pkg_h' }]);
      // dbt's sha1 of this package list (dbt-core's _create_sha1_hash gives the same)
      assert.equal(lock(dir).sha1_hash, '7315ea4ac002285691c498ee7982e434beea9545');
      assert.equal((await runMdwAsync(dir, ['build'], env)).code, 0);
      assert.deepEqual(
        showRows(dir, 'select distinct label from main.top').map((r) => r.label),
        ['hub 1.2.0'],
      );
      // a newer version in range appears: the lock still holds 1.2.0
      hub.add('acme/pkg_h', '1.3.0', packageFiles('pkg_h', 'hub 1.3.0'));
      const again = await runMdwAsync(dir, ['deps'], env);
      assert.match(again.stdout, /hub acme\/pkg_h@1\.2\.0/);
      // packages.yml changes: resolved again
      writeFileSync(
        join(dir, 'packages.yml'),
        `packages:\n  - package: acme/pkg_h\n    version: ">=1.1.0"\n`,
      );
      const changed = await runMdwAsync(dir, ['deps'], env);
      assert.match(changed.stdout, /hub acme\/pkg_h@2\.0\.0/);
      writeFileSync(
        join(dir, 'packages.yml'),
        `packages:\n  - package: acme/pkg_h\n    version: ">=3.0.0"\n`,
      );
      const none = await runMdwAsync(dir, ['deps'], env);
      assert.equal(none.code, 2);
      assert.match(none.stderr, /packages\.yml:2: no version of 'acme\/pkg_h' satisfies >=3\.0\.0/);
    });
  });
});
