/**
 * The Trino client against the real server: results and types, paging, session state,
 * cancellation, and the one-sentence errors (with query id) for failures.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { TrinoClient } from '../../src/adapters/trino/client.js';
import {
  TrinoCancelledError,
  TrinoConnectionError,
  TrinoQueryError,
} from '../../src/adapters/trino/errors.js';
import { client, trinoUrl, uniqueSchema } from './helpers.js';

const QUERY_ID = /\d{8}_\d{6}_\d{5}_[a-z0-9]{5}/;

describe('Trino client', () => {
  test('decodes every common type exactly', async () => {
    const result = await client().execute(`select
        9007199254740993 as big, cast('12345678901234567.89' as decimal(19,2)) as amount,
        cast('-0.001' as decimal(5,3)) as small, date '2024-02-29' as d,
        timestamp '2024-01-02 03:04:05.123456' as ts,
        timestamp '2024-01-02 03:04:05.123 UTC' as tstz,
        42 as i, real '1.5' as r, nan() as n, true as b, 'x,"y"' as s, x'cafe' as bin,
        array[row(1, 'a')] as arr, map(array['k'], array[2.5e0]) as m, cast(null as varchar) as nothing`);
    assert.match(result.queryId, QUERY_ID);
    assert.deepEqual(
      result.columns.map((c) => c.name),
      ['big', 'amount', 'small', 'd', 'ts', 'tstz', 'i', 'r', 'n', 'b', 's', 'bin', 'arr', 'm', 'nothing'],
    );
    const [row] = result.rows;
    assert.deepEqual(row!.slice(0, 7), [
      9007199254740993n,
      '12345678901234567.89',
      '-0.001',
      '2024-02-29',
      '2024-01-02 03:04:05.123456',
      '2024-01-02 03:04:05.123 UTC',
      42,
    ]);
    assert.equal(row![7], 1.5);
    assert.ok(Number.isNaN(row![8]));
    assert.equal(row![9], true);
    assert.equal(row![10], 'x,"y"');
    assert.deepEqual(row![11], Buffer.from([0xca, 0xfe]));
    assert.deepEqual(row![12], [{ field0: 1, field1: 'a' }]);
    assert.deepEqual(row![13], new Map([['k', 2.5]]));
    assert.equal(row![14], null);
  });

  test('pages through a large result', async () => {
    const query = client().query(
      'select a * 1000 + b as n from unnest(sequence(0, 299)) t(a) cross join unnest(sequence(0, 999)) u(b)',
    );
    let pages = 0;
    let count = 0;
    let sum = 0n;
    for await (const page of query.pages()) {
      pages++;
      count += page.length;
      for (const [n] of page) sum += BigInt(n as number);
    }
    assert.equal(count, 300_000);
    assert.equal(sum, (299_999n * 300_000n) / 2n);
    assert.ok(pages > 1, `expected several pages, got ${pages}`);
  });

  test('writes report their update type and count; USE and SET SESSION change the session', async () => {
    const c = client({ catalog: 'memory', schema: 'default' });
    const table = `t_${Date.now()}`;
    await c.execute(`create table ${table} (id bigint)`);
    const insert = await c.execute(`insert into ${table} values 1, 2, 3`);
    assert.equal(insert.updateType, 'INSERT');
    assert.equal(insert.updateCount, 3);
    await c.execute("set session query_max_run_time = '7m'");
    const shown = await c.execute("show session like 'query_max_run_time'");
    assert.equal(shown.rows[0]![1], '7m');
    await c.execute('use system.runtime');
    assert.deepEqual([c.session.catalog, c.session.schema], ['system', 'runtime']);
    await c.execute(`drop table memory.default.${table}`);
  });

  test('session properties and client tags from the options reach the server', async () => {
    const c = client({ sessionProperties: { query_max_run_time: '11m' }, clientTags: ['mdw', 'test'] });
    const shown = await c.execute("show session like 'query_max_run_time'");
    assert.equal(shown.rows[0]![1], '11m');
    // the query's own record on the server shows the tags it was sent with
    const info = await fetch(`${trinoUrl()}/v1/query/${shown.queryId}`, {
      headers: { 'X-Trino-User': 'mdw-test' },
    });
    const session = ((await info.json()) as { session: { clientTags: string[]; source: string } }).session;
    assert.deepEqual([...session.clientTags].sort(), ['mdw', 'test']);
    assert.equal(session.source, 'mdw');
  });

  test('aborting the signal cancels the query on the server', async () => {
    const c = client();
    const controller = new AbortController();
    const query = c.query(
      'select count(*) from unnest(sequence(1, 10000)) a(x) cross join unnest(sequence(1, 10000)) b(y) cross join unnest(sequence(1, 1000)) c(z) where x + y + z < 0',
      { signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 1500);
    await assert.rejects(
      async () => {
        for await (const _ of query.pages()) {
          // no rows expected before the abort
        }
      },
      (e: unknown) => e instanceof TrinoCancelledError && QUERY_ID.test(e.message),
    );
    const id = query.queryId!;
    // the server marks it failed (USER_CANCELED) within moments of the DELETE
    let state = '';
    for (let i = 0; i < 50 && state !== 'FAILED'; i++) {
      const r = await client().execute(
        `select state, error_code from system.runtime.queries where query_id = '${id}'`,
      );
      state = String(r.rows[0]?.[0] ?? '');
      if (state === 'FAILED') assert.equal(r.rows[0]![1], 'USER_CANCELED');
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(state, 'FAILED');
  });

  test('the hive catalog reads external CSV tables over local:// folders', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mdw-trino-csv-'));
    try {
      mkdirSync(join(dir, 'sales'));
      writeFileSync(join(dir, 'sales', 'part-1.csv'), 'id,amount,note\n1,12.50,"a, quoted"\n2,0.10,plain\n');
      const schema = uniqueSchema('csv');
      const c = client({ catalog: 'hive' });
      await c.execute(`create schema hive.${schema} with (location = 'local://${dir}')`);
      await c.execute(`create table hive.${schema}.sales (id varchar, amount varchar, note varchar)
        with (external_location = 'local://${join(dir, 'sales')}', format = 'CSV', skip_header_line_count = 1)`);
      const r = await c.execute(`select id, amount, note from hive.${schema}.sales order by id`);
      assert.deepEqual(r.rows, [
        ['1', '12.50', 'a, quoted'],
        ['2', '0.10', 'plain'],
      ]);
      await c.execute(`drop table hive.${schema}.sales`);
      await c.execute(`drop schema hive.${schema}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a failing query names Trino’s error name and the query id in one sentence', async () => {
    await assert.rejects(
      () => client().execute('select nope from (values 1) t(x)'),
      (e: unknown) =>
        e instanceof TrinoQueryError &&
        e.errorName === 'COLUMN_NOT_FOUND' &&
        /^Trino query \d{8}_\d{6}_\d{5}_[a-z0-9]{5} failed with COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved\.$/.test(
          e.message,
        ),
    );
  });

  test('an unknown catalog is one sentence naming it', async () => {
    await assert.rejects(
      () => client({ catalog: 'no_such_catalog', schema: 'x' }).execute('show tables'),
      (e: unknown) =>
        e instanceof TrinoQueryError &&
        /failed with CATALOG_NOT_FOUND: .*'no_such_catalog' not found\.$/.test(e.message),
    );
  });

  test('credentials the server rejects are one sentence naming the user', async () => {
    const c = client({ auth: { kind: 'basic', user: 'mdw-test', password: 'wrong' } });
    await assert.rejects(
      () => c.execute('select 1'),
      (e: unknown) =>
        e instanceof TrinoConnectionError &&
        e.status === 401 &&
        e.message.startsWith(`Trino at ${trinoUrl()} rejected the credentials of user 'mdw-test' (HTTP 401)`),
    );
  });

  test('a server that is down is one sentence, after a few quick retries', async () => {
    const port = await closedPort();
    const c = new TrinoClient({
      server: `http://127.0.0.1:${port}`,
      user: 'x',
      retry: { retries: 2, baseDelayMs: 10 },
    });
    await assert.rejects(
      () => c.execute('create table t (id int)'),
      (e: unknown) =>
        e instanceof TrinoConnectionError &&
        e.message ===
          `Cannot reach Trino at http://127.0.0.1:${port} (connection refused); is the server running?`,
    );
  });
});

/** A loopback port nothing listens on. */
function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
