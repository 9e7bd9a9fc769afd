/**
 * The query that counts a data test's failures, as dbt writes it for every engine: the test's
 * SELECT of failing rows, cut to `limit`, measured with `fail_calc` (default `count(*)`).
 */
import type { ManifestNode } from '../manifest/types.js';
import { ExecutionError } from '../util/errors.js';
import { asSubquery, stripTrailingSemicolons } from './sql-helpers.js';
import type { Connection, Relation, TestResult } from './types.js';

export function testFailuresSql(node: ManifestNode, failingSql: string): string {
  const limit = testLimit(node);
  const limited = limit === null ? failingSql : `select * from ${asSubquery(failingSql)} limit ${limit}`;
  const failCalc =
    typeof node.config.fail_calc === 'string' && node.config.fail_calc.trim()
      ? node.config.fail_calc
      : 'count(*)';
  return `select ${failCalc} as failures from ${asSubquery(limited)} as dbt_internal_test`;
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

/** What running a data test needs from an engine's catalog. */
export interface TestCatalog<C extends Connection> {
  ensureSchema(conn: C, database: string, schema: string): Promise<void>;
  findRelation(conn: C, database: string, schema: string, identifier: string): Promise<Relation | null>;
}

/**
 * Runs a data test: with store_failures (an audit relation) every failing row is kept in a
 * table first and the count then reads that table; the count follows limit and fail_calc.
 */
export async function runFailuresQuery<C extends Connection>(
  conn: C,
  catalog: TestCatalog<C>,
  node: ManifestNode,
  sql: string,
  audit: Relation | null,
): Promise<TestResult> {
  let failing = stripTrailingSemicolons(sql);
  let storedIn: string | null = null;
  if (audit) {
    await catalog.ensureSchema(conn, audit.database, audit.schema);
    const existing = await catalog.findRelation(conn, audit.database, audit.schema, audit.identifier);
    if (existing?.type === 'view') await conn.query(`drop view ${audit.render()}`);
    await conn.query(`create or replace table ${audit.render()} as ${asSubquery(failing)}`);
    failing = `select * from ${audit.render()}`;
    storedIn = audit.render();
  }
  const result = await conn.query(testFailuresSql(node, failing));
  return { failures: countOf(result.rows[0]?.[0]), storedIn };
}

/** A count cell (engines send bigint counts as bigint, number or text). */
function countOf(value: unknown): number {
  if (value === null || value === undefined || value === '') return 0;
  return Number(value);
}
