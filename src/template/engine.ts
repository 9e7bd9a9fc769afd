/**
 * The template engine: dbt's Jinja on Nunjucks. Macro files are compiled once per engine;
 * model templates once per distinct source text. Rendering is synchronous: the render in
 * progress is the engine's `current` state, which the names templates look up read at call
 * time. renderAsync makes run_query() live by re-rendering until every query is answered.
 */

import { TemplateError } from '../util/errors.js';
import { makeKeywordArgs } from './args.js';
import { BUILTIN_PACKAGE, loadBuiltinMacroFiles } from './builtins.js';
import type { CompiledCodeCache } from './code-cache.js';
import { compileTemplate, type KnownNames, type RootRenderFunction } from './compiler.js';
import { DbtFunctions, PackageNamespace } from './dbt-functions.js';
import { toTemplateError } from './errors.js';
import { FILTERS } from './filters.js';
import { createStaticGlobals } from './globals.js';
import { withRegistryTests } from './jinja-tests.js';
import { loadMacroFile, type MacroEntry, MacroRegistry, TemplateScope } from './macros.js';
import { Frame } from './nunjucks.js';
import { pyStr, unwrapSafe } from './pyvalues.js';
import { contextValue, MAX_QUERIES, QuerySession, RenderState } from './render-state.js';
import { createRuntime, runtimeForFile, type TemplateRuntime } from './runtime.js';
import { QueryNeeded, ReturnSignal } from './signals.js';
import type {
  ContextValues,
  RenderOutput,
  RunQuery,
  TemplateEngine,
  TemplateEngineOptions,
} from './types.js';

export { isKeywordArgs, makeKeywordArgs, splitArgs } from './args.js';
export { extractBlocks } from './blocks.js';
export { loadBuiltinMacroFiles } from './builtins.js';

/** Bound on the compiled-template cache (one entry per distinct model source). */
const MAX_CACHED_TEMPLATES = 20_000;
/** Context key of a unit test's macro overrides (name → value), looked up before any macro. */
export const UNIT_TEST_MACRO_OVERRIDES = '__mdw_unit_test_macro_overrides';

const TESTS = withRegistryTests(FILTERS);

/** The `env` argument of compiled templates: filters and tests only (no loaders). */
const ENV = {
  opts: { autoescape: false, throwOnUndefined: false },
  getFilter(name: string) {
    const filter = FILTERS[name];
    if (!filter) throw new Error(`no filter named '${name}'`);
    return filter;
  },
  getTest(name: string) {
    const test = TESTS[name];
    if (!test) throw new Error(`no test named '${name}'`);
    return test;
  },
  getExtension: () => undefined,
};

const KNOWN_NAMES: KnownNames = {
  filters: new Set(Object.keys(FILTERS)),
  tests: new Set(Object.keys(TESTS)),
};

/** Jinja drops a single trailing newline of the template (keep_trailing_newline=False). */
function stripTrailingNewline(source: string): string {
  return source.endsWith('\r\n') ? source.slice(0, -2) : source.endsWith('\n') ? source.slice(0, -1) : source;
}

class Engine implements TemplateEngine {
  readonly registry = new MacroRegistry();
  readonly rootPackage: string;
  readonly adapterType: string;
  private readonly runtime: TemplateRuntime = createRuntime();
  private readonly templates = new Map<string, RootRenderFunction>();
  private readonly staticGlobals = createStaticGlobals();
  private readonly dbt = new DbtFunctions(this);
  private readonly namespaces = new Map<string, PackageNamespace>();
  private current = new RenderState({}, false, null);
  private readonly dispatchConfig: Map<string, string[]>;

  private readonly codeCache: CompiledCodeCache | undefined;

  constructor(options: TemplateEngineOptions) {
    this.codeCache = options.codeCache;
    this.rootPackage = options.rootPackage;
    this.adapterType = options.adapterType.toLowerCase();
    this.dispatchConfig = new Map((options.dispatch ?? []).map((d) => [d.macro_namespace, d.search_order]));
    const loader = {
      compile: (source: string, file: string) => this.compile(source, file),
      env: ENV,
      runtimeFor: (file: string) => runtimeForFile(this.runtime, file),
      resolverFor: (pkg: string) => (name: string) => this.resolve(name, pkg),
    };
    const builtins = options.includeBuiltins === false ? [] : loadBuiltinMacroFiles(options.adapterType);
    for (const file of builtins) loadMacroFile(this.registry, file, loader, { builtin: true, lazy: true });
    for (const file of options.macroFiles)
      loadMacroFile(this.registry, file, loader, { builtin: false, lazy: false });
    for (const pkg of this.registry.packageNames())
      this.namespaces.set(pkg, new PackageNamespace(this.registry, pkg));
    if (!this.namespaces.has(BUILTIN_PACKAGE))
      this.namespaces.set(BUILTIN_PACKAGE, new PackageNamespace(this.registry, BUILTIN_PACKAGE));
  }

  state(): RenderState {
    return this.current;
  }

  dispatchOrder(namespace: string): string[] | undefined {
    return this.dispatchConfig.get(namespace);
  }

  /**
   * A name not defined in the template: the calling package's own macros, root-project macros,
   * render-state globals (return, execute, adapter, ...), the caller's context values, static
   * globals and package namespaces, then mdw's built-in macros.
   */
  private resolve(name: string, fromPackage: string): unknown {
    // a unit test's `overrides: macros:` replace any macro of that name, the project's too
    const overrides = contextValue(this.current.ctx, UNIT_TEST_MACRO_OVERRIDES) as
      | Record<string, unknown>
      | undefined;
    if (overrides && Object.hasOwn(overrides, name)) return overrides[name];
    if (fromPackage !== this.rootPackage && fromPackage !== BUILTIN_PACKAGE) {
      const own = this.registry.get(fromPackage, name);
      if (own) return own.fn;
    }
    const rootMacro = this.registry.get(this.rootPackage, name);
    if (rootMacro) return rootMacro.fn;
    const reserved = this.dbt.lookup(name);
    if (reserved !== undefined) return reserved;
    const value = contextValue(this.current.ctx, name);
    if (value !== undefined) return value;
    const global = this.staticGlobals.get(name) ?? this.namespacePatched(name, overrides);
    if (global !== undefined) return global;
    const builtin = this.registry.get(BUILTIN_PACKAGE, name);
    if (builtin) return builtin.fn;
    if (name === 'True') return true;
    if (name === 'False') return false;
    if (name === 'None') return null;
    return undefined;
  }

  /** A package namespace, with the unit test's `overrides: macros:` of `<package>.<macro>` applied. */
  private namespacePatched(name: string, overrides: Record<string, unknown> | undefined): unknown {
    const namespace = this.namespaces.get(name);
    if (!namespace || !overrides) return namespace;
    const prefix = `${name}.`;
    const own = Object.entries(overrides).filter(([key]) => key.startsWith(prefix));
    if (own.length === 0) return namespace;
    return namespace.withOverrides(
      Object.fromEntries(own.map(([key, value]) => [key.slice(prefix.length), value])),
    );
  }

  private compile(source: string, file: string): RootRenderFunction {
    try {
      return compileTemplate(source, KNOWN_NAMES, this.codeCache);
    } catch (error) {
      throw toTemplateError(error, file);
    }
  }

  private compiled(source: string, file: string): RootRenderFunction {
    let root = this.templates.get(source);
    if (!root) {
      root = this.compile(stripTrailingNewline(source), file);
      if (this.templates.size >= MAX_CACHED_TEMPLATES) this.templates.clear();
      this.templates.set(source, root);
    }
    return root;
  }

  /** Run `fn` with `state` as the current render (nested renders restore the outer one). */
  private withState<T>(state: RenderState, fn: () => T): T {
    const previous = this.current;
    this.current = state;
    try {
      return fn();
    } finally {
      this.current = previous;
    }
  }

  /** The package whose node is rendered (`model.package_name`): its own macros come first. */
  private packageOf(ctx: ContextValues): string {
    const model = ctx.model as { package_name?: unknown } | undefined;
    return typeof model?.package_name === 'string' ? model.package_name : this.rootPackage;
  }

  private runRoot(root: RootRenderFunction): string {
    const pkg = this.packageOf(this.current.ctx);
    const scope = new TemplateScope((name) => this.resolve(name, pkg));
    const frame = new Frame();
    frame.topLevel = true;
    let output = '';
    let failure: unknown;
    root(ENV, scope, frame, this.runtime, (err, result) => {
      failure = err;
      output = result ?? '';
    });
    // return() at the top level of a template ends it with that value
    if (failure instanceof ReturnSignal) return pyStr(failure.value);
    if (failure) throw failure;
    return output;
  }

  render(source: string, file: string, ctx: ContextValues): RenderOutput {
    const root = this.compiled(source, file);
    const state = new RenderState(ctx, false, null);
    try {
      const sql = this.withState(state, () => this.runRoot(root));
      return { sql, logs: state.logs };
    } catch (error) {
      throw toTemplateError(error, file);
    }
  }

  async renderAsync(
    source: string,
    file: string,
    ctx: ContextValues,
    runQuery: RunQuery,
  ): Promise<RenderOutput> {
    const root = this.compiled(source, file);
    return this.withQueries(
      file,
      runQuery,
      (state) => {
        const sql = this.withState(state, () => this.runRoot(root));
        return { sql, logs: state.logs };
      },
      ctx,
    );
  }

  /** Re-run `attempt` from scratch until it needs no query it has not got yet. */
  private async withQueries<T>(
    file: string,
    runQuery: RunQuery,
    attempt: (state: RenderState) => T,
    ctx: ContextValues,
  ): Promise<T> {
    const session = new QuerySession();
    for (;;) {
      session.startAttempt();
      const state = new RenderState(ctx, true, session);
      try {
        return attempt(state);
      } catch (error) {
        if (!(error instanceof QueryNeeded)) throw toTemplateError(error, file);
        if (session.results.size >= MAX_QUERIES)
          throw new TemplateError(
            `${file}: more than ${MAX_QUERIES} queries (run_query/statement) in one render`,
            file,
          );
        session.results.set(
          error.key,
          await runQuery(error.sql).catch((failure: unknown) => {
            if (
              error.emptyWhenMissing &&
              /does not exist/i.test(String((failure as Error)?.message ?? failure))
            )
              return { columnNames: [], rows: [] };
            throw failure;
          }),
        );
      }
    }
  }

  private findMacro(name: string): MacroEntry | undefined {
    const dot = name.indexOf('.');
    if (dot > 0) return this.registry.get(name.slice(0, dot), name.slice(dot + 1));
    const preferred = this.registry.get(this.rootPackage, name) ?? this.registry.get(BUILTIN_PACKAGE, name);
    if (preferred) return preferred;
    for (const pkg of this.registry.packageNames()) {
      const entry = this.registry.get(pkg, name);
      if (entry) return entry;
    }
    return undefined;
  }

  private macroOrFail(name: string): MacroEntry {
    const entry = this.findMacro(name);
    if (!entry)
      throw new TemplateError(
        `macro '${name}' is not defined (no project, package or built-in macro has that name)`,
      );
    return entry;
  }

  private invoke(entry: MacroEntry, args: unknown[], kwargs: Record<string, unknown>): unknown {
    const result = entry.fn(...args, makeKeywordArgs(kwargs));
    return unwrapSafe(result);
  }

  callMacro(name: string, args: unknown[], kwargs: Record<string, unknown>, ctx: ContextValues): unknown {
    const entry = this.macroOrFail(name);
    const state = new RenderState(ctx, false, null);
    try {
      return this.withState(state, () => this.invoke(entry, args, kwargs));
    } catch (error) {
      throw toTemplateError(error, entry.path);
    }
  }

  async callMacroAsync(
    name: string,
    args: unknown[],
    kwargs: Record<string, unknown>,
    ctx: ContextValues,
    runQuery: RunQuery,
  ): Promise<unknown> {
    const entry = this.macroOrFail(name);
    return this.withQueries(
      entry.path,
      runQuery,
      (state) => this.withState(state, () => this.invoke(entry, args, kwargs)),
      ctx,
    );
  }

  hasMacro(name: string): boolean {
    return this.findMacro(name) !== undefined;
  }

  listMacros(): { packageName: string; name: string; path: string; line: number; source: string }[] {
    return this.registry
      .all()
      .map(({ packageName, name, path, line, source }) => ({ packageName, name, path, line, source }));
  }
}

export function createTemplateEngine(options: TemplateEngineOptions): TemplateEngine {
  return new Engine(options);
}
