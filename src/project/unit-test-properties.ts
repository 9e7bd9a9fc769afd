/**
 * `unit_tests:` entries of properties files (dbt 1.8+), checked for shape with file:line
 * errors. Resolving the model, inputs and fixture files is parse/unit-tests.ts's job.
 */
import type { FixtureFormat } from '../manifest/resources.js';
import { ConfigError } from '../util/errors.js';
import { isRecord, type YamlFile } from './yaml.js';

export interface RawRows {
  format: FixtureFormat;
  rows: Record<string, unknown>[] | string | null;
  fixture: string | null;
  line: number;
}

export interface RawUnitTest {
  name: string;
  model: string;
  description: string;
  given: (RawRows & { input: string })[];
  expect: RawRows;
  overrides: {
    macros: Record<string, unknown>;
    vars: Record<string, unknown>;
    env_vars: Record<string, unknown>;
  };
  config: Record<string, unknown>;
  file: string;
  line: number;
}

const FORMATS: readonly FixtureFormat[] = ['dict', 'csv', 'sql'];

export function parseUnitTests(file: YamlFile, list: unknown): RawUnitTest[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list))
    throw new ConfigError(`${file.path}:${file.lineOf(['unit_tests'])}: 'unit_tests' must be a list.`);
  return list.map((entry, index) => parseUnitTest(file, entry, ['unit_tests', index]));
}

function parseUnitTest(file: YamlFile, entry: unknown, path: (string | number)[]): RawUnitTest {
  const line = file.lineOf(path);
  const where = `${file.path}:${line}`;
  if (!isRecord(entry)) throw new ConfigError(`${where}: each unit test must be a mapping with a 'name'.`);
  const name = entry.name;
  if (typeof name !== 'string' || name === '')
    throw new ConfigError(`${where}: this unit test has no 'name'.`);
  if (typeof entry.model !== 'string' || entry.model === '')
    throw new ConfigError(`${where}: unit test '${name}' has no 'model' to test.`);
  const given = entry.given ?? [];
  if (!Array.isArray(given))
    throw new ConfigError(
      `${file.path}:${file.lineOf([...path, 'given'])}: 'given' of unit test '${name}' must be a list.`,
    );
  if (!isRecord(entry.expect)) throw new ConfigError(`${where}: unit test '${name}' has no 'expect' rows.`);
  const overrides = isRecord(entry.overrides) ? entry.overrides : {};
  return {
    name,
    model: entry.model,
    description: typeof entry.description === 'string' ? entry.description : '',
    given: given.map((input, i) => {
      const inputPath = [...path, 'given', i];
      const at = `${file.path}:${file.lineOf(inputPath)}`;
      if (!isRecord(input) || typeof input.input !== 'string')
        throw new ConfigError(
          `${at}: each 'given' of unit test '${name}' needs an 'input', as in input: ref('stg_orders').`,
        );
      return { input: input.input.trim(), ...parseRows(file, input, inputPath, name) };
    }),
    expect: parseRows(file, entry.expect, [...path, 'expect'], name),
    overrides: {
      macros: mapping(overrides.macros),
      vars: mapping(overrides.vars),
      env_vars: mapping(overrides.env_vars),
    },
    config: mapping(entry.config),
    file: file.path,
    line,
  };
}

function parseRows(
  file: YamlFile,
  entry: Record<string, unknown>,
  path: (string | number)[],
  testName: string,
): RawRows {
  const line = file.lineOf(path);
  const where = `${file.path}:${line}`;
  const format = entry.format ?? 'dict';
  if (typeof format !== 'string' || !(FORMATS as readonly string[]).includes(format))
    throw new ConfigError(
      `${where}: unit test '${testName}' uses format '${String(format)}'; dbt's formats are dict, csv and sql.`,
    );
  const fixture = typeof entry.fixture === 'string' ? entry.fixture : null;
  const rows = entry.rows ?? null;
  if (fixture !== null && rows !== null)
    throw new ConfigError(`${where}: unit test '${testName}' gives both 'rows' and 'fixture'; use one.`);
  if (format === 'dict') {
    if (fixture !== null)
      throw new ConfigError(`${where}: unit test '${testName}': a 'fixture' file needs format csv or sql.`);
    const list = rows ?? [];
    if (!Array.isArray(list) || !list.every(isRecord))
      throw new ConfigError(
        `${where}: unit test '${testName}': format dict needs 'rows' as a list of mappings.`,
      );
    return { format, rows: list, fixture, line };
  }
  if (rows !== null && typeof rows !== 'string')
    throw new ConfigError(
      `${where}: unit test '${testName}': format ${format} needs 'rows' as text (or a 'fixture').`,
    );
  if (format === 'sql' && rows === null && fixture === null)
    throw new ConfigError(
      `${where}: unit test '${testName}': format sql needs 'rows' (a query) or a 'fixture'.`,
    );
  return { format: format as FixtureFormat, rows: rows as string | null, fixture, line };
}

function mapping(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}
