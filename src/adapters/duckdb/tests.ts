/** Data tests: count the failing rows as dbt does, optionally keeping them in an audit table. */
import type { ManifestNode } from '../../manifest/types.js';
import { asSubquery, stripTrailingSemicolons } from '../sql-helpers.js';
import { testFailuresSql } from '../test-query.js';
import type { Connection, Relation, TestResult } from '../types.js';
import type { SchemaRegistry } from './catalog.js';
import { findRelation } from './catalog.js';
import { toCount } from './connection.js';

export async function runDataTest(
  conn: Connection,
  schemas: SchemaRegistry,
  node: ManifestNode,
  sql: string,
  audit: Relation | null,
): Promise<TestResult> {
  let failing = stripTrailingSemicolons(sql);
  let storedIn: string | null = null;
  if (audit) {
    // store_failures: keep every failing row; the count below then reads the stored table.
    await schemas.ensure(conn, audit.database, audit.schema);
    const existing = await findRelation(conn, audit.database, audit.schema, audit.identifier);
    if (existing?.type === 'view') await conn.query(`drop view ${audit.render()}`);
    await conn.query(`create or replace table ${audit.render()} as ${asSubquery(failing)}`);
    failing = `select * from ${audit.render()}`;
    storedIn = audit.render();
  }
  const result = await conn.query(testFailuresSql(node, failing));
  return { failures: toCount(result.rows[0]?.[0]), storedIn };
}
