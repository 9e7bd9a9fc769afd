/**
 * Seeds: load the CSV as VARCHAR (DuckDB's reader, sniffing off so errors carry line numbers),
 * infer dbt's column types unless config.column_types says otherwise, and swap the typed
 * table in atomically like a `table` model.
 *
 * Two readings, as dbt-duckdb has: dbt infers the types with agate (Python's csv module, quote
 * `"`), then loads the values with DuckDB's `COPY ... (FORMAT CSV, HEADER TRUE, DELIMITER d)`,
 * which sniffs the quote and escape characters. A file quoted with `'` therefore loads `''` as
 * a quoted empty value, which DuckDB reads as NULL (allow_quoted_nulls), while its column type
 * comes from the `"` reading where `''` is two characters of text.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { readCsvHeader } from '../../../csv/header.js';
import type { ManifestNode } from '../../../manifest/types.js';
import { ExecutionError } from '../../../util/errors.js';
import { quoteIdentifier, sqlString } from '../../sql-helpers.js';
import type { Connection, MaterializeResult, Relation } from '../../types.js';
import { engineMessage } from '../errors.js';
import { DuckDbRelation } from '../relation.js';
import type { BuildContext } from './context.js';
import { replaceWithTable } from './replace.js';
import { convertExpression, inferSeedTypes } from './seed-types.js';

export async function loadSeed(
  conn: Connection,
  ctx: BuildContext,
  node: ManifestNode,
  target: Relation,
  projectRoot: string,
): Promise<MaterializeResult> {
  const file = seedPath(node, projectRoot);
  const shown = node.original_file_path || file;
  if (!existsSync(file)) throw new ExecutionError(`Seed file ${shown} does not exist.`);
  const delimiter =
    typeof node.config.delimiter === 'string' && node.config.delimiter !== '' ? node.config.delimiter : ',';
  const header = await readCsvHeader(file, delimiter);
  if (!header) throw new ExecutionError(`Seed file ${shown} is empty: it needs at least a header row.`);

  const raw = new DuckDbRelation('temp', 'main', `${target.identifier}__mdw_seed`, 'table');
  const typing = new DuckDbRelation('temp', 'main', `${target.identifier}__mdw_seed_types`, 'table');
  const dialect = await sniffDialect(conn, file, delimiter);
  const sameDialect = dialect.quote === '"' && dialect.escape === '"';
  try {
    await readAsText(conn, raw, file, header, delimiter, dialect, shown);
    // The types come from the `"` reading; when COPY would sniff another dialect, read that too.
    if (!sameDialect) await readAsText(conn, typing, file, header, delimiter, DOUBLE_QUOTE, shown);
    const select = await typedSelect(conn, node, raw, sameDialect ? raw : typing, header);
    const rows = await replaceWithTable(conn, ctx, target, select);
    return { rowsAffected: rows, message: `INSERT ${rows}` };
  } finally {
    await conn.query(`drop table if exists ${raw.render()}`).catch(() => {});
    await conn.query(`drop table if exists ${typing.render()}`).catch(() => {});
  }
}

/** A CSV dialect: quote and escape characters ('' when the file has none). */
export interface CsvDialect {
  quote: string;
  escape: string;
}

const DOUBLE_QUOTE: CsvDialect = { quote: '"', escape: '"' };

/**
 * The quote and escape DuckDB's COPY would sniff for the file (dbt-duckdb's seed load), or `"`
 * when the sniffer finds none or fails (then the strict reading below names the bad line).
 */
export async function sniffDialect(conn: Connection, file: string, delimiter: string): Promise<CsvDialect> {
  try {
    const result = await conn.query(
      `select "Quote", "Escape" from sniff_csv(${sqlString(file)}, delim = ${sqlString(delimiter)}, header = true)`,
    );
    const [quoteCell, escapeCell] = result.rows[0] ?? [];
    const quote = sniffedChar(quoteCell);
    // No quote found: nothing in the file is quoted, so `"` reads it the same way.
    if (quote === '') return DOUBLE_QUOTE;
    const escapeChar = sniffedChar(escapeCell);
    return { quote, escape: escapeChar === '' ? quote : escapeChar };
  } catch {
    return DOUBLE_QUOTE;
  }
}

/** sniff_csv writes "(empty)" for no character. */
function sniffedChar(value: unknown): string {
  return typeof value === 'string' && value !== '(empty)' ? value : '';
}

async function readAsText(
  conn: Connection,
  into: Relation,
  file: string,
  header: string[],
  delimiter: string,
  dialect: CsvDialect,
  shown: string,
): Promise<void> {
  const columns = `{${header.map((name) => `${sqlString(name)}: 'VARCHAR'`).join(', ')}}`;
  try {
    await conn.query(
      `create or replace temp table ${into.render()} as select * from read_csv(${sqlString(file)},
         header = true, auto_detect = false, columns = ${columns},
         delim = ${sqlString(delimiter)}, quote = ${sqlString(dialect.quote)}, escape = ${sqlString(dialect.escape)})`,
    );
  } catch (error) {
    throw new ExecutionError(csvErrorMessage(shown, engineMessage(error)));
  }
}

function seedPath(node: ManifestNode, projectRoot: string): string {
  const path = node.seed_file_path || node.original_file_path;
  return isAbsolute(path) ? path : resolve(projectRoot, path);
}

/** The SELECT over the raw table that casts each column to its seed type (inferred over `typing`). */
async function typedSelect(
  conn: Connection,
  node: ManifestNode,
  raw: Relation,
  typing: Relation,
  header: string[],
): Promise<string> {
  const overrides = new Map(
    Object.entries(node.config.column_types ?? {}).map(([name, type]) => [name.toLowerCase(), String(type)]),
  );
  const inferred = await inferSeedTypes(
    conn,
    typing,
    header.filter((name) => !overrides.has(name.toLowerCase())),
  );
  const quote = node.config.quote_columns !== false;
  let next = 0;
  const expressions = header.map((name) => {
    const column = quoteIdentifier(name);
    const override = overrides.get(name.toLowerCase());
    // Overridden columns are not coerced first ('007' stays '007'); DuckDB casts the text as COPY would.
    const value = override ? `cast(${column} as ${override})` : convertExpression(column, inferred[next++]!);
    return `${value} as ${quote ? quoteIdentifier(name) : name}`;
  });
  return `select ${expressions.join(',\n  ')} from ${raw.render()}`;
}

/** "Seed file seeds/x.csv line 3: Expected Number of Columns: 2 Found: 3" from DuckDB's report. */
export function csvErrorMessage(file: string, raw: string): string {
  const lines = raw.split('\n').map((line) => line.trim());
  const lineNumber = /CSV Error on Line: (\d+)/.exec(raw)?.[1];
  if (!lineNumber) return `Could not read seed file ${file}: ${lines.find((line) => line !== '') ?? raw}`;
  const start = lines.findIndex((line) => line.startsWith('Original Line:'));
  const end = lines.findIndex((line) => line.startsWith('Possible fixes'));
  const reason = lines
    .slice(start + 1, end === -1 ? undefined : end)
    .find((line) => line !== '' && !line.startsWith('Original Line'));
  return `Could not read seed file ${file}, line ${lineNumber}: ${reason ?? lines[0]}`;
}
