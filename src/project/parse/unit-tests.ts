/**
 * Unit tests (dbt 1.8+): each `unit_tests:` entry becomes `unit_test.<pkg>.<model>.<name>`
 * with its inputs resolved to the nodes and sources they stand for and fixture files read.
 * Running them is run/unit-test.ts's job.
 */
import { readFileSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { UnitTestDefinition, UnitTestInput, UnitTestRows } from '../../manifest/resources.js';
import type { ManifestNode } from '../../manifest/types.js';
import { ConfigError } from '../../util/errors.js';
import { listFiles } from '../../util/files.js';
import { didYouMean } from '../../util/suggest.js';
import type { RawRows, RawUnitTest } from '../unit-test-properties.js';
import { folderParts, type ParseState } from './state.js';

const REF = /^ref\(\s*(['"])([\w.-]+)\1\s*(?:,\s*(['"])([\w.-]+)\3\s*)?(?:,\s*v(?:ersion)?\s*=\s*[^)]*)?\)$/;
const SOURCE = /^source\(\s*(['"])([\w.-]+)\1\s*,\s*(['"])([\w.-]+)\3\s*\)$/;

export function readUnitTests(state: ParseState): Record<string, UnitTestDefinition> {
  const found: Record<string, UnitTestDefinition> = {};
  for (const file of state.properties) {
    for (const raw of file.unitTests ?? []) {
      const test = resolveUnitTest(state, raw);
      if (test.config.enabled === false) continue;
      if (found[test.unique_id] || state.unitTests[test.unique_id])
        throw new ConfigError(
          `${raw.file}:${raw.line}: unit test '${raw.name}' of model '${raw.model}' is defined twice.`,
        );
      found[test.unique_id] = test;
    }
  }
  Object.assign(state.unitTests, found);
  return found;
}

function resolveUnitTest(state: ParseState, raw: RawUnitTest): UnitTestDefinition {
  const where = `${raw.file}:${raw.line}`;
  const pkg = state.project.name;
  const model = state.nodes[`model.${pkg}.${raw.model}`];
  if (!model) {
    const models = Object.values(state.nodes)
      .filter((n) => n.resource_type === 'model' && n.package_name === pkg)
      .map((n) => n.name);
    throw new ConfigError(
      `${where}: unit test '${raw.name}' tests model '${raw.model}', which does not exist.${didYouMean(raw.model, models)}`,
    );
  }
  if (model.config.materialized === 'ephemeral')
    throw new ConfigError(
      `${where}: unit test '${raw.name}' tests '${raw.model}', an ephemeral model; dbt unit-tests models that are built.`,
    );
  const tags = [...new Set([...tagList(raw.config.tags)])];
  const meta = isObject(raw.config.meta) ? raw.config.meta : {};
  const relative = relativeToResourceDir(state, raw.file);
  return {
    unique_id: `unit_test.${pkg}.${raw.model}.${raw.name}`,
    resource_type: 'unit_test',
    name: raw.name,
    package_name: pkg,
    model: raw.model,
    path: relative,
    original_file_path: raw.file,
    line: raw.line,
    fqn: [pkg, ...folderParts(relative), raw.model, raw.name],
    description: raw.description,
    given: raw.given.map((input) => resolveInput(state, raw, input, model)),
    expect: readRows(state, raw, raw.expect),
    overrides: raw.overrides,
    config: { ...raw.config, enabled: raw.config.enabled !== false, tags, meta },
    tags,
    meta,
    depends_on: { nodes: [model.unique_id], macros: [] },
  };
}

function resolveInput(
  state: ParseState,
  test: RawUnitTest,
  input: RawRows & { input: string },
  model: ManifestNode,
): UnitTestInput {
  const where = `${test.file}:${input.line}`;
  const rows = readRows(state, test, input);
  if (input.input === 'this') {
    if (model.config.materialized !== 'incremental')
      throw new ConfigError(
        `${where}: unit test '${test.name}' gives input 'this', which only an incremental model reads.`,
      );
    return { ...rows, input: 'this', input_id: null, line: input.line };
  }
  const id = inputId(state, input.input);
  if (id === undefined)
    throw new ConfigError(
      `${where}: unit test '${test.name}' gives input ${input.input}; an input is ref('model'), source('source', 'table') or this.`,
    );
  if (id === null)
    throw new ConfigError(
      `${where}: unit test '${test.name}' gives input ${input.input}, which names no model, seed, snapshot or source of the project.`,
    );
  if (!model.depends_on.nodes.includes(id))
    throw new ConfigError(
      `${where}: unit test '${test.name}' gives input ${input.input}, which model '${model.name}' does not read.`,
    );
  const node = state.nodes[id];
  if (node?.config.materialized === 'ephemeral' && rows.format !== 'sql')
    throw new ConfigError(
      `${where}: unit test '${test.name}' gives input ${input.input}, an ephemeral model, with format ${rows.format}; an ephemeral input needs format: sql (its column types come from no relation).`,
    );
  return { ...rows, input: input.input, input_id: id, line: input.line };
}

/** undefined: not a ref/source expression; null: nothing of that name. */
function inputId(state: ParseState, text: string): string | null | undefined {
  const ref = REF.exec(text);
  if (ref) {
    const [pkg, name] = ref[4] === undefined ? [null, ref[2]!] : [ref[2]!, ref[4]];
    const packages = pkg ? [pkg] : [state.project.name, ...state.packageNames];
    for (const candidate of packages)
      for (const type of ['model', 'seed', 'snapshot']) {
        const id = `${type}.${candidate}.${name}`;
        if (state.nodes[id]) return id;
      }
    return null;
  }
  const source = SOURCE.exec(text);
  if (source) {
    for (const candidate of [state.project.name, ...state.packageNames]) {
      const id = `source.${candidate}.${source[2]}.${source[4]}`;
      if (state.sources[id]) return id;
    }
    return null;
  }
  return undefined;
}

/** Rows as written, or the fixture file's text (tests/fixtures/<name>.csv|.sql). */
function readRows(state: ParseState, test: RawUnitTest, rows: RawRows): UnitTestRows {
  if (rows.fixture === null) return { format: rows.format, rows: rows.rows ?? '', fixture: null };
  const extension = rows.format === 'csv' ? '.csv' : '.sql';
  const matches = state.project.test_paths
    .flatMap((dir) => listFiles(state.project.root, dir, [extension]))
    .filter((path) => path.split('/').includes('fixtures') && basename(path, extname(path)) === rows.fixture);
  if (matches.length === 0)
    throw new ConfigError(
      `${test.file}:${rows.line}: unit test '${test.name}' uses fixture '${rows.fixture}', but no ${rows.fixture}${extension} exists under ${state.project.test_paths.map((dir) => `${dir}/fixtures/`).join(', ')}.`,
    );
  const text = readFileSync(join(state.project.root, matches[0]!), 'utf8');
  return { format: rows.format, rows: text, fixture: rows.fixture };
}

function relativeToResourceDir(state: ParseState, file: string): string {
  for (const dir of [...state.project.model_paths, ...state.project.test_paths])
    if (file.startsWith(`${dir}/`)) return file.slice(dir.length + 1);
  return file;
}

function tagList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.map(String) : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
