/**
 * Secrets: a secret profile setting is scrubbed from errors; DBT_ENV_SECRET_* is refused
 * outside profiles.yml with dbt's error and never lands in target/ artifacts.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeProject, runMdw } from '../support/project.js';

const SECRET = 'wJalrXUtnFEMI-K7MDENG-bPxRfiCY';
const ENV_SECRET = 'hunter2-very-secret-value';

function profile(dir: string, settings: string): string {
  return `shop:
  target: dev
  outputs:
    dev:
      type: duckdb
      path: ${JSON.stringify(join(dir, 'target', 'shop.duckdb'))}
      schema: main
      password: "{{ env_var('DBT_ENV_SECRET_PASSWORD') }}"
${settings}`;
}

/** Every file under target/, as text. */
function targetText(dir: string): string {
  const texts: string[] = [];
  if (!existsSync(join(dir, 'target'))) return '';
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (!name.endsWith('.duckdb') && !name.endsWith('.wal')) texts.push(readFileSync(path, 'latin1'));
    }
  };
  walk(join(dir, 'target'));
  return texts.join('\n');
}

describe('secrets', () => {
  const env = { DBT_ENV_SECRET_PASSWORD: ENV_SECRET };

  it('scrubs a secret DuckDB setting from the error that echoes it', () => {
    const dir = makeProject({ 'models/a.sql': 'select 1 as id' });
    writeFileSync(
      join(dir, 'profiles.yml'),
      profile(
        dir,
        `      settings:\n        s3_secret_access_key: "${SECRET}"\n        not_a_duckdb_setting_with_secret: "${SECRET}"\n`,
      ),
    );
    const result = runMdw(dir, ['run'], env);
    const output = result.stdout + result.stderr;
    assert.notEqual(result.code, 0);
    assert.match(output, /invalid DuckDB setting \(set \w+ = '\*\*\*\*\*'\)/);
    assert.ok(!output.includes(SECRET), output);
    assert.ok(!targetText(dir).includes(SECRET));
  });

  it("refuses DBT_ENV_SECRET_* in a model with dbt's error, and keeps it out of target/", () => {
    const dir = makeProject({ 'models/b.sql': 'select 1 as id' });
    writeFileSync(join(dir, 'profiles.yml'), profile(dir, ''));
    assert.equal(runMdw(dir, ['run'], env).code, 0, 'a first run writes target/partial_parse.json');
    writeFileSync(join(dir, 'models/a.sql'), 'select \'{{ env_var("DBT_ENV_SECRET_PASSWORD") }}\' as pw');
    const result = runMdw(dir, ['run'], env);
    assert.equal(result.code, 2);
    assert.match(
      result.stdout + result.stderr,
      /Secret env vars are allowed only in profiles\.yml or packages\.yml\. Found 'DBT_ENV_SECRET_PASSWORD' referenced elsewhere\./,
    );
    const artifacts = targetText(dir);
    assert.match(artifacts, /"nodes"/, 'the first run left artifacts to check');
    assert.ok(!artifacts.includes(ENV_SECRET));
  });

  it('refuses DBT_ENV_SECRET_* in dbt_project.yml and in source properties', () => {
    const project = makeProject({
      'dbt_project.yml':
        "name: shop\nversion: '1.0.0'\nprofile: shop\nvars:\n  pw: \"{{ env_var('DBT_ENV_SECRET_PASSWORD') }}\"\n",
      // as in dbt, a project var is rendered when it is read, so a model reads it
      'models/b.sql': "select '{{ var('pw') }}' as id",
    });
    writeFileSync(join(project, 'profiles.yml'), profile(project, ''));
    const fromProject = runMdw(project, ['parse'], env);
    assert.equal(fromProject.code, 2);
    assert.match(fromProject.stderr, /Found 'DBT_ENV_SECRET_PASSWORD' referenced elsewhere/);

    const sources = makeProject({
      'models/sources.yml':
        'version: 2\nsources:\n  - name: s\n    tables:\n      - name: t\n        external:\n          location: "{{ env_var(\'DBT_ENV_SECRET_PASSWORD\') }}.csv"\n',
      'models/b.sql': "select * from {{ source('s', 't') }}",
    });
    writeFileSync(join(sources, 'profiles.yml'), profile(sources, ''));
    const fromSource = runMdw(sources, ['parse'], env);
    assert.equal(fromSource.code, 2);
    assert.match(fromSource.stderr, /Found 'DBT_ENV_SECRET_PASSWORD' referenced elsewhere/);
    assert.ok(!targetText(sources).includes(ENV_SECRET));
  });

  it('a secret used in profiles.yml works and appears in no artifact', () => {
    const dir = makeProject({ 'models/b.sql': 'select 1 as id' });
    writeFileSync(join(dir, 'profiles.yml'), profile(dir, ''));
    const result = runMdw(dir, ['run'], env);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.ok(!targetText(dir).includes(ENV_SECRET));
  });
});
