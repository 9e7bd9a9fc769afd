/**
 * Faults on the trino target, each one clear sentence and exit 1, never a stack trace: wrong
 * credentials, an unknown catalog, a down server, and the server killed in the middle of a
 * build (the sentence names the model and the query id). The kill runs against a Trino of
 * its own, started for this test: after a restart the next build succeeds and no table is
 * left half-written.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { TrinoClient } from '../../src/adapters/trino/client.js';
import { TrinoProject, trinoProfile, uniqueSchema } from './helpers.js';

const repo = resolve(import.meta.dirname, '..', '..', '..');
const schema = uniqueSchema('mdw_faults');
let project: TrinoProject;

/** Exactly one error sentence for the failure, and no stack trace. */
function assertOneSentence(output: string, pattern: RegExp): void {
  assert.match(output, pattern);
  assert.doesNotMatch(output, /\n\s+at .+:\d+:\d+/, `a stack trace:\n${output}`);
  assert.doesNotMatch(output, /internal error/i, output);
}

async function closedPort(): Promise<number> {
  return new Promise((done) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

before(() => {
  project = new TrinoProject('mdw-trino-faults');
  project.write('models/one.sql', 'select 1 as n');
});

after(() => project.remove([schema]));

describe('connection faults on the trino target', () => {
  test('wrong credentials are one sentence naming the user', () => {
    project.write(
      'profiles.yml',
      trinoProfile({ schema, extra: '      password: wrong\n      http_scheme: http\n' }).replace(
        'method: none',
        'method: ldap',
      ),
    );
    const run = project.mdw('run');
    assert.equal(run.status, 1, run.output);
    assertOneSentence(
      run.output,
      /Trino at http:\/\/127\.0\.0\.1:\d+ rejected the credentials of user 'mdw-test' \(HTTP 401\): Password not allowed for insecure authentication\./,
    );
  });

  test('an unknown catalog is one sentence naming it', () => {
    project.write('profiles.yml', trinoProfile({ schema, database: 'no_such_catalog' }));
    const run = project.mdw('run');
    assert.equal(run.status, 1, run.output);
    assertOneSentence(run.output, /Trino at http:\/\/127\.0\.0\.1:\d+ has no catalog 'no_such_catalog'\./);
  });

  test('a down server is one sentence naming its address', async () => {
    const port = await closedPort();
    project.write('profiles.yml', trinoProfile({ schema }).replace(/port: \d+/, `port: ${port}`));
    const run = project.mdw('run');
    assert.equal(run.status, 1, run.output);
    assertOneSentence(
      run.output,
      new RegExp(
        `Cannot reach Trino at http://127\\.0\\.0\\.1:${port} \\(connection refused\\); is the server running\\?`,
      ),
    );
  });
});

describe('the server killed in the middle of a build', () => {
  const runDir = mkdtempSync(join(tmpdir(), 'mdw-trino-kill-'));
  // a server of its own: its own state folder and lakehouse, not the suite's
  const env: NodeJS.ProcessEnv = { ...process.env, MDW_TRINO_RUN_DIR: runDir, MDW_TRINO_HEAP: '1G' };
  delete env.MDW_TRINO_WAREHOUSE;
  delete env.MDW_TRINO_URL;
  const trino = (command: string) =>
    spawnSync(join(repo, 'scripts', 'trino.sh'), [command], { env, encoding: 'utf8', timeout: 600_000 });
  let url = '';

  before(async () => {
    env.MDW_TRINO_PORT = String(await closedPort());
    const started = trino('start');
    assert.equal(started.status, 0, started.stderr);
    url = started.stdout.trim();
  });

  after(() => {
    trino('stop');
    rmSync(runDir, { recursive: true, force: true });
  });

  test('one sentence with the model and the query id; after a restart the next build is whole', async () => {
    const own = new TrinoProject('mdw-trino-kill');
    const server = new URL(url);
    own.write(
      'profiles.yml',
      trinoProfile({ schema: 'killed', threads: 1 }).replace(/port: \d+/, `port: ${server.port}`),
    );
    // seconds of work in one CREATE TABLE … AS, so the kill lands while it runs
    own.write(
      'models/slow.sql',
      `{{ config(materialized='table') }}
       select count(*) as n, sum(x % 7) as s from unnest(sequence(1, 10000)) as a(x)
       cross join unnest(sequence(1, 10000)) as b(y)`,
    );
    const client = new TrinoClient({ server: url, user: 'mdw-test', catalog: 'iceberg' });
    try {
      const child = spawn(
        process.execPath,
        [join(repo, 'bin', 'mdw.js'), 'run', '--project-dir', own.dir, '--profiles-dir', own.dir],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let output = '';
      child.stdout.on('data', (chunk) => {
        output += chunk;
      });
      child.stderr.on('data', (chunk) => {
        output += chunk;
      });
      const exited = new Promise<number | null>((done) => child.on('close', done));
      // kill the server once the model's CREATE TABLE is running
      for (let i = 0; i < 600; i++) {
        const running = await client
          .execute(
            "select count(*) from system.runtime.queries where state = 'RUNNING' and query like 'create or replace table%slow%'",
          )
          .then((r) => Number(r.rows[0]?.[0]))
          .catch(() => 0);
        if (running > 0) break;
        await new Promise((done) => setTimeout(done, 200));
      }
      const pid = Number(readFileSync(join(runDir, 'server.pid'), 'utf8'));
      process.kill(pid, 'SIGKILL');
      const status = await exited;
      assert.equal(status, 1, output);
      assertOneSentence(
        output,
        /Database error in model slow \(models\/slow\.sql\): Trino query \d{8}_\d{6}_\d{5}_\w+ did not finish: cannot reach Trino at http:\/\/127\.0\.0\.1:\d+ \(connection refused\); is the server running\?/,
      );

      const restarted = trino('start');
      assert.equal(restarted.status, 0, restarted.stderr);
      // the killed CREATE OR REPLACE left no table behind (it commits only at its end)
      const tables = await client.execute(
        "select table_name from iceberg.information_schema.tables where table_schema = 'killed'",
      );
      assert.deepEqual(tables.rows, [], 'no half-written table');
      const again = own.mdw('run');
      assert.equal(again.status, 0, again.output);
      const built = await client.execute('select n, s from iceberg.killed.slow');
      assert.deepEqual(built.rows, [[100000000n, 299980000n]]);
    } finally {
      rmSync(own.dir, { recursive: true, force: true });
    }
  });
});
