/**
 * Compilation: a node's raw Jinja SQL → the SQL the engine runs (execute=true), with refs
 * resolved to real relations and ephemeral models injected as CTEs. Writes
 * target/compiled/<project>/<path>.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { identifierQuote } from '../adapters/registry.js';
import type { ManifestNode, RefCall } from '../manifest/types.js';
import { type MicrobatchWindow, windowCondition } from '../materialize/microbatch.js';
import { buildNodeContext } from '../project/context.js';
import type { LoadedProject } from '../project/loader.js';
import { blankNode } from '../project/node-factory.js';
import { findAcrossPackages } from '../project/packages/search.js';
import {
  EngineRenderedRelation,
  EventTimeFilteredRelation,
  JinjaRelation,
  relationsFor,
} from '../project/relation.js';
import { PyDate, PyDatetime, PyTimedelta } from '../template/modules/datetime.js';
import { isPlainObject } from '../template/pyvalues.js';
import type { ContextValues, QueryTable, RunQuery } from '../template/types.js';
import { ConfigError } from '../util/errors.js';

export interface CompileOptions {
  /** true when an incremental model's table exists and no full refresh was asked */
  isIncremental?: boolean;
  fullRefresh?: boolean;
  /** --store-failures was given (a test's `store_failures` config still wins) */
  storeFailures?: boolean;
  which?: string;
  runQuery?: RunQuery;
  /** extra adapter methods for Jinja (get_relation, get_columns_in_relation, ...) */
  adapterMethods?: Record<string, unknown>;
  /** false: only return the SQL, leave target/compiled/ alone (mdw lint) */
  write?: boolean;
  /** refs and sources to these relations (key: lower-case `schema.identifier`) render as given (time travel) */
  relationsAsOf?: ReadonlyMap<string, { render(): string }>;
  /** a microbatch window: refs and sources with an event_time config print filtered to it */
  eventTimeWindow?: MicrobatchWindow;
  /** the window as dbt's `model.batch`: { id, event_time_start, event_time_end } */
  batch?: { id: string; event_time_start: string; event_time_end: string };
  /** a unit test: its inputs replace refs/sources/`this` with fixture CTEs (run/unit-test.ts) */
  unitTest?: UnitTestCompile;
}

export interface UnitTestCompile {
  /** unique_id of a given input (or 'this') → the query of its fixture rows */
  fixtures: ReadonlyMap<string, string>;
  /** context values that replace macros (overrides.macros) and env_var (overrides.env_vars) */
  context: Record<string, unknown>;
}

/** The CTE name of a unit test fixture, as dbt names the ephemeral nodes it makes of them. */
export function fixtureCte(id: string): string {
  return id === 'this' ? '__dbt__cte__this' : `__dbt__cte__${id.split('.').slice(2).join('__')}`;
}

/** The key of CompileOptions.relationsAsOf. */
export function relationKey(schema: string, identifier: string): string {
  return `${schema}.${identifier}`.toLowerCase();
}

/** The context function that hands an expression's value back to evaluateNative. */
const NATIVE_CAPTURE = '__mdw_native_capture';
const NO_QUERIES: RunQuery = async () => ({ columnNames: [], rows: [] }) satisfies QueryTable;

export class Compiler {
  private readonly byName = new Map<string, ManifestNode>();
  /** every package with nodes or sources: ref() and source() search them in dbt's order */
  private readonly packages = new Set<string>();

  constructor(private readonly loaded: LoadedProject) {
    for (const node of Object.values(loaded.manifest.nodes)) {
      if (node.resource_type !== 'test') this.byName.set(`${node.package_name}.${node.name}`, node);
      this.packages.add(node.package_name);
    }
    for (const source of Object.values(loaded.manifest.sources)) this.packages.add(source.package_name);
  }

  /** A compiler whose vars are these over the project's (a unit test's overrides.vars). */
  withVars(vars: Record<string, unknown>): Compiler {
    return new Compiler({ ...this.loaded, vars: { ...this.loaded.vars, ...vars } });
  }

  /** A node's execution context (a unit test wraps its env_var). */
  async contextOf(node: ManifestNode): Promise<ContextValues> {
    return this.context(node, {}, []);
  }

  /** The project vars (--vars over dbt_project.yml). */
  get vars(): Record<string, unknown> {
    return this.loaded.vars;
  }

  /** A node of the manifest by unique_id. */
  manifestNode(uniqueId: string): ManifestNode | undefined {
    return this.loaded.manifest.nodes[uniqueId];
  }

  get targetDir(): string {
    return join(this.loaded.project.root, this.loaded.project.target_path);
  }

  /** Compile one node; returns its final SQL (tests: the failing-rows query). */
  async compile(node: ManifestNode, options: CompileOptions = {}): Promise<string> {
    const ephemerals: ManifestNode[] = [];
    const context = this.context(node, options, ephemerals);
    const runQuery = options.runQuery ?? NO_QUERIES;
    let sql: string;
    if (node.test_metadata) {
      sql = await this.compileGenericTest(node, context, runQuery);
    } else {
      sql = (await this.loaded.engine.renderAsync(node.raw_code, node.original_file_path, context, runQuery))
        .sql;
    }
    sql = await this.injectEphemerals(sql, ephemerals, options);
    if (options.unitTest) {
      const fixtures = [...options.unitTest.fixtures].map(
        ([id, query]) => `${fixtureCte(id)} as (\n${query.trim()}\n)`,
      );
      sql = prependCtes(sql, fixtures);
    }
    node.compiled = true;
    node.compiled_code = sql;
    if (options.write !== false) node.compiled_path = this.writeCompiled(node, sql);
    return sql;
  }

  /** Every macro the engine knows, by package (custom materializations are among them). */
  listMacros(): { packageName: string; name: string }[] {
    return this.loaded.engine.listMacros();
  }

  get projectName(): string {
    return this.loaded.project.name;
  }

  /** Render Jinja text (a hook) in a node's execution context, `this` being the node's relation. */
  async renderText(node: ManifestNode, text: string, runQuery: RunQuery): Promise<string> {
    const context = this.context(node, { runQuery }, []);
    return (await this.loaded.engine.renderAsync(text, node.original_file_path, context, runQuery)).sql;
  }

  /**
   * Render `text` in a node's execution context plus `extra`, run_query live (custom
   * materializations); `render(text)` renders more Jinja (a hook) in that same context.
   */
  async renderInNode(
    node: ManifestNode,
    text: string,
    extra: Record<string, unknown>,
    runQuery: RunQuery,
    which?: string,
  ): Promise<{ sql: string; logs: string[] }> {
    const context: ContextValues = { ...this.context(node, { runQuery, which }, []), ...extra };
    context.render = (inner: unknown) =>
      this.loaded.engine.render(String(inner), node.original_file_path, context).sql;
    return this.loaded.engine.renderAsync(text, node.original_file_path, context, runQuery);
  }

  /** Render project-level Jinja (on-run-start/end) with the target, vars and `extra` (e.g. schemas). */
  async renderProjectText(text: string, extra: Record<string, unknown>, runQuery: RunQuery): Promise<string> {
    const node = inlineNode(this.loaded, text);
    const context = { ...this.context(node, { runQuery }, []), ...extra };
    return (await this.loaded.engine.renderAsync(text, 'dbt_project.yml', context, runQuery)).sql;
  }

  /** Render `text` with an empty node's context, run_query live (mdw run-operation); returns the logs too. */
  async renderOperation(
    text: string,
    extra: Record<string, unknown>,
    runQuery: RunQuery,
  ): Promise<{ sql: string; logs: string[] }> {
    const node = inlineNode(this.loaded, text);
    const context = { ...this.context(node, { runQuery, which: 'run-operation' }, []), ...extra };
    return this.loaded.engine.renderAsync(text, '(run-operation)', context, runQuery);
  }

  private context(node: ManifestNode, options: CompileOptions, ephemerals: ManifestNode[]): ContextValues {
    const { manifest, target, vars, invocationId, runStartedAt } = this.loaded;
    const context = buildNodeContext({
      // dbt's model.batch (id, event_time_start, event_time_end) while a microbatch window compiles
      node: options.batch ? ({ ...node, batch: options.batch } as ManifestNode) : node,
      target,
      vars,
      resolveRef: (call) => this.resolveRef(node, call, ephemerals, options),
      resolveSource: (sourceName, table) => {
        const source = findAcrossPackages(
          this.loaded.project.name,
          node.package_name,
          undefined,
          this.packages,
          (pkg) => manifest.sources[`source.${pkg}.${sourceName}.${table}`],
        );
        if (!source)
          throw new ConfigError(`${node.original_file_path}: source '${sourceName}.${table}' was not found.`);
        if (options.unitTest)
          return fixtureRelation(options.unitTest, source.unique_id, `source('${sourceName}', '${table}')`);
        const past = options.relationsAsOf?.get(relationKey(source.schema, source.identifier));
        if (past) {
          return new EngineRenderedRelation(
            source.database,
            source.schema,
            source.identifier,
            'table',
            past.render(),
          );
        }
        return this.upstreamRelation(
          { database: source.database, schema: source.schema, identifier: source.identifier, type: 'table' },
          source.config.event_time,
          options,
        );
      },
      docs: (name) => manifest.docs[`doc.${this.loaded.project.name}.${name}`]?.block_contents ?? '',
      renderText: (text, ctx) => this.loaded.engine.render(text, node.original_file_path, ctx).sql,
      isIncremental: options.isIncremental,
      flags: {
        FULL_REFRESH: options.fullRefresh === true,
        STORE_FAILURES: options.storeFailures === true,
        WHICH: options.which ?? 'run',
      },
      invocationId,
      runStartedAt,
      graph: { nodes: manifest.nodes, sources: manifest.sources, exposures: {}, metrics: {} },
      adapter: options.adapterMethods,
    });
    if (!options.unitTest) return context;
    const self = options.unitTest.fixtures.has('this')
      ? new JinjaRelation('', '', fixtureCte('this'), null, true)
      : context.this;
    return { ...context, ...options.unitTest.context, this: self };
  }

  private resolveRef(
    from: ManifestNode,
    call: RefCall,
    ephemerals: ManifestNode[],
    options: CompileOptions,
  ): JinjaRelation {
    const node = findAcrossPackages(
      this.loaded.project.name,
      from.package_name,
      call.package,
      this.packages,
      (pkg) => this.byName.get(`${pkg}.${call.name}`),
    );
    if (!node) throw new ConfigError(`${from.original_file_path}: ref('${call.name}') was not found.`);
    if (options.unitTest) return fixtureRelation(options.unitTest, node.unique_id, `ref('${call.name}')`);
    if (node.config.materialized === 'ephemeral') {
      if (!ephemerals.includes(node)) ephemerals.push(node);
      return new JinjaRelation('', '', `__dbt__cte__${node.name}`, null, true);
    }
    const past = options.relationsAsOf?.get(relationKey(node.schema, node.alias));
    if (past)
      return new EngineRenderedRelation(node.database, node.schema, node.alias, 'table', past.render());
    return this.upstreamRelation(
      {
        database: node.database,
        schema: node.schema,
        identifier: node.alias,
        type: node.config.materialized === 'view' ? 'view' : 'table',
      },
      node.config.event_time,
      options,
    );
  }

  /** A ref's or source's relation; filtered to the microbatch window when it has an event_time (dbt). */
  private upstreamRelation(
    parts: { database: string; schema: string; identifier: string; type: string },
    eventTime: unknown,
    options: CompileOptions,
  ): JinjaRelation {
    const { database, schema, identifier, type } = parts;
    const window = options.eventTimeWindow;
    if (!window || typeof eventTime !== 'string' || eventTime.trim() === '')
      return relationsFor(this.loaded.target.type)(database, schema, identifier, type);
    const quote = identifierQuote(this.loaded.target.type);
    // no alias, so `from {{ ref('x') }} as x` still parses (DuckDB and Trino need none)
    const filter = (name: string) =>
      `(select * from ${name} where ${windowCondition(quote(eventTime.trim()), window)})`;
    return new EventTimeFilteredRelation(database, schema, identifier, type, quote, filter);
  }

  private async compileGenericTest(
    node: ManifestNode,
    context: ContextValues,
    runQuery: RunQuery,
  ): Promise<string> {
    const metadata = node.test_metadata!;
    const engine = this.loaded.engine;
    const kwargs: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(metadata.kwargs)) {
      kwargs[key] = await this.renderArgument(value, node, context, runQuery);
    }
    const macro = metadata.namespace
      ? `${metadata.namespace}.test_${metadata.name}`
      : `test_${metadata.name}`;
    const result = await engine.callMacroAsync(macro, [], kwargs, context, runQuery);
    return String(result);
  }

  /** Test arguments may be Jinja (`"{{ ... }}"`) or ref()/source() expressions (dbt renders both). */
  private async renderArgument(
    value: unknown,
    node: ManifestNode,
    context: ContextValues,
    runQuery: RunQuery,
  ): Promise<unknown> {
    // Jinja inside a list or dict argument is rendered too (`column_type_list: [date, "{{ ... }}"]`)
    if (Array.isArray(value)) {
      const items: unknown[] = [];
      for (const item of value) items.push(await this.renderArgument(item, node, context, runQuery));
      return items;
    }
    if (isPlainObject(value)) {
      const entries: [string, unknown][] = [];
      for (const [key, item] of Object.entries(value))
        entries.push([key, await this.renderArgument(item, node, context, runQuery)]);
      return Object.fromEntries(entries);
    }
    if (typeof value !== 'string') return value;
    const engine = this.loaded.engine;
    // ref()/source() and a lone "{{ expr }}" holding a relation pass the Relation itself, as
    // dbt's native rendering does (package tests check their arguments are Relations)
    const call = /^\s*(?:ref|source)\s*\(.*\)\s*$/s.test(value) ? value : null;
    const lone = /^\s*\{\{(.*)\}\}\s*$/s.exec(value);
    const expression = call ?? (lone && !lone[1]!.includes('}}') ? lone[1]! : null);
    if (expression !== null) {
      const native = await this.evaluateNative(expression, node, context, runQuery);
      if (native instanceof JinjaRelation) return native;
      if (call !== null) return String(native);
    }
    // A lone "{{ expr }}" keeps its native value (a list from var(), a number), as dbt's native rendering does.
    if (lone && !lone[1]!.includes('}}')) {
      // a date or other Python object stays itself (`{{ modules.datetime.date.today() }}`):
      // JSON would turn it into its fields
      let native: unknown;
      const capture = Object.assign(Object.create(context) as ContextValues, {
        __mdw_native: (v: unknown) => {
          native = v;
          return '';
        },
      });
      await engine.renderAsync(
        `{% do __mdw_native(${lone[1]}) %}`,
        node.original_file_path,
        capture,
        runQuery,
      );
      if (native instanceof PyDate || native instanceof PyDatetime || native instanceof PyTimedelta)
        return native;
      const json = (
        await engine.renderAsync(`{{ (${lone[1]}) | tojson }}`, node.original_file_path, context, runQuery)
      ).sql;
      try {
        return JSON.parse(json);
      } catch {
        // not JSON-representable: fall back to the rendered text below
      }
    }
    if (value.includes('{{') || value.includes('{%')) {
      return (await engine.renderAsync(value, node.original_file_path, context, runQuery)).sql;
    }
    return value;
  }

  /** The value of one Jinja expression (not its text), evaluated in the node's context. */
  private async evaluateNative(
    expression: string,
    node: ManifestNode,
    context: ContextValues,
    runQuery: RunQuery,
  ): Promise<unknown> {
    let value: unknown;
    const capture = (v: unknown) => {
      value = v;
    };
    await this.loaded.engine.renderAsync(
      `{% do ${NATIVE_CAPTURE}(${expression}) %}`,
      node.original_file_path,
      { ...context, [NATIVE_CAPTURE]: capture },
      runQuery,
    );
    return value;
  }

  /** Ephemeral models become CTEs in front of the query (recursively, dependencies first). */
  private async injectEphemerals(
    sql: string,
    ephemerals: ManifestNode[],
    options: CompileOptions,
  ): Promise<string> {
    if (ephemerals.length === 0) return sql;
    const ctes: string[] = [];
    const seen = new Set<string>();
    const visit = async (node: ManifestNode): Promise<void> => {
      if (seen.has(node.unique_id)) return;
      seen.add(node.unique_id);
      const nested: ManifestNode[] = [];
      const context = this.context(node, options, nested);
      const body = (
        await this.loaded.engine.renderAsync(
          node.raw_code,
          node.original_file_path,
          context,
          options.runQuery ?? NO_QUERIES,
        )
      ).sql;
      for (const inner of nested) await visit(inner);
      ctes.push(`__dbt__cte__${node.name} as (\n${body.trim()}\n)`);
    };
    for (const node of ephemerals) await visit(node);
    return prependCtes(sql, ctes);
  }

  private writeCompiled(node: ManifestNode, sql: string): string {
    const relative = node.test_metadata
      ? join(dirname(node.original_file_path), `${node.alias}.sql`)
      : node.original_file_path;
    const path = join(this.targetDir, 'compiled', node.package_name, relative);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, sql.endsWith('\n') ? sql : `${sql}\n`);
    return path;
  }
}

/** A node for `mdw show --inline` / `mdw compile --inline`: SQL that is not a file of the project. */
export function inlineNode(loaded: LoadedProject, sql: string): ManifestNode {
  const node = blankNode({
    resource_type: 'analysis',
    name: 'inline_query',
    package_name: loaded.project.name,
    path: 'inline.sql',
    original_file_path: '(inline)',
    fqn: [loaded.project.name, 'inline_query'],
    raw_code: sql,
    config: { enabled: true, materialized: 'view', tags: [], meta: {} },
    database: loaded.target.database,
    schema: loaded.target.schema,
  });
  return { ...node, unique_id: `sql_operation.${loaded.project.name}.inline_query` };
}

/** `ctes` in front of the query, merged into its own leading WITH when it has one. */
function prependCtes(sql: string, ctes: string[]): string {
  if (ctes.length === 0) return sql;
  const leadingWith = /^(\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*)with\s+(recursive\s+)?/i.exec(sql);
  if (leadingWith) {
    return `${leadingWith[1]}with ${leadingWith[2] ?? ''}${ctes.join(',\n')},\n${sql.slice(leadingWith[0].length)}`;
  }
  return `with ${ctes.join(',\n')}\n${sql}`;
}

/** A unit test reads its given rows: every ref/source of the model must be one of its inputs. */
function fixtureRelation(unitTest: UnitTestCompile, id: string, call: string): JinjaRelation {
  if (!unitTest.fixtures.has(id))
    throw new ConfigError(
      `the model reads ${call}, which is not one of the unit test's 'given' inputs; dbt needs every ref and source the model reads given.`,
    );
  return new JinjaRelation('', '', fixtureCte(id), null, true);
}
