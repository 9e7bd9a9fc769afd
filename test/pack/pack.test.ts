/**
 * What a user gets from `npm pack`: the tarball holds the compiled CLI, the built-in macros,
 * the docs site's assets and the grocery project (and no tests, sources or build output of a
 * local run); installed into an empty folder it gives a working `mdw --version`, and
 * `mdw generate` + `mdw build` + `mdw docs generate` on the copied project.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REPO_ROOT } from '../support/project.js';

function sh(command: string, args: string[], cwd: string, timeout = 900_000): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout, maxBuffer: 64 * 1024 * 1024 });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

describe('npm pack, then install the tarball into an empty folder', { timeout: 1_200_000 }, () => {
  const root = mkdtempSync(join(tmpdir(), 'mdw-pack-'));
  after(() => {
    if (!process.env.MDW_KEEP_TMP) rmSync(root, { recursive: true, force: true });
  });
  let tarball: string;
  const app = join(root, 'app');
  const mdw = (...args: string[]) =>
    sh(process.execPath, [join(app, 'node_modules', 'mdw', 'bin', 'mdw.js'), ...args], app);

  it('packs the CLI, macros, site assets and the grocery project, and nothing else', () => {
    // The tests run right after `npm run build`, so the prepare script is not needed here.
    const listing = JSON.parse(
      sh('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', root], REPO_ROOT),
    );
    tarball = join(root, listing[0].filename);
    const files: string[] = listing[0].files.map((f: { path: string }) => f.path);
    for (const wanted of [
      'bin/mdw.js',
      'dist/src/cli/main.js',
      'dist/src/docs/site/index.html',
      'dist/src/docs/site/vendor/cytoscape.min.js',
      'dist/src/docs/site/vendor/chart.umd.min.js',
      'dbt/dbt_project.yml',
      'docs/index.md',
      'README.md',
    ]) {
      assert.ok(files.includes(wanted), `${wanted} is not packed`);
    }
    assert.ok(
      files.some((f) => f.startsWith('include/')),
      'include/ is not packed',
    );
    // each engine's dispatched macros live beside its adapter code (src/adapters/<engine>/macros)
    assert.ok(
      files.includes('src/adapters/duckdb/macros/datetime.sql'),
      "the duckdb engine's macros are not packed",
    );
    const unwanted = files.filter(
      (f) =>
        (/^(src|test|bench|node_modules|dist\/test|dbt\/target)\//.test(f) &&
          !/^src\/adapters\/[^/]+\/macros\/[^/]+\.sql$/.test(f)) ||
        f.endsWith('.map'),
    );
    assert.deepEqual(unwanted, []);
  });

  it('installs into an empty folder and answers mdw --version', () => {
    mkdirSync(app);
    sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', tarball], app);
    assert.match(mdw('--version'), /^mdw \d+\.\d+\.\d+/);
    const bin = join(app, 'node_modules', '.bin', 'mdw');
    assert.ok(existsSync(bin), 'node_modules/.bin/mdw is missing');
    assert.match(sh(bin, ['--version'], app), /^mdw /);
  });

  it('generates a landing folder and builds the grocery warehouse from the installed copy', () => {
    cpSync(join(app, 'node_modules', 'mdw', 'dbt'), join(app, 'dbt'), { recursive: true });
    mdw('generate', '--scale', '0.01');
    assert.ok(readdirSync(join(app, 'data', 'raw')).includes('sales.csv'));
    const build = mdw('build');
    assert.match(build, /Completed successfully/);
    assert.ok(existsSync(join(app, 'warehouse', 'mdw.duckdb')));
    mdw('docs', 'generate');
    assert.ok(existsSync(join(app, 'dbt', 'target', 'docs', 'vendor', 'cytoscape.min.js')));
    assert.ok(existsSync(join(app, 'dbt', 'target', 'catalog.json')));
  });
});
