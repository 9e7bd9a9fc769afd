/**
 * The contract of the Jinja engine (implemented in src/template/engine.ts on Nunjucks).
 *
 * The engine knows Jinja mechanics and the node-independent parts of dbt's context
 * (macros from all packages, adapter.dispatch, return(), log(), exceptions, run_query,
 * execute, Python string/list/dict methods, {% do %}, dbt's block tags). Everything that
 * depends on the node or the run (ref, source, config, this, model, target, var, env_var,
 * is_incremental, adapter.* database methods, graph, flags, doc, ...) is passed in by the
 * caller as `ContextValues` on each render.
 */
import type { CompiledCodeCache } from './code-cache.js';

/** A .sql file of macros (project macros/, or mdw's built-in include/macros). */
export interface MacroSourceFile {
  /** path relative to the project root (used in error messages) */
  path: string;
  contents: string;
  /** 'dbt' for the built-ins, the project name for the user's macros */
  packageName: string;
}

/** Result of run_query(): a small table, exposed to Jinja like dbt's agate table. */
export interface QueryTable {
  columnNames: string[];
  columnTypes?: string[];
  rows: unknown[][];
}

export type RunQuery = (sql: string) => Promise<QueryTable>;

/** Names made available to the template for one render. */
export type ContextValues = Record<string, unknown>;

/** Lines of log() output produced while rendering (only the final successful render's). */
export interface RenderOutput {
  sql: string;
  logs: string[];
}

export interface TemplateEngine {
  /**
   * Render synchronously with execute=false (parse time): run_query returns none,
   * statement results are empty. Throws TemplateError (file:line) on syntax/render errors.
   */
  render(source: string, file: string, ctx: ContextValues): RenderOutput;
  /**
   * Render with execute=true. run_query(sql) executes through `runQuery`.
   * Same errors as render().
   */
  renderAsync(source: string, file: string, ctx: ContextValues, runQuery: RunQuery): Promise<RenderOutput>;
  /**
   * Call a macro by name (e.g. 'generate_schema_name', 'test_unique') with positional
   * args and optional keyword args, resolving user macros before built-ins. Returns the
   * return() value if the macro used one, else the rendered string.
   */
  callMacro(name: string, args: unknown[], kwargs: Record<string, unknown>, ctx: ContextValues): unknown;
  /** Async variant of callMacro where run_query is live (execute=true). */
  callMacroAsync(
    name: string,
    args: unknown[],
    kwargs: Record<string, unknown>,
    ctx: ContextValues,
    runQuery: RunQuery,
  ): Promise<unknown>;
  hasMacro(name: string): boolean;
  /** every macro as [packageName, name, file, line] — for the manifest */
  listMacros(): { packageName: string; name: string; path: string; line: number; source: string }[];
}

/** dbt's block tags, found in a file before templating. Lines are 1-based. */
export interface ExtractedBlock {
  kind: 'snapshot' | 'test' | 'docs' | 'materialization' | 'macro';
  name: string;
  /** for test/macro: the argument list text, e.g. "model, column_name, values" */
  args?: string;
  /** for materialization: the `adapter='x'` value ('default' for `{% materialization x, default %}`) */
  adapter?: string;
  body: string;
  line: number;
  /** line on which `body` starts (the line of the start tag's `%}`) */
  bodyLine?: number;
}

/** Options of createTemplateEngine (src/template/engine.ts). */
export interface TemplateEngineOptions {
  /** the project's and packages' macro files (mdw's built-ins are added automatically) */
  macroFiles: MacroSourceFile[];
  /** target type: duckdb | trino | athena — picks `<type>__x` implementations in adapter.dispatch */
  adapterType: string;
  /** the root project's name: its macros shadow every other package's */
  rootPackage: string;
  /** the project's `dispatch:` config: the packages adapter.dispatch searches per namespace */
  dispatch?: { macro_namespace: string; search_order: string[] }[];
  /** add mdw's built-in macros from include/macros (default true) */
  includeBuiltins?: boolean;
  /** code compiled by earlier invocations (target/mdw_compiled_templates.json) */
  codeCache?: CompiledCodeCache;
}
