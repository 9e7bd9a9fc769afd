/**
 * Iceberg tables partitioned by `partition_by` transforms (`day(sales_at)`, `bucket(16, id)`...):
 * choosing the spec from the model's config, full writes under that spec, and the files an
 * insert_overwrite replaces (those whose partition tuple the new rows have).
 */
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { DuckDBConnection } from '@duckdb/node-api';
import { NO_SHRINK_GUARD, type ShrinkGuard, shrinkRefusal } from '../../../guards/shrink.js';
import {
  type IcebergTable,
  type LiveDataFile,
  PARTITION_COLUMN,
  type Schema,
} from '../../../lakehouse/iceberg/index.js';
import { partitionKey } from '../../../lakehouse/iceberg/manifest.js';
import type { PartitionSpec } from '../../../lakehouse/iceberg/metadata.js';
import {
  buildPartitionSpec,
  type PartitionRequest,
  parsePartitionBy,
} from '../../../lakehouse/iceberg/transforms.js';
import { ExecutionError } from '../../../util/errors.js';
import type { Connection, Relation } from '../../types.js';
import type { DuckDbConnection } from '../connection.js';
import type { BuildContext } from '../materializations/context.js';
import type { LocalLakehouse } from './lakehouse.js';
import { partitionTuples, writePartitionedFiles } from './partitioned-write.js';

/**
 * The partition fields a model asks for with `partition_by` (or dbt-athena's `partitioned_by`),
 * or undefined when it asks for what mdw always did: nothing, or identity on `partition`.
 */
export function transformRequests(
  config: Record<string, unknown>,
  where: string,
): PartitionRequest[] | undefined {
  const requests = parsePartitionBy(config.partition_by ?? config.partitioned_by, where);
  if (requests.length === 0) return undefined;
  const [only] = requests;
  if (requests.length === 1 && only!.column === PARTITION_COLUMN && only!.transform.kind === 'identity')
    return undefined;
  return requests;
}

/** What mdw always did, as requests: identity on a `partition` column when there is one. */
export function legacyRequests(schema: Schema): PartitionRequest[] {
  return schema.fields.some((f) => f.name === PARTITION_COLUMN)
    ? [{ column: PARTITION_COLUMN, transform: { kind: 'identity' } }]
    : [];
}

/** The spec a full write of `schema` gets from these requests (the same the commit computes). */
function specForWrite(
  table: IcebergTable,
  schema: Schema,
  requests: readonly PartitionRequest[],
): PartitionSpec {
  const md = table.metadata;
  return buildPartitionSpec(
    schema,
    requests,
    md['partition-specs'],
    md['last-partition-id'],
    table.identifier,
  );
}

/** Full write (table, first or full-refresh incremental run) under the requested partition spec. */
export async function replaceWithTransforms(
  conn: Connection,
  ctx: BuildContext,
  lake: LocalLakehouse,
  relation: Relation,
  selectSql: string,
  schema: Schema,
  requests: readonly PartitionRequest[],
  guard: ShrinkGuard = NO_SHRINK_GUARD,
): Promise<number> {
  const raw = (conn as DuckDbConnection).duckdb;
  const table =
    lake.find(relation) ??
    lake.catalog.createTable(relation.schema, relation.identifier, schema, { partitionBy: requests });
  const spec = specForWrite(table, schema, requests);
  const files = await (conn as DuckDbConnection).profiled(() =>
    writePartitionedFiles(raw, { selectSql, schema, spec, dataDir: table.dataDir() }),
  );
  const rows = (list: readonly { recordCount: number | bigint }[]) =>
    list.reduce((sum, file) => sum + Number(file.recordCount), 0);
  const refusal = shrinkRefusal(relation.identifier, rows(table.dataFiles()), rows(files), guard);
  if (refusal) {
    for (const file of files) rmSync(fileURLToPath(file.filePath), { force: true });
    throw new ExecutionError(refusal);
  }
  await table.replace({ schema, addFiles: files, partitionBy: requests });
  await lake.expose(conn, ctx, relation, table);
  return files.reduce((sum, file) => sum + Number(file.recordCount), 0);
}

/** Live files whose partition tuple (under the table's spec) is one the relation's rows fall in. */
export async function filesInPartitionsOf(
  raw: DuckDBConnection,
  table: IcebergTable,
  relationSql: string,
): Promise<LiveDataFile[]> {
  const spec = table.spec();
  const wanted = new Set(
    (await partitionTuples(raw, relationSql, spec, table.schema())).map((tuple) => partitionKey(tuple)),
  );
  return table
    .dataFiles()
    .filter((file) => file.specId === spec['spec-id'] && wanted.has(partitionKey(file.partition)));
}
