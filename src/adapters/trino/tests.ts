/** Data tests on Trino: count the failing rows as dbt does; store_failures keeps them in a table. */
import type { ManifestNode } from '../../manifest/types.js';
import { runFailuresQuery } from '../test-query.js';
import type { Relation, TestResult } from '../types.js';
import { findRelation, type SchemaRegistry } from './catalog.js';
import type { TrinoConnection } from './connection.js';

export function runDataTest(
  conn: TrinoConnection,
  schemas: SchemaRegistry,
  node: ManifestNode,
  sql: string,
  audit: Relation | null,
): Promise<TestResult> {
  return runFailuresQuery(
    conn,
    { ensureSchema: (c, database, schema) => schemas.ensure(c, database, schema), findRelation },
    node,
    sql,
    audit,
  );
}
