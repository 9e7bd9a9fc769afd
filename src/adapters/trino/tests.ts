/** Data tests on Trino: count the failing rows as dbt does; store_failures keeps them in a table. */
import type { ManifestNode } from '../../manifest/types.js';
import { asSubquery, stripTrailingSemicolons } from '../sql-helpers.js';
import { testFailuresSql } from '../test-query.js';
import type { Relation, TestResult } from '../types.js';
import { findRelation, type SchemaRegistry } from './catalog.js';
import { type TrinoConnection, toCount } from './connection.js';

export async function runDataTest(
  conn: TrinoConnection,
  schemas: SchemaRegistry,
  node: ManifestNode,
  sql: string,
  audit: Relation | null,
): Promise<TestResult> {
  let failing = stripTrailingSemicolons(sql);
  let storedIn: string | null = null;
  if (audit) {
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
