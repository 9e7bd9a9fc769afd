import { readSeedFile } from '../../csv/seed-file.js';
import type { ManifestNode } from '../../manifest/types.js';
import { quoteIdentifier, sqlString } from '../sql-helpers.js';
import type { MaterializeResult } from '../types.js';
import { dropRelation, type SchemaRegistry } from './catalog.js';
import type { TrinoConnection } from './connection.js';
import type { TrinoRelation } from './relation.js';

/** rows per INSERT: keeps each statement well under Trino's default query text limits */
const BATCH_ROWS = 500;

export async function loadSeed(
  conn: TrinoConnection,
  schemas: SchemaRegistry,
  node: ManifestNode,
  target: TrinoRelation,
  projectRoot: string,
): Promise<MaterializeResult> {
  const { header, rows, overrides } = readSeedFile(node, projectRoot);
  const types = header.map(
    (name, column) => overrides.get(name.toLowerCase()) ?? inferSeedType(rows.map((row) => row[column]!)),
  );
  await schemas.ensure(conn, target.database, target.schema);
  const staged = target.sibling(`${target.identifier}__mdw_seed`);
  await dropRelation(conn, staged);
  const columns = header.map((name, i) => `${quoteIdentifier(name)} ${types[i]}`).join(', ');
  await conn.query(`create table ${staged.render()} (${columns})`);
  try {
    for (let start = 0; start < rows.length; start += BATCH_ROWS) {
      const values = rows
        .slice(start, start + BATCH_ROWS)
        .map((row) => `(${row.map((value, i) => literal(value, types[i]!)).join(', ')})`)
        .join(',\n');
      await conn.query(`insert into ${staged.render()} values ${values}`);
    }
    await dropViewIfAny(conn, target);
    await conn.query(`create or replace table ${target.render()} as select * from ${staged.render()}`);
  } finally {
    await conn.query(`drop table if exists ${staged.render()}`).catch(() => {});
  }
  return { rowsAffected: rows.length, message: `INSERT ${rows.length}` };
}

async function dropViewIfAny(conn: TrinoConnection, target: TrinoRelation): Promise<void> {
  const result = await conn.query(
    `select 1 from ${quoteIdentifier(target.database)}.information_schema.views
     where table_schema = ${sqlString(target.schema.toLowerCase())} and table_name = ${sqlString(target.identifier.toLowerCase())}`,
  );
  if (result.rows.length > 0) await conn.query(`drop view ${target.render()}`);
}

const INTEGER = /^-?\d+$/;
const NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?$/;
const BOOLEAN = /^(true|false)$/i;

/** dbt's seed type inference, in Trino types (empty cells are nulls and fit any type). */
export function inferSeedType(values: readonly string[]): string {
  const present = values.filter((value) => value !== '');
  if (present.length === 0) return 'varchar';
  if (present.every((v) => INTEGER.test(v)))
    return present.every((v) => Math.abs(Number(v)) < 2 ** 31) ? 'integer' : 'bigint';
  if (present.every((v) => NUMBER.test(v))) return 'double';
  if (present.every((v) => BOOLEAN.test(v))) return 'boolean';
  if (present.every((v) => DATE.test(v))) return 'date';
  if (present.every((v) => TIMESTAMP.test(v))) return 'timestamp(6)';
  return 'varchar';
}

/** A typed SQL literal of one cell: empty is NULL; anything else is cast from its text. */
function literal(value: string, type: string): string {
  if (value === '') return 'NULL';
  if (type === 'varchar') return sqlString(value);
  const text = /^timestamp/i.test(type) ? value.replace('T', ' ') : value;
  return `cast(${sqlString(text)} as ${type})`;
}
