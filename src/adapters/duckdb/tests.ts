/** Data tests: count the failing rows as dbt does, optionally keeping them in an audit table. */
import type { ManifestNode } from '../../manifest/types.js';
import { runFailuresQuery } from '../test-query.js';
import type { Connection, Relation, TestResult } from '../types.js';
import type { SchemaRegistry } from './catalog.js';
import { findRelation } from './catalog.js';

export function runDataTest(
  conn: Connection,
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
