/**
 * Data tests: singular tests (.sql files under the test paths) and generic tests declared in
 * properties files (`data_tests:`/`tests:` on models, seeds, snapshots, sources and columns).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { RefCall } from '../../manifest/types.js';
import type { ContextValues } from '../../template/types.js';
import { ConfigError } from '../../util/errors.js';
import { listFiles } from '../../util/files.js';
import { mergeConfig } from '../config.js';
import { buildNodeContext, type ContextRecorder } from '../context.js';
import type { TestDefinition } from '../properties.js';
import { dbtTestHash, pythonStrOf } from '../python-repr.js';
import { folderParts, type ParseState } from './state.js';
import { testMacroConfig } from './test-macro-config.js';

export function readSingularTests(state: ParseState): void {
  for (const dir of state.project.test_paths) {
    for (const path of listFiles(state.project.root, dir, ['.sql'])) {
      if (path.startsWith(join(dir, 'generic') + '/')) continue;
      // unit test fixtures (dbt 1.8+) live under <test-path>/fixtures/ and are not tests
      if (path.startsWith(join(dir, 'fixtures') + '/')) continue;
      const raw = readFileSync(join(state.project.root, path), 'utf8');
      const node = state.newNode('test', basename(path, '.sql'), path, dir, raw);
      state.renderAtParse(node, raw);
      state.addNode(node);
    }
  }
}

export function readGenericTests(state: ParseState): void {
  for (const [nodeId, patch] of state.appliedPatches) {
    const node = state.nodes[nodeId];
    if (!node || node.package_name !== state.project.name) continue;
    const ref = `ref('${node.name}')`;
    for (const test of patch.tests) addGenericTest(state, test, node.name, ref, nodeId);
    for (const column of patch.columns)
      for (const test of column.tests) addGenericTest(state, test, node.name, ref, nodeId);
  }
  for (const file of state.properties) {
    for (const source of file.sources) {
      for (const table of source.tables) {
        const id = `source.${state.project.name}.${source.name}.${table.name}`;
        const ref = `source('${source.name}', '${table.name}')`;
        // dbt names source tests source_<test>_<source>_<table>_<args>
        const modelName = `${source.name}_${table.name}`;
        for (const test of table.tests) addGenericTest(state, test, modelName, ref, id, 'source_');
        for (const column of table.columns)
          for (const test of column.tests) addGenericTest(state, test, modelName, ref, id, 'source_');
      }
    }
  }
}

function addGenericTest(
  state: ParseState,
  test: TestDefinition,
  modelName: string,
  modelRef: string,
  attachedId: string,
  namePrefix = '',
): void {
  const args: Record<string, unknown> = { ...test.args };
  if (test.columnName !== null) args.column_name = test.columnName;
  const testType = namePrefix + (test.namespace ? `${test.namespace}_${test.testName}` : test.testName);
  const synthesized = synthesizeTestName(testType, modelName, args);
  const name = test.customName ?? synthesized.name;
  const macroName = test.namespace ? `${test.namespace}.test_${test.testName}` : `test_${test.testName}`;
  if (!test.namespace && !state.engine.hasMacro(`test_${test.testName}`)) {
    throw new ConfigError(
      `${test.file}:${test.line}: unknown test '${test.testName}': no generic test with that name is defined.`,
    );
  }
  const kwargs = { ...args, model: `{{ get_where_subquery(${modelRef}) }}` };
  const raw = `{{ ${macroName}(**_dbt_generic_test_kwargs) }}`;
  const node = state.newNode('test', name, test.file, dirname(test.file).split('/')[0]!, raw);
  const testMetadata = { name: test.testName, kwargs, namespace: test.namespace };
  node.unique_id = `test.${state.project.name}.${name}.${dbtTestHash(name, testMetadata)}`;
  node.fqn = [state.project.name, ...folderParts(test.file.split('/').slice(1).join('/')), name];
  node.line = test.line;
  node.column_name = test.columnName;
  node.attached_node = attachedId;
  node.test_metadata = testMetadata;
  if (test.customName === null) state.testShortNames.set(node.unique_id, synthesized.shortName);
  // Learn the refs/sources of the test: its model plus any in its arguments (relationships' `to`).
  const recorder: ContextRecorder = { refs: [], sources: [], config: {} };
  const contextOptions = {
    node,
    target: state.target,
    vars: state.vars,
    recorder,
    resolveRef: (call: RefCall) => state.relation(state.target.database, state.target.schema, call.name),
    resolveSource: (s: string, t: string) => state.relation(state.target.database, s, t),
    docs: (n: string) => state.docText(n, test.file),
    renderText: (text: string, ctx: ContextValues) => state.engine.render(text, test.file, ctx).sql,
    invocationId: state.invocationId,
    runStartedAt: state.runStartedAt,
  };
  const context = buildNodeContext(contextOptions);
  mergeConfig(
    node.config,
    renderTestConfig(test.config, (text) => state.engine.render(text, test.file, context).sql),
  );
  node.tags = [...(node.config.tags ?? [])];
  for (const value of [modelRef, ...Object.values(args)]) {
    if (typeof value !== 'string' || !/^\s*(ref|source)\s*\(.*\)\s*$/s.test(value)) continue;
    if (!recordLiteralCall(value, recorder)) state.engine.render(`{{ ${value} }}`, test.file, context);
  }
  node.refs = recorder.refs;
  node.sources = recorder.sources;
  // config() calls in the test's macro, under the test's own properties config
  const macroRecorder: ContextRecorder = { refs: [], sources: [], config: {} };
  const macroConfig = testMacroConfig({
    engine: state.engine,
    node,
    testName: test.testName,
    macroName,
    modelRef,
    args,
    context: buildNodeContext({ ...contextOptions, recorder: macroRecorder }),
    recorded: macroRecorder.config,
  });
  for (const key of Object.keys(test.config)) delete macroConfig[key];
  mergeConfig(node.config, macroConfig);
  if (node.config.enabled === false) return;
  if (state.nodes[node.unique_id]) {
    throw new ConfigError(
      `${test.file}:${test.line}: the test '${name}' is defined twice; give one of them a 'name:'.`,
    );
  }
  state.nodes[node.unique_id] = node;
}

/**
 * A test's config strings are rendered at parse time, natively as dbt does: `enabled: "{{
 * target.type in ['trino'] }}"` is the boolean false, not the text 'False'.
 */
function renderTestConfig(
  config: Record<string, unknown>,
  render: (text: string) => string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    out[key] = typeof value === 'string' && /\{\{|\{%/.test(value) ? nativeValue(render(value)) : value;
  }
  return out;
}

/** The Python literal a rendered text spells (dbt's native rendering), else the text. */
function nativeValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === 'True') return true;
  if (trimmed === 'False') return false;
  if (trimmed === 'None') return null;
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  return text;
}

/**
 * ref('x'), ref('pkg', 'x') and source('a', 'b') with literal arguments are recorded without
 * a Jinja render — the common case in test arguments, and compiling a template each is slow.
 */
function recordLiteralCall(text: string, recorder: ContextRecorder): boolean {
  const match = /^\s*(ref|source)\s*\(\s*(['"])([\w.-]+)\2\s*(?:,\s*(['"])([\w.-]+)\4\s*)?\)\s*$/.exec(text);
  if (!match) return false;
  const [, kind, , first, , second] = match;
  if (kind === 'ref')
    recorder.refs.push(second === undefined ? { name: first! } : { package: first!, name: second });
  else if (second !== undefined) recorder.sources.push([first!, second]);
  else return false;
  return true;
}

/**
 * dbt's generic test naming: <type>_<model>_<args>, args sorted by name, values flattened
 * through Python's str(), non-identifier characters replaced by '_', joined with '__'.
 * The full name is the node's name; a name of 64 characters or more gets a short form (the
 * first 30 characters of <type>_<model> plus the md5 of the full name) for its alias and
 * compiled file, as dbt does.
 */
export function synthesizeTestName(
  testType: string,
  modelName: string,
  args: Record<string, unknown>,
): { name: string; shortName: string } {
  const flat: string[] = [];
  for (const key of Object.keys(args).sort()) {
    if (key === 'model') continue;
    const value = args[key];
    const parts = Array.isArray(value)
      ? value
      : value !== null && typeof value === 'object'
        ? Object.values(value)
        : [value];
    flat.push(...parts.map(pythonStrOf));
  }
  const label = flat.map((part) => part.replace(/[^0-9a-zA-Z_]+/g, '_')).join('__');
  const identifier = `${testType}_${modelName}`;
  const name = `${identifier}_${label}`;
  if (name.length < 64) return { name, shortName: name };
  return { name, shortName: `${identifier.slice(0, 30)}_${createHash('md5').update(name).digest('hex')}` };
}
