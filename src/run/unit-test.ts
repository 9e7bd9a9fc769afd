/**
 * Runs one unit test (dbt 1.8+): each given input becomes a fixture query typed like the
 * relation it stands for (missing columns are null, as in dbt), the model compiles against
 * those fixtures with the test's overrides, and its output is compared with the expected
 * rows on the expected columns, as multisets. A difference is a failure with a diff table;
 * anything that stops the comparison is an error. Never throws.
 */
import type { Adapter, Connection } from '../adapters/types.js';
import { parseCsvRecords } from '../csv/records.js';
import type { UnitTestDefinition, UnitTestRows } from '../manifest/resources.js';
import type { Manifest } from '../manifest/types.js';
import { UNIT_TEST_MACRO_OVERRIDES } from '../template/engine.js';
import { errorMessage } from '../util/errors.js';
import type { Compiler } from './compile.js';
import { type NodeResult, newResult } from './results.js';

export interface UnitTestTask {
  test: UnitTestDefinition;
  manifest: Manifest;
  adapter: Adapter;
  connection: Connection;
  compiler: Compiler;
  threadId: string;
}

/** A unit test's result; `diff` is the table printed under its failure. */
export interface UnitTestResult extends NodeResult {
  diff?: string;
}

/** Thrown for a problem of the test itself (not a difference): the result is an error. */
class UnitTestError extends Error {}

export async function executeUnitTest(task: UnitTestTask): Promise<UnitTestResult> {
  const { test } = task;
  const started = performance.now();
  const result: UnitTestResult = newResult({ unique_id: test.unique_id, relation_name: null }, task.threadId);
  try {
    const sql = await compileModel(task);
    result.compiled = true;
    result.compiled_code = sql;
    const diff = await compare(task, sql);
    // dbt counts a unit test's failure once, however many rows differ
    result.failures = diff.rows === 0 ? 0 : 1;
    result.status = diff.rows === 0 ? 'pass' : 'fail';
    result.adapter_response = { _message: diff.rows === 0 ? 'PASS' : 'FAIL', rows_affected: diff.rows };
    if (diff.rows > 0) {
      result.message = 'actual differs from expected';
      result.diff = diff.table;
    }
  } catch (error) {
    result.status = 'error';
    const what = error instanceof UnitTestError ? '' : 'Database error: ';
    result.message = `${what}${errorMessage(error)}`;
  }
  result.execution_time = (performance.now() - started) / 1000;
  return result;
}

async function compileModel(task: UnitTestTask): Promise<string> {
  const { test, manifest, adapter, connection } = task;
  const model = manifest.nodes[test.depends_on.nodes[0]!];
  if (!model) throw new UnitTestError(`unit test ${test.name}: model '${test.model}' is not in the project.`);
  const fixtures = new Map<string, string>();
  for (const input of test.given) {
    const id = input.input_id ?? 'this';
    if (input.format === 'sql') {
      fixtures.set(id, String(input.rows));
      continue;
    }
    const relation = relationOf(task, id);
    let columns: { names: string[]; types: string[] };
    try {
      const table = await connection.query(`select * from ${relation} where 1 = 0`);
      columns = { names: table.columnNames, types: table.columnTypes };
    } catch (error) {
      throw new UnitTestError(
        `Not able to get columns for unit test '${test.name}' from relation ${relation} (input ${input.input}, ${test.original_file_path}:${input.line}): build it first. ${errorMessage(error)}`,
      );
    }
    const rows = fixtureRows(test, input, columns.names);
    fixtures.set(id, typedRowsSql(adapter, columns.names, columns.types, rows));
  }
  const macros: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(test.overrides.macros)) macros[name] = () => value;
  const context: Record<string, unknown> = { [UNIT_TEST_MACRO_OVERRIDES]: macros };
  const envOverrides = test.overrides.env_vars;
  if (Object.keys(envOverrides).length > 0) {
    const original = (await task.compiler.contextOf(model)).env_var as (...args: unknown[]) => unknown;
    context.env_var = (name: string, ...rest: unknown[]) =>
      name in envOverrides ? String(envOverrides[name]) : original(name, ...rest);
  }
  const compiler =
    Object.keys(test.overrides.vars).length > 0 ? task.compiler.withVars(test.overrides.vars) : task.compiler;
  const isIncremental = test.overrides.macros.is_incremental === true;
  return compiler.compile(
    { ...model },
    {
      isIncremental,
      write: false,
      which: 'test',
      unitTest: { fixtures, context },
      runQuery: async (sql) => {
        const table = await connection.query(sql);
        return { columnNames: table.columnNames, columnTypes: table.columnTypes, rows: table.rows };
      },
    },
  );
}

function relationOf(task: UnitTestTask, id: string): string {
  const { manifest, adapter, test } = task;
  const node = manifest.nodes[id === 'this' ? test.depends_on.nodes[0]! : id];
  if (node) return adapter.relation(node.database, node.schema, node.alias).render();
  const source = manifest.sources[id]!;
  return adapter.relation(source.database, source.schema, source.identifier).render();
}

/** The given rows as column → value records (csv values are text; empty csv fields are null). */
function fixtureRows(
  test: UnitTestDefinition,
  fixture: UnitTestRows & { input?: string; line?: number },
  known: string[] | null,
): Record<string, unknown>[] {
  const rows =
    fixture.format === 'csv' ? csvRows(String(fixture.rows)) : (fixture.rows as Record<string, unknown>[]);
  if (known !== null) {
    const lower = new Set(known.map((name) => name.toLowerCase()));
    for (const row of rows)
      for (const column of Object.keys(row))
        if (!lower.has(column.toLowerCase()))
          throw new UnitTestError(
            `unit test ${test.name} (${test.original_file_path}:${fixture.line ?? test.line}): column '${column}' of the rows given for ${fixture.input ?? 'expect'} is not a column of that relation (it has ${known.join(', ')}).`,
          );
  }
  return rows;
}

function csvRows(text: string): Record<string, unknown>[] {
  const lines = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
  const [header, ...records] = parseCsvRecords(lines, ',');
  if (!header) return [];
  return records.map((record) =>
    Object.fromEntries(
      header.map((name, i) => [name.trim(), record[i] === '' || record[i] === undefined ? null : record[i]]),
    ),
  );
}

/** One SELECT per row, every column cast to its type; missing values are null; no rows: an empty typed query. */
function typedRowsSql(
  adapter: Adapter,
  names: string[],
  types: string[],
  rows: Record<string, unknown>[],
): string {
  const cell = (row: Record<string, unknown>, name: string): unknown => {
    const key = Object.keys(row).find((k) => k.toLowerCase() === name.toLowerCase());
    return key === undefined ? null : row[key];
  };
  const select = (row: Record<string, unknown>) =>
    `select ${names.map((name, i) => `cast(${literal(cell(row, name))} as ${types[i]}) as ${adapter.quoteIdentifier(name)}`).join(', ')}`;
  if (rows.length === 0) return `${select({})} where 1 = 0`;
  return rows.map(select).join('\nunion all\n');
}

function literal(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text =
    value instanceof Date
      ? value.toISOString()
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  return `'${text.replaceAll("'", "''")}'`;
}

/** Actual vs expected on the expected columns, as multisets of rows. */
async function compare(task: UnitTestTask, modelSql: string): Promise<{ rows: number; table: string }> {
  const { test, adapter, connection } = task;
  const q = (name: string) => adapter.quoteIdentifier(name);
  const shape = await connection.query(
    `select * from (\n${modelSql}\n) as dbt_internal_unit_test_actual where 1 = 0`,
  );
  let columns: string[];
  let expectedSql: string;
  if (test.expect.format === 'sql') {
    expectedSql = String(test.expect.rows);
    columns = (await connection.query(`select * from (\n${expectedSql}\n) as e where 1 = 0`)).columnNames;
    // dbt compares every output column against a sql expectation
    const absent = shape.columnNames.filter(
      (name) => !columns.some((c) => c.toLowerCase() === name.toLowerCase()),
    );
    if (absent.length > 0)
      throw new UnitTestError(
        `unit test ${test.name} (${test.original_file_path}:${test.line}): the expected query (format sql) lacks column${absent.length === 1 ? '' : 's'} ${absent.join(', ')} of model ${test.model}; a sql expectation gives every column.`,
      );
  } else {
    const rows = fixtureRows(test, test.expect, shape.columnNames);
    // no expected rows: dbt expects the model's whole output shape (`select * from actual limit 0`)
    columns =
      rows.length === 0 ? [...shape.columnNames] : [...new Set(rows.flatMap((row) => Object.keys(row)))];
    // dbt selects each expected row's own keys, so rows with different keys fail the set operation
    const uneven = rows.find((row) => Object.keys(row).length !== columns.length);
    if (uneven)
      throw new UnitTestError(
        `unit test ${test.name} (${test.original_file_path}:${test.line}): the expected rows do not all give the same columns (${columns.join(', ')}); dbt fails such a unit test, give every column in every row.`,
      );
    const actualName = (name: string) =>
      shape.columnNames.find((c) => c.toLowerCase() === name.toLowerCase())!;
    columns = columns.map(actualName);
    const types = columns.map((name) => shape.columnTypes[shape.columnNames.indexOf(name)]!);
    expectedSql = typedRowsSql(adapter, columns, types, rows);
  }
  const missing = columns.filter(
    (name) => !shape.columnNames.some((c) => c.toLowerCase() === name.toLowerCase()),
  );
  if (missing.length > 0)
    throw new UnitTestError(
      `unit test ${test.name} (${test.original_file_path}:${test.line}): expected column${missing.length === 1 ? '' : 's'} ${missing.join(', ')} not in the output of model ${test.model} (${shape.columnNames.join(', ')}).`,
    );
  const list = columns.map(q).join(', ');
  const actual = await connection.query(
    `select ${list} from (\n${modelSql}\n) as dbt_internal_unit_test_actual`,
  );
  const expected = await connection.query(
    `select ${list} from (\n${expectedSql}\n) as dbt_internal_unit_test_expected`,
  );
  return diffRows(columns, expected.rows, actual.rows);
}

/** Rows only in actual (+++) or only in expected (---), counted with multiplicity; dbt-like table. */
export function diffRows(
  columns: string[],
  expected: unknown[][],
  actual: unknown[][],
): { rows: number; table: string } {
  const key = (row: unknown[]) => JSON.stringify(row.map(show));
  const left = new Map<string, number>();
  for (const row of expected) left.set(key(row), (left.get(key(row)) ?? 0) + 1);
  const added: unknown[][] = [];
  for (const row of actual) {
    const count = left.get(key(row)) ?? 0;
    if (count > 0) left.set(key(row), count - 1);
    else added.push(row);
  }
  const removed: unknown[][] = [];
  const pending = new Map(left);
  for (const row of expected) {
    const count = pending.get(key(row)) ?? 0;
    if (count > 0) {
      pending.set(key(row), count - 1);
      removed.push(row);
    }
  }
  const lines: string[][] = [['@@', ...columns]];
  for (const row of added) lines.push(['+++', ...row.map(show)]);
  for (const row of removed) lines.push(['---', ...row.map(show)]);
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((line) => line[i]!.length)));
  const table = lines
    .map((line) =>
      line
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join(',')
        .trimEnd(),
    )
    .join('\n');
  return { rows: added.length + removed.length, table };
}

function show(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object')
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v));
  return String(value);
}
