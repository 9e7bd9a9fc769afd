/** Data tests on Trino: count the failing rows as dbt does; store_failures keeps them in a table. */
import type { ManifestNode } from '../../manifest/types.js';
import { ExecutionError } from '../../util/errors.js';
import { asSubquery, stripTrailingSemicolons } from '../sql-helpers.js';
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
  const limit = node.config.limit;
  if (limit !== null && limit !== undefined && !(Number.isInteger(Number(limit)) && Number(limit) >= 0))
    throw new ExecutionError(`Test ${node.name} has limit '${String(limit)}'; it must be a whole number.`);
  const limited =
    limit === null || limit === undefined
      ? failing
      : `select * from ${asSubquery(failing)} limit ${Number(limit)}`;
  const failCalc =
    typeof node.config.fail_calc === 'string' && node.config.fail_calc.trim()
      ? node.config.fail_calc
      : 'count(*)';
  const result = await conn.query(
    `select ${failCalc} as failures from ${asSubquery(limited)} as dbt_internal_test`,
  );
  return { failures: toCount(result.rows[0]?.[0]), storedIn };
}
