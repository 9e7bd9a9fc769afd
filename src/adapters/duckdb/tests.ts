/** Data tests: count the failing rows as dbt does, optionally keeping them in an audit table. */
import type { ManifestNode } from '../../manifest/types.js';
import { ExecutionError } from '../../util/errors.js';
import { asSubquery, stripTrailingSemicolons } from '../sql-helpers.js';
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
  const limit = testLimit(node);
  const limited = limit === null ? failing : `select * from ${asSubquery(failing)} limit ${limit}`;
  const failCalc =
    typeof node.config.fail_calc === 'string' && node.config.fail_calc.trim()
      ? node.config.fail_calc
      : 'count(*)';
  const result = await conn.query(
    `select ${failCalc} as failures from ${asSubquery(limited)} as dbt_internal_test`,
  );
  return { failures: toCount(result.rows[0]?.[0]), storedIn };
}

function testLimit(node: ManifestNode): number | null {
  const limit = node.config.limit;
  if (limit === null || limit === undefined) return null;
  const value = Number(limit);
  if (!Number.isInteger(value) || value < 0) {
    throw new ExecutionError(`Test ${node.name} has limit '${String(limit)}'; it must be a whole number.`);
  }
  return value;
}
