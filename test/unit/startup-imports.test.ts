import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MDW_BIN, makeProject, REPO_ROOT } from '../support/project.js';

function loadedModules(args: string[]): { stdout: string; modules: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'mdw-imports-'));
  const log = join(dir, 'imports.log');
  try {
    const hooks = join(REPO_ROOT, 'dist', 'test', 'support', 'record-imports.js');
    const result = spawnSync(process.execPath, ['--import', hooks, MDW_BIN, ...args], {
      encoding: 'utf8',
      env: { ...process.env, MDW_IMPORT_LOG: log },
    });
    assert.equal(result.status, 0, result.stderr);
    return { stdout: result.stdout, modules: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('start-up', () => {
  it('mdw --version loads neither the parser, the templates nor any engine', () => {
    const { stdout, modules } = loadedModules(['--version']);
    assert.match(stdout, /^mdw \d+\.\d+\.\d+/);
    assert.ok(
      modules.some((url) => url.endsWith('/dist/src/version.js')),
      'the hooks saw the version module',
    );
    const heavy = modules.filter((url) =>
      /\/dist\/src\/(project|template|graph|run|adapters)\/|@duckdb|nunjucks/.test(url),
    );
    assert.deepEqual(heavy, []);
  });

  it('mdw ls asks the engine registry but loads no engine', () => {
    const dir = makeProject({ 'models/a.sql': 'select 1 as id' });
    try {
      const { stdout, modules } = loadedModules(['ls', '--project-dir', dir, '--profiles-dir', dir]);
      assert.match(stdout, /shop\.a/);
      assert.ok(modules.some((url) => url.endsWith('/dist/src/adapters/registry.js')));
      assert.deepEqual(
        modules.filter((url) => /@duckdb|\/adapters\/duckdb\/(adapter|connection)\.js/.test(url)),
        [],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
