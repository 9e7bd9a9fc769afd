/**
 * The query that counts a data test's failures, as dbt writes it for every engine: the test's
 * SELECT of failing rows, cut to `limit`, measured with `fail_calc` (default `count(*)`).
 */
import type { ManifestNode } from '../manifest/types.js';
import { ExecutionError } from '../util/errors.js';
import { asSubquery } from './sql-helpers.js';

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
