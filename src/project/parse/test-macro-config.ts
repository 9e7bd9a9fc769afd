/**
 * dbt renders a generic test's macro at parse time (execute = False), so `config()` calls made
 * inside it (dbt_utils.equal_rowcount sets `fail_calc`) become the test's config. mdw renders at
 * parse only the test macros whose source (or a dispatched `*__test_<name>`) calls config().
 */
import type { ManifestNode } from '../../manifest/types.js';
import type { ContextValues, TemplateEngine } from '../../template/types.js';

const CAPTURE = '__mdw_parse_capture';
const configCallers = new WeakMap<TemplateEngine, Set<string>>();

/** Names of generic tests (`<name>` of `test_<name>`) whose macros call config(). */
function testsCallingConfig(engine: TemplateEngine): Set<string> {
  let names = configCallers.get(engine);
  if (names) return names;
  names = new Set();
  for (const macro of engine.listMacros()) {
    const match = /(?:^|__)test_(\w+)$/.exec(macro.name);
    if (match && /\bconfig\s*\(/.test(macro.source)) names.add(match[1]!);
  }
  configCallers.set(engine, names);
  return names;
}

/** The value of a ref()/source() argument (a Relation), else the argument as written. */
function argumentValue(
  engine: TemplateEngine,
  value: unknown,
  file: string,
  context: ContextValues,
): unknown {
  if (typeof value !== 'string' || !/^\s*(ref|source)\s*\(.*\)\s*$/s.test(value)) return value;
  let captured: unknown = value;
  engine.render(`{% do ${CAPTURE}(${value}) %}`, file, {
    ...context,
    [CAPTURE]: (v: unknown) => {
      captured = v;
    },
  });
  return captured;
}

/**
 * The config() calls the test's macro makes when rendered as dbt renders it at parse time.
 * A macro that fails there is left to fail (or not) at compile time, as it always was.
 */
export function testMacroConfig(options: {
  engine: TemplateEngine;
  node: ManifestNode;
  testName: string;
  macroName: string;
  modelRef: string;
  args: Record<string, unknown>;
  /** a context whose config() records into `recorded` */
  context: ContextValues;
  recorded: Record<string, unknown>;
}): Record<string, unknown> {
  const { engine, node, context } = options;
  if (!testsCallingConfig(engine).has(options.testName)) return {};
  try {
    const file = node.original_file_path;
    const kwargs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(options.args))
      kwargs[key] = argumentValue(engine, value, file, context);
    kwargs.model = argumentValue(engine, options.modelRef, file, context);
    engine.callMacro(options.macroName, [], kwargs, context);
  } catch {
    // parse-time rendering only learns config(); errors surface when the test compiles
  }
  return options.recorded;
}
