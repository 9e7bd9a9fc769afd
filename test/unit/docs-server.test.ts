/** The docs server: read-only, inside the site folder only, 127.0.0.1 unless told otherwise. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type RunningServer, resolveRequestPath, startServer } from '../../src/docs/server.js';
import { MDW_BIN, makeProject } from '../support/project.js';

interface Reply {
  status: number;
  type: string | undefined;
  body: string;
}

/** A raw request: the path goes on the wire exactly as written (no client-side normalisation). */
function get(port: number, path: string, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method }, (res) => {
      let body = '';
      res.on('data', (chunk) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('docs server', () => {
  const root = mkdtempSync(join(tmpdir(), 'mdw-docs-server-'));
  const site = join(root, 'site');
  let server: RunningServer;
  let port: number;

  before(async () => {
    mkdirSync(join(site, 'vendor'), { recursive: true });
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>site</title>');
    writeFileSync(join(site, 'app.js'), 'console.log(1);');
    writeFileSync(join(site, 'style.css'), 'body{}');
    writeFileSync(join(site, 'erd.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    writeFileSync(join(site, 'vendor', 'lib.js'), '1');
    writeFileSync(join(root, 'secret.txt'), 'outside the site');
    symlinkSync(join(root, 'secret.txt'), join(site, 'link.txt'));
    server = await startServer(site, { port: 0 });
    port = Number(new URL(server.url).port);
  });
  after(() => server.close());

  it('binds 127.0.0.1 by default', () => {
    const address = server.server.address();
    assert.ok(address !== null && typeof address === 'object');
    assert.equal(address.address, '127.0.0.1');
  });

  it('serves the site with the right content types', async () => {
    const expected: Record<string, string> = {
      '/': 'text/html; charset=utf-8',
      '/index.html': 'text/html; charset=utf-8',
      '/app.js': 'text/javascript; charset=utf-8',
      '/style.css': 'text/css; charset=utf-8',
      '/erd.svg': 'image/svg+xml',
      '/vendor/lib.js?v=1': 'text/javascript; charset=utf-8',
    };
    for (const [path, type] of Object.entries(expected)) {
      const reply = await get(port, path);
      assert.equal(reply.status, 200, path);
      assert.equal(reply.type, type, path);
    }
    assert.equal((await get(port, '/')).body, '<!doctype html><title>site</title>');
  });

  it('refuses traversal, plain or encoded, with 400 or 404', async () => {
    const attempts = [
      '/../secret.txt',
      '/vendor/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/%2E%2E/secret.txt',
      '/..%2fsecret.txt',
      '/vendor%2f..%2f..%2fsecret.txt',
      '/%2e%2e%2fsecret.txt',
      '/..\\secret.txt',
      '/%5c..%5csecret.txt',
      '/index.html%00.js',
      '/link.txt',
      '/%',
      '//etc/passwd',
    ];
    for (const path of attempts) {
      const reply = await get(port, path);
      assert.ok(reply.status === 400 || reply.status === 404, `${path} → ${reply.status}`);
      assert.doesNotMatch(reply.body, /outside the site|root:/, path);
    }
  });

  it('never lists a folder and answers only GET and HEAD', async () => {
    assert.equal((await get(port, '/vendor/')).status, 404);
    assert.equal((await get(port, '/vendor')).status, 404);
    assert.equal((await get(port, '/missing.js')).status, 404);
    assert.equal((await get(port, '/index.html', 'POST')).status, 405);
    assert.equal((await get(port, '/index.html', 'DELETE')).status, 405);
    const head = await get(port, '/app.js', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
  });

  it('resolves paths without touching anything outside the root', () => {
    assert.equal(resolveRequestPath(site, '/..'), 400);
    assert.equal(resolveRequestPath(site, '/./index.html'), 400);
    assert.equal(resolveRequestPath(site, '/%2e%2e'), 400);
    assert.equal(resolveRequestPath(site, '/link.txt'), 404);
    assert.equal(resolveRequestPath(site, '/app.js'), join(site, 'app.js'));
  });
});

describe('mdw docs serve', () => {
  it('prints its 127.0.0.1 address, serves, and stops cleanly on SIGINT', async (t) => {
    const dir = makeProject({ 'models/a.sql': 'select 1 as id' });
    mkdirSync(join(dir, 'target', 'docs'), { recursive: true });
    writeFileSync(join(dir, 'target', 'docs', 'index.html'), 'hello');
    const child = spawn(process.execPath, [
      MDW_BIN,
      'docs',
      'serve',
      '--port',
      '0',
      '--project-dir',
      dir,
      '--profiles-dir',
      dir,
    ]);
    t.after(() => child.kill('SIGKILL')); // never leave a server behind when an assertion fails
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no address printed: ${out}`)), 20_000);
      child.stdout.on('data', () => {
        const match = /Serving docs at (http:\/\/127\.0\.0\.1:(\d+)\/)/.exec(out);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
    });
    const reply = await get(Number(new URL(url).port), '/');
    assert.equal(reply.body, 'hello');
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    assert.equal(await exit, 0);
    assert.match(out, /Stopped\./);
  });

  it('says to run generate first when there is no site', () => {
    const dir = makeProject({ 'models/a.sql': 'select 1 as id' });
    const child = spawn(process.execPath, [
      MDW_BIN,
      'docs',
      'serve',
      '--project-dir',
      dir,
      '--profiles-dir',
      dir,
    ]);
    let err = '';
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    return new Promise<void>((resolve) => {
      child.on('exit', (code) => {
        assert.equal(code, 2);
        assert.match(err, /run 'mdw docs generate' first/);
        assert.doesNotMatch(err, /\n\s+at /);
        resolve();
      });
    });
  });
});
