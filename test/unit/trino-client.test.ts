/**
 * The Trino client's protocol handling against a tiny local HTTP server that plays Trino:
 * which failures are retried (never a write whose POST may have reached the server), paging,
 * cancellation, session headers, auth, errors and exact JSON numbers.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { TrinoClient } from '../../src/adapters/trino/client.js';
import {
  TrinoCancelledError,
  TrinoConnectionError,
  TrinoQueryError,
} from '../../src/adapters/trino/errors.js';
import { parseJsonExact } from '../../src/adapters/trino/json.js';
import { isReadOnlyStatement, mayRetry, retryDelayMs } from '../../src/adapters/trino/retry.js';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

let server: Server;
let base: string;
let handler: Handler;
let seen: { method: string; url: string; headers: IncomingMessage['headers']; body: string }[] = [];

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => {
      body += d;
    });
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

function reset(h: Handler): void {
  seen = [];
  handler = h;
}

const column = (name: string, rawType: string) => ({
  name,
  type: rawType,
  typeSignature: { rawType, arguments: [] },
});

function json(res: ServerResponse, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(200, { 'Content-Type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function finished(res: ServerResponse, data: unknown[][] = [[1]]): void {
  json(res, { id: 'q1', columns: [column('x', 'integer')], data, stats: { state: 'FINISHED' } });
}

const fastRetry = { retries: 3, baseDelayMs: 1, maxDelayMs: 5 };
const newClient = (extra = {}) => new TrinoClient({ server: base, user: 'u', retry: fastRetry, ...extra });

describe('Trino retry rules', () => {
  test('statement classification: reads may be re-sent, anything else may not', () => {
    for (const sql of [
      'select 1',
      '  (SELECT 1)',
      'with a as (select 1) select * from a',
      'show tables',
      'describe t',
      'values 1',
      'explain select 1',
      '-- c\n/* d */ select 1',
    ])
      assert.equal(isReadOnlyStatement(sql), true, sql);
    for (const sql of [
      'insert into t select 1',
      'explain analyze insert into t values 1',
      'merge into t using s on true when matched then delete',
      'create table t as select 1',
      'delete from t',
      'call system.x()',
      '',
      '/* only a comment */',
    ])
      assert.equal(isReadOnlyStatement(sql), false, sql);
  });

  test('what may be retried after which failure', () => {
    const write = { method: 'POST' as const, sql: 'insert into t values 1' };
    const read = { method: 'POST' as const, sql: 'select 1' };
    assert.equal(mayRetry({ kind: 'status', status: 503 }, write), true);
    assert.equal(mayRetry({ kind: 'status', status: 500 }, read), false);
    assert.equal(mayRetry({ kind: 'not-sent', code: 'ECONNREFUSED' }, write), true);
    assert.equal(mayRetry({ kind: 'lost', code: 'ECONNRESET' }, write), false);
    assert.equal(mayRetry({ kind: 'lost', code: 'ECONNRESET' }, read), true);
    assert.equal(mayRetry({ kind: 'lost', code: 'ECONNRESET' }, { method: 'GET' }), true);
    const policy = { retries: 5, baseDelayMs: 100, maxDelayMs: 1000 };
    assert.equal(
      retryDelayMs(0, policy, () => 1),
      100,
    );
    assert.equal(
      retryDelayMs(10, policy, () => 1),
      1000,
    );
    assert.equal(
      retryDelayMs(3, policy, () => 0),
      400,
    );
  });

  test('503 answers are retried, then the statement runs once', async () => {
    let posts = 0;
    reset((_req, res) => {
      posts++;
      if (posts < 3) {
        res.writeHead(503);
        res.end('busy');
      } else finished(res);
    });
    const result = await newClient().execute('insert into t values 1');
    assert.deepEqual(result.rows, [[1]]);
    assert.equal(seen.length, 3);
  });

  test('a write whose POST lost its connection is not re-sent; a read is', async () => {
    reset((req, res) => {
      if (seen.length === 1) req.socket.destroy();
      else finished(res);
    });
    await assert.rejects(
      () => newClient().execute('insert into t values 1'),
      (e: unknown) =>
        e instanceof TrinoConnectionError &&
        /broke \(\w+\) after the statement was sent; it was not re-run because it may change data/.test(
          e.message,
        ),
    );
    assert.equal(seen.length, 1);

    reset((req, res) => {
      if (seen.length === 1) req.socket.destroy();
      else finished(res);
    });
    assert.deepEqual((await newClient().execute('select 1')).rows, [[1]]);
    assert.equal(seen.length, 2);
  });

  test('a write whose answer is cut off mid-body is not re-sent either', async () => {
    reset((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': '1000' });
      res.write('{"id":"q5",');
      setTimeout(() => req.socket.destroy(), 10);
    });
    await assert.rejects(
      () => newClient().execute('delete from t'),
      (e: unknown) =>
        e instanceof TrinoConnectionError && /it was not re-run because it may change data/.test(e.message),
    );
    assert.equal(seen.length, 1);
  });

  test('an answer that is not the protocol’s JSON is one sentence', async () => {
    reset((_req, res) => json(res, '<html>proxy login</html>'));
    await assert.rejects(() => newClient().execute('select 1'), {
      message: `Trino at ${base} sent a response that is not the statement protocol's JSON (is it a Trino server?).`,
    });
  });

  test('a query whose server goes away names the query id', async () => {
    reset((req, res) => {
      if (req.method === 'POST')
        json(res, { id: 'q9', nextUri: `${base}/v1/statement/executing/q9/t/1`, stats: {} });
      else {
        // every GET answers 502 (what is left of a server behind a proxy), past the retries
        res.writeHead(502);
        res.end('gone');
      }
    });
    await assert.rejects(
      () => newClient().execute('create table t as select 1 as n'),
      (e: unknown) =>
        e instanceof TrinoConnectionError &&
        new RegExp(`^Trino query q9 did not finish: Trino at ${base} answered HTTP 502`).test(e.message),
    );
  });

  test('a lost GET of nextUri is retried (the page token makes it idempotent)', async () => {
    reset((req, res) => {
      if (req.method === 'POST')
        json(res, { id: 'q1', nextUri: `${base}/v1/statement/executing/q1/t/1`, stats: {} });
      else if (seen.length === 2) req.socket.destroy();
      else finished(res, [[7]]);
    });
    assert.deepEqual((await newClient().execute('insert into t values 7')).rows, [[7]]);
    assert.deepEqual(
      seen.map((s) => s.method),
      ['POST', 'GET', 'GET'],
    );
  });
});

describe('Trino protocol', () => {
  test('pages, headers, session changes and auth', async () => {
    reset((req, res) => {
      if (req.method === 'POST')
        json(
          res,
          {
            id: 'q2',
            columns: [column('n', 'bigint')],
            data: [[1]],
            nextUri: `${base}/v1/statement/executing/q2/t/1`,
          },
          { 'X-Trino-Set-Session': 'query_max_run_time=5m', 'X-Trino-Set-Schema': 'other' },
        );
      else json(res, { id: 'q2', columns: [column('n', 'bigint')], data: [[2], [3]], updateType: 'SELECT' });
    });
    const c = newClient({
      catalog: 'iceberg',
      schema: 's',
      auth: { kind: 'jwt', token: 'tok' },
      clientTags: ['a', 'b'],
      sessionProperties: { join_distribution_type: 'BROADCAST' },
    });
    const result = await c.execute('select n from t');
    assert.deepEqual(result.rows, [[1n], [2n], [3n]]);
    assert.equal(result.queryId, 'q2');
    const post = seen[0]!;
    assert.equal(post.body, 'select n from t');
    assert.equal(post.headers.authorization, 'Bearer tok');
    assert.equal(post.headers['x-trino-user'], 'u');
    assert.equal(post.headers['x-trino-catalog'], 'iceberg');
    assert.equal(post.headers['x-trino-schema'], 's');
    assert.equal(post.headers['x-trino-client-tags'], 'a,b');
    assert.equal(post.headers['x-trino-session'], 'join_distribution_type=BROADCAST');
    // the next statement carries what the server set
    await c.execute('select 1');
    assert.equal(seen[2]!.headers['x-trino-schema'], 'other');
    assert.equal(
      seen[2]!.headers['x-trino-session'],
      'join_distribution_type=BROADCAST,query_max_run_time=5m',
    );

    const basic = newClient({ auth: { kind: 'basic', user: 'u', password: 'p:w' } });
    await basic.execute('select 1');
    assert.equal(seen.at(-2)!.headers.authorization, `Basic ${Buffer.from('u:p:w').toString('base64')}`);
  });

  test('a query error names the error and the query id', async () => {
    reset((_req, res) =>
      json(res, {
        id: '20261129_000000_00001_abcde',
        error: {
          message: "line 1:8: Column 'x' cannot be resolved",
          errorName: 'COLUMN_NOT_FOUND',
          errorType: 'USER_ERROR',
          errorCode: 47,
        },
      }),
    );
    await assert.rejects(() => newClient().execute('select x'), {
      message:
        "Trino query 20261129_000000_00001_abcde failed with COLUMN_NOT_FOUND: line 1:8: Column 'x' cannot be resolved.",
    });
    assert.ok(TrinoQueryError);
  });

  test('aborting sends DELETE to the query’s nextUri', async () => {
    const controller = new AbortController();
    reset((req, res) => {
      if (req.method === 'DELETE') {
        res.writeHead(204);
        res.end();
        return;
      }
      if (seen.length === 3) controller.abort();
      // still running: another nextUri after a short wait, as Trino's long poll does
      setTimeout(
        () =>
          json(res, { id: 'q3', nextUri: `${base}/v1/statement/executing/q3/t/${seen.length}`, stats: {} }),
        20,
      );
    });
    await assert.rejects(
      () => newClient().execute('select * from big', { signal: controller.signal }),
      (e: unknown) => e instanceof TrinoCancelledError && e.message === 'Trino query q3 was cancelled.',
    );
    const del = seen.find((s) => s.method === 'DELETE');
    assert.ok(del, 'a DELETE reached the server');
    assert.match(del.url, /^\/v1\/statement\/executing\/q3\/t\/\d+$/);
  });

  test('a reader that stops early cancels the query', async () => {
    reset((req, res) => {
      if (req.method === 'DELETE') {
        res.writeHead(204);
        res.end();
      } else
        json(res, {
          id: 'q4',
          columns: [column('x', 'integer')],
          data: [[seen.length]],
          nextUri: `${base}/v1/statement/executing/q4/t/${seen.length}`,
        });
    });
    for await (const page of newClient().query('select x from endless').pages()) {
      assert.deepEqual(page, [[1]]);
      break;
    }
    assert.deepEqual(
      seen.map((s) => `${s.method} ${s.url}`),
      ['POST /v1/statement', 'DELETE /v1/statement/executing/q4/t/1'],
    );
  });

  test('HTTP errors that are not transient are one sentence', async () => {
    reset((_req, res) => {
      res.writeHead(401);
      res.end('Invalid credentials');
    });
    await assert.rejects(() => newClient().execute('select 1'), {
      message: `Trino at ${base} rejected the credentials of user 'u' (HTTP 401): Invalid credentials.`,
    });
  });

  test('JSON numbers beyond 2^53 stay exact', () => {
    assert.deepEqual(
      parseJsonExact('{"data":[[9007199254740993, 1.5, "12345678901234567890", -9223372036854775808]]}'),
      {
        data: [[9007199254740993n, 1.5, '12345678901234567890', -9223372036854775808n]],
      },
    );
    assert.deepEqual(
      parseJsonExact('{"a":"\\u00e9\\"","b":[true,false,null,{}],"c":[],"d":1e3,"e":12345678901234567}'),
      {
        a: 'é"',
        b: [true, false, null, {}],
        c: [],
        d: 1000,
        e: 12345678901234567n,
      },
    );
    assert.throws(() => parseJsonExact('[1234567890123456789,'), SyntaxError);
  });
});
