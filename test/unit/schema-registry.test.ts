import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mayDropSchema, SchemaRegistry } from '../../src/adapters/duckdb/catalog.js';
import type { Connection, QueryResult } from '../../src/adapters/types.js';

/**
 * A connection whose database holds `schemas` (listed on request) and that answers every other
 * look-up "exists"; it records what it was asked.
 */
function recordingConnection(schemas: string[] = []): { conn: Connection; statements: string[] } {
  const statements: string[] = [];
  const conn = {
    query: async (sql: string): Promise<QueryResult> => {
      statements.push(sql);
      if (sql.startsWith('select schema_name from duckdb_schemas()'))
        return {
          columnNames: ['schema_name'],
          columnTypes: ['VARCHAR'],
          rows: schemas.map((s) => [s]),
          rowsAffected: null,
        };
      return { columnNames: ['1'], columnTypes: ['INTEGER'], rows: [[1]], rowsAffected: null };
    },
  } as unknown as Connection;
  return { conn, statements };
}

describe('schema registry', () => {
  it('lists the schemas of a database once, and again after a statement that may drop one', async () => {
    const registry = new SchemaRegistry();
    const { conn, statements } = recordingConnection(['mdw_cur', 'mdw_std']);
    await registry.ensure(conn, 'mdw', 'mdw_cur');
    await registry.ensure(conn, 'mdw', 'MDW_CUR');
    await registry.ensure(conn, 'mdw', 'mdw_std');
    assert.equal(statements.length, 1, 'one listing answers every schema it holds');
    await registry.ensure(conn, 'mdw', 'mdw_new');
    assert.equal(statements.length, 2, 'a schema it does not hold is looked up (then created)');
    await registry.ensure(conn, 'mdw', 'mdw_new');
    assert.equal(statements.length, 2);
    registry.forget();
    await registry.ensure(conn, 'mdw', 'mdw_cur');
    assert.equal(statements.length, 3, 'listed again after forget()');
  });

  it('a creation that settles after forget() does not mark its schema known', async () => {
    const registry = new SchemaRegistry();
    const { conn, statements } = recordingConnection();
    const creation = registry.ensure(conn, 'mdw', 'mdw_cur');
    registry.forget();
    await creation;
    const before = statements.length;
    await registry.ensure(conn, 'mdw', 'mdw_cur');
    assert.ok(statements.length > before, 'asked again');
  });

  it('tells which statements may drop a schema', () => {
    assert.ok(mayDropSchema('DROP SCHEMA IF EXISTS x CASCADE'));
    assert.ok(mayDropSchema('detach mdw'));
    assert.ok(!mayDropSchema('drop table x'));
    assert.ok(!mayDropSchema("create or replace view v as select 'schemas' as detached"));
  });
});
