/**
 * The engine-provided, render-state-aware parts of dbt's context: return(), log(), print(),
 * exceptions, run_query(), statement()/load_result(), adapter.dispatch(), the `dbt` and package
 * namespaces (`dbt.date_trunc(...)`, `my_package.my_macro()`) and `builtins`.
 */

import { Column } from './adapter-api.js';
import { adapterDdlMethods } from './adapter-ddl.js';
import { AgateTable, emptyTable } from './agate.js';
import { bindArgs, makeKeywordArgs } from './args.js';
import { memberLookup } from './lookup.js';
import type { MacroRegistry } from './macros.js';
import { PY_GETATTR, type PyObject, pyStr, truthy, unwrapSafe } from './pyvalues.js';
import { contextValue, type RenderState } from './render-state.js';
import type { MacroFunction } from './runtime.js';
import { ReturnSignal } from './signals.js';

export interface DbtFunctionsHost {
  readonly registry: MacroRegistry;
  readonly rootPackage: string;
  readonly adapterType: string;
  /** the project's `dispatch:` search order for a macro namespace, if it sets one */
  dispatchOrder(namespace: string): string[] | undefined;
  state(): RenderState;
}

/** `dbt.x`, `<package>.x`: that package's macros. */
export class PackageNamespace implements PyObject {
  constructor(
    private readonly registry: MacroRegistry,
    readonly packageName: string,
    /** a unit test's `overrides: macros: {'pkg.name': value}`, by macro name */
    private readonly overrides: Readonly<Record<string, unknown>> = {},
  ) {}
  [PY_GETATTR](key: string | number): unknown {
    if (Object.hasOwn(this.overrides, key)) return this.overrides[key as string];
    return this.registry.get(this.packageName, String(key))?.fn;
  }
  /** This namespace with some macros replaced (unit test overrides of `pkg.macro`). */
  withOverrides(overrides: Readonly<Record<string, unknown>>): PackageNamespace {
    return new PackageNamespace(this.registry, this.packageName, overrides);
  }
  toString(): string {
    return `<package ${this.packageName}>`;
  }
}

/** The template's `adapter`: the caller's adapter object plus the engine's own methods. */
class AdapterFacade implements PyObject {
  constructor(
    private readonly inner: unknown,
    private readonly own: Record<string, unknown>,
  ) {}
  [PY_GETATTR](key: string | number): unknown {
    return Object.hasOwn(this.own, key) ? this.own[key as string] : memberLookup(this.inner, key);
  }
  toString(): string {
    return '<adapter>';
  }
}

export class DbtFunctions {
  private readonly reserved: Map<string, unknown>;

  constructor(private readonly host: DbtFunctionsHost) {
    this.reserved = new Map<string, unknown>([
      [
        'return',
        (value: unknown) => {
          throw new ReturnSignal(value);
        },
      ],
      ['log', (...args: unknown[]) => this.log(bindArgs(args, ['msg']).msg)],
      ['print', (...args: unknown[]) => this.log(bindArgs(args, ['msg']).msg)],
      ['exceptions', this.exceptions()],
      ['run_query', (sql: unknown) => this.runQuery(sql)],
      ['statement', (...args: unknown[]) => this.statement(args)],
      [
        'load_result',
        (name: unknown) => {
          return this.host.state().statements.get(pyStr(name)) ?? null;
        },
      ],
      [
        'store_result',
        (...args: unknown[]) => {
          const { name, response, agate_table } = bindArgs(args, ['name', 'response', 'agate_table']);
          const table = agate_table instanceof AgateTable ? agate_table : emptyTable();
          this.host.state().statements.set(pyStr(name), {
            response: response as never,
            table,
            data: table.rows.map((row) => [...row]),
          });
          return '';
        },
      ],
      ['builtins', new BuiltinsNamespace(() => this.host.state())],
      [
        'load_relation',
        (relation: unknown) =>
          this.relationOf(
            memberLookup(relation, 'database'),
            memberLookup(relation, 'schema'),
            memberLookup(relation, 'identifier'),
          ),
      ],
    ]);
  }

  /** A state-aware global by name (checked before the caller's context values), or undefined. */
  lookup(name: string): unknown {
    const state = this.host.state();
    if (name === 'execute') return state.execute;
    if (name === 'adapter') {
      state.adapter ??= new AdapterFacade(state.ctx.adapter, {
        dispatch: (...args: unknown[]) => this.dispatch(args),
        get_columns_in_relation: (relation: unknown) => this.columnsIn(relation),
        get_relation: (...args: unknown[]) => {
          const { database, schema, identifier } = bindArgs(args, ['database', 'schema', 'identifier']);
          return this.relationOf(database, schema, identifier);
        },
        ...adapterDdlMethods(
          (sql) => this.executeSql(sql),
          (name) => {
            const quote = memberLookup(state.ctx.adapter, 'quote');
            return typeof quote === 'function' ? pyStr(quote(name)) : `"${name.replace(/"/g, '""')}"`;
          },
        ),
      });
      return state.adapter;
    }
    return this.reserved.get(name);
  }

  /** Run one statement when executing (the DDL of adapter.drop_relation, ...). */
  private executeSql(sql: string): void {
    const state = this.host.state();
    if (state.execute && state.queries) state.queries.next(sql);
  }

  /** Run one of mdw's built-in SQL macros (engine-dispatched) and return its rows; [] when not executing. */
  private builtinQuery(macro: string, args: unknown[], emptyWhenMissing = false): unknown[][] | null {
    const state = this.host.state();
    if (!state.execute || !state.queries) return null;
    const entry = this.host.registry.get('dbt', macro);
    if (!entry) throw new Error(`mdw's built-in macro '${macro}' is missing`);
    const sql = pyStr(unwrapSafe(entry.fn(...args))).trim();
    return state.queries.next(sql, emptyWhenMissing).rows.map((row) => [...row]);
  }

  /**
   * adapter.get_columns_in_relation(relation): dbt Columns in table order ([] at parse time, and
   * [] for a relation that does not exist, as dbt-duckdb answers callers that probe with it).
   */
  private columnsIn(relation: unknown): Column[] {
    const rows = this.builtinQuery('mdw_columns_in_relation_sql', [relation], true);
    return (rows ?? []).map(([name, type]) => new Column(pyStr(name), pyStr(type)));
  }

  /** adapter.get_relation(database, schema, identifier): the relation with its type, or none. */
  private relationOf(database: unknown, schema: unknown, identifier: unknown): unknown {
    const rows = this.builtinQuery('mdw_relation_type_sql', [database, schema, identifier]);
    const row = rows?.[0];
    if (!row) return null;
    const create = memberLookup(
      memberLookup(contextValue(this.host.state().ctx, 'api'), 'Relation'),
      'create',
    );
    if (typeof create !== 'function') return null;
    return create(
      makeKeywordArgs({
        database: database ?? null,
        schema: pyStr(row[0]),
        identifier: pyStr(row[1]),
        type: pyStr(row[2]),
      }),
    );
  }

  private log(message: unknown): string {
    this.host.state().logs.push(pyStr(message));
    return '';
  }

  private exceptions(): Record<string, unknown> {
    const fail = (prefix: string) => (message: unknown) => {
      throw new Error(prefix + pyStr(message));
    };
    return {
      raise_compiler_error: fail(''),
      raise_not_implemented: fail('not implemented: '),
      raise_database_error: fail('database error: '),
      raise_fail_fast_error: fail(''),
      raise_dependency_error: fail(''),
      warn: (message: unknown) => {
        this.host.state().logs.push(`Warning: ${pyStr(message)}`);
        return '';
      },
    };
  }

  private runQuery(sql: unknown): AgateTable | null {
    const state = this.host.state();
    if (!state.execute || !state.queries) return null;
    const result = state.queries.next(pyStr(sql).trim());
    // dbt: none when the statement returns no result set (DDL, DML)
    return result.columnNames.length === 0 ? null : new AgateTable(result);
  }

  /** `{% call statement('name', fetch_result=True) %}sql{% endcall %}` then load_result('name'). */
  private statement(args: unknown[]): string {
    const { name, fetch_result, caller } = bindArgs(args, [
      'name',
      'fetch_result',
      'auto_begin',
      'language',
      'caller',
    ]);
    const state = this.host.state();
    if (!state.execute || !state.queries) return '';
    const sql = typeof caller === 'function' ? pyStr(caller()).trim() : '';
    const table = new AgateTable(state.queries.next(sql));
    if (name !== undefined && name !== null) {
      const shown = truthy(fetch_result) ? table : emptyTable();
      state.statements.set(pyStr(name), {
        response: { code: 'OK', rows_affected: table.rows.length, _message: 'OK' },
        data: shown.rows.map((row) => [...row]),
        table: shown,
      });
    }
    return '';
  }

  /**
   * adapter.dispatch(name, macro_namespace): for each package in the search order (the
   * project's `dispatch:` config for that namespace, else the root project then the namespace
   * package; dbt's built-ins when no namespace is given), `<adapter>__name` then `default__name`.
   */
  dispatch(args: unknown[]): MacroFunction {
    const { macro_name, macro_namespace } = bindArgs(args, ['macro_name', 'macro_namespace']);
    const name = pyStr(macro_name);
    if (name.includes('.'))
      throw new Error(
        `adapter.dispatch got '${name}': pass the package as macro_namespace instead of a dotted name`,
      );
    const namespace =
      macro_namespace === undefined || macro_namespace === null ? 'dbt' : pyStr(macro_namespace);
    const packages = this.host.dispatchOrder(namespace) ?? [...new Set([this.host.rootPackage, namespace])];
    const prefixes = [...new Set([this.host.adapterType, 'default'])];
    const searched: string[] = [];
    for (const pkg of packages) {
      for (const prefix of prefixes) {
        const candidate = `${prefix}__${name}`;
        const entry = this.host.registry.get(pkg, candidate);
        if (entry) return entry.fn;
        searched.push(`${pkg}.${candidate}`);
      }
    }
    throw new Error(
      `adapter.dispatch found no implementation of '${name}' (looked for ${searched.join(', ')})`,
    );
  }
}

/** `builtins.ref(...)`: the caller's context functions even when a macro shadows the name. */
class BuiltinsNamespace implements PyObject {
  constructor(private readonly state: () => RenderState) {}
  [PY_GETATTR](key: string | number): unknown {
    return contextValue(this.state().ctx, String(key));
  }
}
