/** Data tests on Athena: count the failing rows as dbt does; store_failures keeps them in an Iceberg table. */
import type { ManifestNode } from '../../manifest/types.js';
import { asSubquery, stripTrailingSemicolons } from '../sql-helpers.js';
import { testFailuresSql } from '../test-query.js';
import type { TestResult } from '../types.js';
import { toCount } from './connection.js';
import { dataLocation, icebergWith } from './layout.js';
import { type BuildContext, dropRelation, lookup } from './materialize.js';
import type { AthenaRelation } from './relation.js';

export async function runDataTest(
  ctx: BuildContext,
  node: ManifestNode,
  sql: string,
  audit: AthenaRelation | null,
): Promise<TestResult> {
  let failing = stripTrailingSemicolons(sql);
  let storedIn: string | null = null;
  if (audit) {
    await ctx.schemas.ensure(ctx.conn, audit.schema);
    const existing = await lookup(ctx, audit);
    // the audit table holds the last run's failures only: no reader needs its old version
    if (existing) await dropRelation(ctx, audit, existing);
    const location = dataLocation(
      ctx.profile.dataDir,
      ctx.profile.dataNaming,
      audit.schema.toLowerCase(),
      audit.identifier.toLowerCase(),
      () => ctx.conn.warehouse.uniqueId(),
    );
    await ctx.conn.query(
      `create table ${audit.render()}${icebergWith(location, [], {}, node.name)} as ${asSubquery(failing)}`,
    );
    failing = `select * from ${audit.render()}`;
    storedIn = audit.render();
  }
  const result = await ctx.conn.query(testFailuresSql(node, failing));
  return { failures: toCount(result.rows[0]?.[0]), storedIn };
}
