/**
 * Seeds on Trino: the CSV is read here, each column gets dbt's inferred type (or its
 * column_types entry), and the rows go in with batched INSERT … VALUES of typed literals into a
 * staging table that then replaces the seed table atomically (CREATE OR REPLACE TABLE … AS).
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { parseCsvRecords } from '../../csv/records.js';
import type { ManifestNode } from '../../manifest/types.js';
import { ExecutionError } from '../../util/errors.js';
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
  const path = node.seed_file_path || node.original_file_path;
  const file = isAbsolute(path) ? path : resolve(projectRoot, path);
  const shown = node.original_file_path || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new ExecutionError(`Seed file ${shown} does not exist.`);
  }
  const delimiter =
    typeof node.config.delimiter === 'string' && node.config.delimiter !== '' ? node.config.delimiter : ',';
  const [header, ...rows] = parseCsvRecords(text, delimiter);
  if (!header) throw new ExecutionError(`Seed file ${shown} is empty: it needs at least a header row.`);
  rows.forEach((row, index) => {
    if (row.length !== header.length)
      throw new ExecutionError(
        `Could not read seed file ${shown}, line ${index + 2}: expected ${header.length} fields, found ${row.length}.`,
      );
  });

  const overrides = new Map(
    Object.entries(node.config.column_types ?? {}).map(([name, type]) => [name.toLowerCase(), String(type)]),
  );
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
