/**
 * Schema (properties) YAML files: descriptions, columns, tests and config for models, seeds,
 * snapshots and sources. Parsing only — the loader applies them to nodes.
 */

import type { ColumnInfo } from '../manifest/types.js';
import { ConfigError } from '../util/errors.js';
import { didYouMean } from '../util/suggest.js';
import { parseSemanticEntries, type RawSemantic, SEMANTIC_KEYS } from './semantic-properties.js';
import { parseUnitTests, type RawUnitTest } from './unit-test-properties.js';
import { isRecord, type YamlFile } from './yaml.js';

export interface TestDefinition {
  /** generic test name, e.g. not_null, accepted_values, or a custom {% test %} */
  testName: string;
  namespace: string | null;
  args: Record<string, unknown>;
  config: Record<string, unknown>;
  customName: string | null;
  columnName: string | null;
  file: string;
  line: number;
}

export interface ColumnPatch extends ColumnInfo {
  tests: TestDefinition[];
}

export interface NodePatch {
  kind: 'models' | 'seeds' | 'snapshots';
  name: string;
  description: string;
  config: Record<string, unknown>;
  columns: ColumnPatch[];
  tests: TestDefinition[];
  meta: Record<string, unknown>;
  docs?: Record<string, unknown>;
  file: string;
  line: number;
}

export interface SourceTablePatch {
  name: string;
  identifier: string;
  description: string;
  meta: Record<string, unknown>;
  tags: string[];
  external: Record<string, unknown> | null;
  columns: ColumnPatch[];
  tests: TestDefinition[];
  config: Record<string, unknown>;
  loaded_at_field: string | null;
  /** the table's `freshness:` (undefined: inherit the source's; null: none) */
  freshness?: Record<string, unknown> | null;
  line: number;
}

export interface SourcePatch {
  name: string;
  schema: string;
  database: string | null;
  description: string;
  meta: Record<string, unknown>;
  tags: string[];
  loader: string;
  config: Record<string, unknown>;
  loaded_at_field?: string | null;
  freshness?: Record<string, unknown> | null;
  tables: SourceTablePatch[];
  file: string;
  line: number;
}

export interface PropertiesFile {
  nodes: NodePatch[];
  sources: SourcePatch[];
  macroDescriptions: Record<string, string>;
  /** `unit_tests:` entries (absent in parse caches written before they were read) */
  unitTests?: RawUnitTest[];
  /** `metrics:`, `semantic_models:`, `saved_queries:` entries */
  semantic?: RawSemantic[];
  /** warnings about this file's top-level keys (unknown, or dbt's but not run by mdw) */
  notices?: string[];
}

/** Top-level keys dbt reads from property files that mdw reads too, or may ignore without changing results. */
const READ_KEYS = new Set([
  'version',
  'models',
  'seeds',
  'snapshots',
  'sources',
  'macros',
  'unit_tests',
  ...Object.keys(SEMANTIC_KEYS),
]);
const IGNORED_KEYS = new Set(['analyses', 'exposures', 'groups', 'data_tests']);
/** dbt runs these; mdw does not yet, so the results would differ: say so. */
const NOT_RUN_KEYS: Record<string, string> = {
  functions: 'user-defined functions (dbt 1.11) are not created by mdw yet; these are skipped',
};

/** Keys of a test entry that are config rather than test arguments (dbt lets them sit at top level). */
const TEST_CONFIG_KEYS = new Set([
  'severity',
  'tags',
  'where',
  'limit',
  'warn_if',
  'error_if',
  'store_failures',
  'store_failures_as',
  'enabled',
  'meta',
  'fail_calc',
  'alias',
  'schema',
  'database',
]);

export function parsePropertiesFile(file: YamlFile): PropertiesFile {
  const result: PropertiesFile = { nodes: [], sources: [], macroDescriptions: {} };
  const data = file.data;
  if (data === null) return result;
  if (!isRecord(data))
    throw new ConfigError(`${file.path}:1: expected a mapping with 'models', 'sources', ... keys.`);
  for (const kind of ['models', 'seeds', 'snapshots'] as const) {
    for (const [index, entry] of listAt(file, data, [kind])) {
      result.nodes.push(parseNodePatch(file, kind, entry, [kind, index]));
    }
  }
  for (const [index, entry] of listAt(file, data, ['sources'])) {
    result.sources.push(parseSource(file, entry, ['sources', index]));
  }
  for (const [index, entry] of listAt(file, data, ['macros'])) {
    const name = requireName(file, entry, ['macros', index]);
    result.macroDescriptions[name] = String(entry.description ?? '');
  }
  const unitTests = parseUnitTests(file, data.unit_tests);
  if (unitTests.length > 0) result.unitTests = unitTests;
  const semantic = Object.keys(SEMANTIC_KEYS).flatMap((key) => parseSemanticEntries(file, key, data[key]));
  if (semantic.length > 0) result.semantic = semantic;
  const notices: string[] = [];
  for (const key of Object.keys(data)) {
    if (READ_KEYS.has(key) || IGNORED_KEYS.has(key)) continue;
    const where = `${file.path}:${file.lineOf([key])}`;
    notices.push(
      key in NOT_RUN_KEYS
        ? `${where}: '${key}': ${NOT_RUN_KEYS[key]}.`
        : `${where}: unknown key '${key}' is ignored.${didYouMean(key, [...READ_KEYS, ...IGNORED_KEYS, ...Object.keys(NOT_RUN_KEYS)])}`,
    );
  }
  if (notices.length > 0) result.notices = notices;
  return result;
}

function listAt(
  file: YamlFile,
  parent: Record<string, unknown>,
  path: (string | number)[],
): [number, Record<string, unknown>][] {
  const value = parent[path[path.length - 1] as string];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    throw new ConfigError(`${file.path}:${file.lineOf(path)}: '${path.at(-1)}' must be a list.`);
  }
  return value.map((entry, index) => {
    if (!isRecord(entry)) {
      throw new ConfigError(
        `${file.path}:${file.lineOf([...path, index])}: each entry of '${path.at(-1)}' must be a mapping with a 'name'.`,
      );
    }
    return [index, entry];
  });
}

function requireName(file: YamlFile, entry: Record<string, unknown>, path: (string | number)[]): string {
  if (typeof entry.name !== 'string' || entry.name === '') {
    throw new ConfigError(`${file.path}:${file.lineOf(path)}: this entry has no 'name'.`);
  }
  return entry.name;
}

function record(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function tagList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.map(String) : [];
}

function parseNodePatch(
  file: YamlFile,
  kind: NodePatch['kind'],
  entry: Record<string, unknown>,
  path: (string | number)[],
): NodePatch {
  const name = requireName(file, entry, path);
  const config = { ...record(entry.config) };
  if (entry.tags !== undefined) config.tags = tagList(entry.tags);
  return {
    kind,
    name,
    description: String(entry.description ?? ''),
    config,
    columns: parseColumns(file, entry, path),
    tests: parseTests(file, entry, path, null),
    meta: record(entry.meta),
    docs: isRecord(entry.docs) ? entry.docs : undefined,
    file: file.path,
    line: file.lineOf(path),
  };
}

function parseColumns(
  file: YamlFile,
  entry: Record<string, unknown>,
  path: (string | number)[],
): ColumnPatch[] {
  return listAt(file, entry, [...path, 'columns']).map(([index, column]) => {
    const columnPath = [...path, 'columns', index];
    const name = requireName(file, column, columnPath);
    return {
      name,
      description: String(column.description ?? ''),
      data_type: typeof column.data_type === 'string' ? column.data_type : null,
      meta: record(column.meta),
      tags: tagList(column.tags),
      tests: parseTests(file, column, columnPath, name),
    };
  });
}

function parseTests(
  file: YamlFile,
  entry: Record<string, unknown>,
  path: (string | number)[],
  columnName: string | null,
): TestDefinition[] {
  const key = entry.data_tests !== undefined ? 'data_tests' : 'tests';
  const list = entry[key];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list))
    throw new ConfigError(`${file.path}:${file.lineOf([...path, key])}: '${key}' must be a list.`);
  return list.map((test, index) => parseTest(file, test, [...path, key, index], columnName));
}

function parseTest(
  file: YamlFile,
  test: unknown,
  path: (string | number)[],
  columnName: string | null,
): TestDefinition {
  const line = file.lineOf(path);
  const base = { config: {}, customName: null, columnName, file: file.path, line };
  if (typeof test === 'string') return { ...base, ...splitNamespace(test), args: {} };
  if (!isRecord(test)) throw new ConfigError(`${file.path}:${line}: a test must be a name or a mapping.`);
  // Form 1: `- accepted_values: {values: [...]}` (one key naming the test)
  // Form 2: `- name: custom_name` + `test_name: accepted_values` + args
  let testName: string;
  let body: Record<string, unknown>;
  if (typeof test.test_name === 'string') {
    testName = test.test_name;
    body = { ...test };
    delete body.test_name;
  } else {
    const keys = Object.keys(test);
    if (keys.length !== 1) {
      throw new ConfigError(
        `${file.path}:${line}: a test entry must have exactly one key naming the test, found ${keys.map((k) => `'${k}'`).join(', ')}.`,
      );
    }
    testName = keys[0]!;
    body = record(test[testName]);
  }
  const args: Record<string, unknown> = {};
  const config: Record<string, unknown> = { ...record(body.config) };
  let customName: string | null = null;
  for (const [key, value] of Object.entries(body)) {
    if (key === 'config') continue;
    if (key === 'name') customName = String(value);
    else if (key === 'arguments' && isRecord(value)) Object.assign(args, value);
    else if (key === 'column_name') columnName = String(value);
    else if (TEST_CONFIG_KEYS.has(key)) config[key] = value;
    else args[key] = value;
  }
  return { ...base, ...splitNamespace(testName), args, config, customName, columnName };
}

function splitNamespace(name: string): { testName: string; namespace: string | null } {
  const dot = name.lastIndexOf('.');
  return dot > 0
    ? { namespace: name.slice(0, dot), testName: name.slice(dot + 1) }
    : { namespace: null, testName: name };
}

function parseSource(file: YamlFile, entry: Record<string, unknown>, path: (string | number)[]): SourcePatch {
  const name = requireName(file, entry, path);
  const tables = listAt(file, entry, [...path, 'tables']).map(([index, table]): SourceTablePatch => {
    const tablePath = [...path, 'tables', index];
    const tableName = requireName(file, table, tablePath);
    const meta = record(table.meta);
    const external = isRecord(table.external) ? { ...table.external } : null;
    return {
      name: tableName,
      identifier: typeof table.identifier === 'string' ? table.identifier : tableName,
      description: String(table.description ?? ''),
      meta,
      tags: tagList(table.tags),
      external,
      columns: parseColumns(file, table, tablePath),
      tests: parseTests(file, table, tablePath, null),
      config: record(table.config),
      loaded_at_field: stringOrNull(table.loaded_at_field ?? record(table.config).loaded_at_field),
      freshness: freshnessOf(table),
      line: file.lineOf(tablePath),
    };
  });
  return {
    name,
    schema: typeof entry.schema === 'string' ? entry.schema : name,
    database: typeof entry.database === 'string' ? entry.database : null,
    description: String(entry.description ?? ''),
    meta: record(entry.meta),
    tags: tagList(entry.tags),
    loader: String(entry.loader ?? ''),
    config: record(entry.config),
    loaded_at_field: stringOrNull(entry.loaded_at_field ?? record(entry.config).loaded_at_field),
    freshness: freshnessOf(entry),
    tables,
    file: file.path,
    line: file.lineOf(path),
  };
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** `freshness:` of a source or table, at top level or under `config:` (dbt 1.10+); null turns it off. */
function freshnessOf(entry: Record<string, unknown>): Record<string, unknown> | null | undefined {
  const config = record(entry.config);
  const value = 'freshness' in entry ? entry.freshness : config.freshness;
  if (value === undefined) return undefined;
  return isRecord(value) ? value : null;
}
