import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mayDropSchema, SchemaRegistry } from '../../src/adapters/duckdb/catalog.js';
import type { Connection, QueryResult } from '../../src/adapters/types.js';

/** A connection that answers every look-up "exists" and records what it was asked. */
function recordingConnection(): { conn: Connection; statements: string[] } {
  const statements: string[] = [];
  const conn = {
    query: async (sql: string): Promise<QueryResult> => {
      statements.push(sql);
      return { columnNames: ['1'], columnTypes: ['INTEGER'], rows: [[1]], rowsAffected: null };
    },
  } as unknown as Connection;
  return { conn, statements };
}

describe('schema registry', () => {
  it('looks a schema up once, and again after a statement that may drop it', async () => {
    const registry = new SchemaRegistry();
    const { conn, statements } = recordingConnection();
    await registry.ensure(conn, 'mdw', 'mdw_cur');
    await registry.ensure(conn, 'mdw', 'MDW_CUR');
    assert.equal(statements.length, 1, 'the second ensure is answered without a query');
    await registry.ensure(conn, 'mdw', 'mdw_std');
    assert.equal(statements.length, 2);
    registry.forget();
    await registry.ensure(conn, 'mdw', 'mdw_cur');
    assert.equal(statements.length, 3);
  });

  it('a creation that settles after forget() does not mark its schema known', async () => {
    const registry = new SchemaRegistry();
    const { conn, statements } = recordingConnection();
    const creation = registry.ensure(conn, 'mdw', 'mdw_cur');
    registry.forget();
    await creation;
    await registry.ensure(conn, 'mdw', 'mdw_cur');
    assert.equal(statements.length, 2);
  });

  it('tells which statements may drop a schema', () => {
    assert.ok(mayDropSchema('DROP SCHEMA IF EXISTS x CASCADE'));
    assert.ok(mayDropSchema('detach mdw'));
    assert.ok(!mayDropSchema('drop table x'));
    assert.ok(!mayDropSchema("create or replace view v as select 'schemas' as detached"));
  });
});
