import { readSeedFile } from '../../csv/seed-file.js';
import type { ManifestNode } from '../../manifest/types.js';
import { ExecutionError } from '../../util/errors.js';
import { quoteIdentifier, sqlString } from '../sql-helpers.js';
import { inferSeedType } from '../trino/seed.js';
import type { MaterializeResult } from '../types.js';
import { dataLocation } from './layout.js';
import { type BuildContext, buildTable, dropRelation, lookup } from './materialize.js';
import { type AthenaRelation, hiveIdentifier } from './relation.js';

export async function loadSeed(
  ctx: BuildContext,
  node: ManifestNode,
  target: AthenaRelation,
  projectRoot: string,
): Promise<MaterializeResult> {
  const { shown, header, rows, overrides } = readSeedFile(node, projectRoot);
  rows.forEach((row, index) => {
    if (row.some((value) => /[\r\n]/.test(value)))
      throw new ExecutionError(
        `Seed file ${shown}, line ${index + 2}: a field spans lines, which Athena's CSV reader cannot read.`,
      );
  });
  const types = header.map(
    (name, column) => overrides.get(name.toLowerCase()) ?? inferSeedType(rows.map((row) => row[column]!)),
  );

  await ctx.schemas.ensure(ctx.conn, target.schema);
  const csv = target.sibling(`${target.identifier}__mdw_seed_csv`);
  const existingCsv = await lookup(ctx, csv);
  if (existingCsv) await dropRelation(ctx, csv, existingCsv);
  const folder = dataLocation(
    ctx.profile.dataDir,
    'schema_table_unique',
    target.schema.toLowerCase(),
    csv.identifier.toLowerCase(),
    () => ctx.conn.warehouse.uniqueId(),
  );
  await ctx.conn.warehouse.putObject(`${folder}${target.identifier.toLowerCase()}.csv`, toCsv(header, rows));
  try {
    await ctx.conn.query(
      [
        `create external table ${csv.renderHive()} (`,
        header.map((name) => `  ${hiveIdentifier(name)} string`).join(',\n'),
        ')',
        "row format serde 'org.apache.hadoop.hive.serde2.OpenCSVSerde'",
        "with serdeproperties ('separatorChar' = ',', 'quoteChar' = '\"', 'escapeChar' = '\\\\')",
        'stored as textfile',
        `location ${sqlString(folder)}`,
        "tblproperties ('skip.header.line.count' = '1')",
      ].join('\n'),
    );
    const typed = header
      .map((name, i) => `${typedCell(quoteIdentifier(name), types[i]!)} as ${quoteIdentifier(name)}`)
      .join(',\n  ');
    await buildTable(ctx, node, target, `select\n  ${typed}\nfrom ${csv.render()}`, {
      partitionSpec: [],
      batches: null,
    });
  } finally {
    await dropRelation(ctx, csv, { kind: 'table', location: folder }).catch(() => {});
  }
  return { rowsAffected: rows.length, message: `INSERT ${rows.length}` };
}

/** One column of the external table, typed: empty text is NULL. */
function typedCell(column: string, type: string): string {
  if (type === 'varchar') return `nullif(${column}, '')`;
  const text = /^timestamp/i.test(type) ? `replace(${column}, 'T', ' ')` : column;
  return `cast(nullif(${text}, '') as ${type})`;
}

/** Every field quoted, quotes and backslashes escaped with a backslash (OpenCSVSerde's reading). */
function toCsv(header: string[], rows: string[][]): string {
  const line = (fields: string[]) =>
    fields.map((value) => `"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',');
  return `${[header, ...rows].map(line).join('\n')}\n`;
}
