import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTemplateEngine } from '../../src/template/engine.js';
import type { MacroSourceFile, QueryTable, TemplateEngine } from '../../src/template/types.js';
import { TemplateError } from '../../src/util/errors.js';

function macroFile(path: string, contents: string, packageName = 'proj'): MacroSourceFile {
  return { path, contents, packageName };
}

function engine(files: MacroSourceFile[] = [], adapterType = 'duckdb'): TemplateEngine {
  return createTemplateEngine({ macroFiles: files, adapterType, rootPackage: 'proj' });
}

function render(e: TemplateEngine, source: string, ctx: Record<string, unknown> = {}): string {
  return e.render(source, 'models/m.sql', ctx).sql;
}

function renderError(e: TemplateEngine, source: string, ctx: Record<string, unknown> = {}): TemplateError {
  try {
    e.render(source, 'models/m.sql', ctx);
  } catch (error) {
    assert.ok(error instanceof TemplateError, `expected TemplateError, got ${error}`);
    return error;
  }
  assert.fail('expected the render to fail');
}

const GREET = macroFile(
  'macros/greet.sql',
  `{% macro greet(name, punct='!', upper=false) -%}
Hello {{ name | upper if upper else name }}{{ punct }}
{%- endmacro %}`,
);

describe('template engine: rendering basics', () => {
  it('renders text, expressions and drops one trailing newline as Jinja does', () => {
    assert.equal(render(engine(), 'select {{ 1 + 2 }} as x\n'), 'select 3 as x');
  });

  it('prints values the way Python does', () => {
    const e = engine();
    assert.equal(
      render(e, '{{ none }}|{{ true }}|{{ [1, "a"] }}|{{ {"k": none} }}|{{ undefined_name }}'),
      "None|True|[1, 'a']|{'k': None}|",
    );
    assert.equal(render(e, "{{ 'x' ~ none ~ 1 }}"), 'xNone1');
  });

  it('uses Python truthiness and operand-returning and/or', () => {
    const e = engine();
    assert.equal(render(e, '{% if [] %}yes{% else %}no{% endif %}'), 'no');
    assert.equal(render(e, '{% if {} or "" %}yes{% else %}no{% endif %}'), 'no');
    assert.equal(render(e, "{{ [] or 'fallback' }} {{ 'a' and 'b' }} {{ not [] }}"), 'fallback b True');
  });

  it('supports Python operators: list +, string * and %, ==, in', () => {
    const e = engine();
    assert.equal(
      render(e, "{{ [1] + [2] }} {{ '-' * 3 }} {{ '%s=%d' % ('a', 5) }} {{ -7 % 3 }}"),
      '[1, 2] --- a=5 2',
    );
    assert.equal(
      render(e, "{{ [1, 2] == [1, 2] }} {{ 1 == '1' }} {{ 'b' in ['a', 'b'] }} {{ 'x' not in 'abc' }}"),
      'True False True True',
    );
  });

  it('treats (a, b) as a tuple and unpacks it in set', () => {
    assert.equal(render(engine(), '{% set a, b = (1, 2) %}{{ b }}{{ a }} {{ (1, 2) }}'), '21 [1, 2]');
  });

  it('lexes like Jinja: nested dict braces inside tags, no regex literals, string escapes', () => {
    const e = engine();
    assert.equal(
      render(e, "{% set d = {'a': {'b': 1}} %}{{ d.a.b }} {{ {'x': {'y': 2}} }}"),
      "1 {'x': {'y': 2}}",
    );
    assert.equal(render(e, '{{ r/2 }}', { r: 10 }), '5');
    assert.equal(render(e, "{{ 'a\\nb' }}|{{ \"it\\'s\" }}"), "a\nb|it's");
  });

  it('supports tests with parenthesised and bare arguments', () => {
    const source =
      '{{ 3 is divisibleby(3) }} {{ 4 is divisibleby 3 }} {{ 1 is not in [2] }} {{ x is sameas false }} {{ none is none and true }}';
    assert.equal(render(engine(), source, { x: false }), 'True False True True True');
  });

  it('slices lists and strings like Python', () => {
    assert.equal(
      render(engine(), "{{ [1, 2, 3, 4][1:3] }} {{ 'abcdef'[:2] }} {{ 'abc'[::-1] }} {{ [1, 2, 3][-1] }}"),
      '[2, 3] ab cba 3',
    );
  });

  it('handles loops with whitespace control, loop variables, else and if-filters', () => {
    const e = engine();
    const source = `select
{%- for c in ['a', 'b', 'c'] %}
  {{ c }}{{ ',' if not loop.last }}
{%- endfor %}
from t`;
    assert.equal(render(e, source), 'select\n  a,\n  b,\n  c\nfrom t');
    assert.equal(render(e, '{% for x in [] %}x{% else %}empty{% endfor %}'), 'empty');
    assert.equal(
      render(e, '{% for x in [1, 2, 3, 4] if x is even %}{{ loop.index }}:{{ x }} {% endfor %}'),
      '1:2 2:4 ',
    );
    assert.equal(render(e, '{% for k in {"a": 1, "b": 2} %}{{ k }}{% endfor %}'), 'ab');
  });

  it('supports {% do %} and namespace attribute assignment across loop scopes', () => {
    const source = `{% set items = [] %}{% do items.append(1) %}{% do items.extend([2, 3]) %}
{%- set ns = namespace(total=0, seen=[]) -%}
{%- for i in items %}{% set ns.total = ns.total + i %}{% do ns.seen.append(i * 10) %}{% endfor -%}
{{ ns.total }} {{ ns.seen }}`;
    assert.equal(render(engine(), source), '6 [10, 20, 30]');
  });

  it('supports {% set %} blocks, filters blocks, inline if and macros defined in the template', () => {
    const source = `{% set sql %}select {{ 1 }}{% endset %}{% macro twice(x) %}{{ x }}{{ x }}{% endmacro %}{{ sql | upper }} {{ twice('a') }} {% filter upper %}b{% endfilter %}`;
    assert.equal(render(engine(), source), 'SELECT 1 aa B');
  });
});

describe('template engine: macros', () => {
  it('binds keyword arguments and defaults when called from Jinja', () => {
    const e = engine([GREET]);
    assert.equal(
      render(e, "{{ greet('ann') }}|{{ greet(punct='?', name='bob') }}|{{ greet('cy', '.', true) }}"),
      'Hello ann!|Hello bob?|Hello CY.',
    );
  });

  it('binds keyword arguments and defaults through callMacro', () => {
    const e = engine([GREET]);
    assert.equal(e.callMacro('greet', ['ann'], {}, {}), 'Hello ann!');
    assert.equal(e.callMacro('greet', [], { name: 'bob', upper: true }, {}), 'Hello BOB!');
  });

  it('exposes extra arguments as kwargs and varargs', () => {
    const e = engine([
      macroFile('macros/k.sql', '{% macro k(a) %}{{ a }} {{ kwargs.b }} {{ varargs }}{% endmacro %}'),
    ]);
    assert.equal(render(e, '{{ k(1, 2, 3, b=4) }}'), '1 4 [2, 3]');
  });

  it('calls macros across files and packages, and lets macros see the render context at call time', () => {
    const e = engine([
      macroFile('macros/a.sql', "{% macro outer() %}[{{ inner() }}|{{ helpers.shout('x') }}]{% endmacro %}"),
      macroFile('macros/b.sql', '{% macro inner() %}{{ target.schema }}{% endmacro %}'),
      macroFile(
        'dbt_packages/helpers/macros/h.sql',
        '{% macro shout(s) %}{{ s | upper }}{{ suffix() }}{% endmacro %}{% macro suffix() %}!{% endmacro %}',
        'helpers',
      ),
    ]);
    assert.equal(render(e, '{{ outer() }}', { target: { schema: 'dev' } }), '[dev|X!]');
    assert.equal(render(e, '{{ outer() }}', { target: { schema: 'prod' } }), '[prod|X!]');
  });

  it('lets a root-project macro shadow a built-in of the same name (dbt.x still reaches the built-in)', () => {
    const e = engine([
      macroFile(
        'macros/s.sql',
        '{% macro generate_schema_name(custom, node) %}custom_{{ custom }}{% endmacro %}',
      ),
    ]);
    const ctx = { target: { schema: 'main', database: 'db' } };
    assert.equal(render(e, "{{ generate_schema_name('x', none) }}", ctx), 'custom_x');
    assert.equal(e.callMacro('generate_schema_name', ['x', null], {}, ctx), 'custom_x');
    assert.equal(render(e, "{{ dbt.generate_schema_name('x', none) }}", ctx), 'main_x');
  });

  it('returns JS values from return(): lists, dicts, numbers, booleans, none', () => {
    const e = engine([
      macroFile(
        'macros/r.sql',
        `{% macro cols() %}ignored text{{ return(['a', 'b']) }}{% endmacro %}
{% macro conf() %}{% do return({'n': 3, 'ok': true}) %}{% endmacro %}
{% macro first_even(xs) %}{% for x in xs %}{% if x is even %}{{ return(x) }}{% endif %}{% endfor %}{{ return(none) }}{% endmacro %}
{% macro caller_continues() %}{% set c = cols() %}{% set d = conf() %}{{ c | join(',') }}:{{ d.n + 1 }}{% endmacro %}`,
      ),
    ]);
    assert.deepEqual(e.callMacro('cols', [], {}, {}), ['a', 'b']);
    assert.deepEqual(e.callMacro('conf', [], {}, {}), { n: 3, ok: true });
    assert.equal(e.callMacro('first_even', [[1, 3, 4, 6]], {}, {}), 4);
    assert.equal(e.callMacro('first_even', [[1]], {}, {}), null);
    assert.equal(render(e, '{{ caller_continues() }} {{ cols()[1] }}'), 'a,b:4 b');
  });

  it('supports {% call %} blocks with caller()', () => {
    const e = engine([
      macroFile('macros/w.sql', '{% macro wrap(tag) %}<{{ tag }}>{{ caller() }}</{{ tag }}>{% endmacro %}'),
    ]);
    assert.equal(render(e, "{% set v = 'x' %}{% call wrap('b') %}in {{ v }}{% endcall %}"), '<b>in x</b>');
  });

  it('turns {% test %} blocks into test_<name> macros and materializations into materialization_<name>_<adapter>', () => {
    const e = engine([
      macroFile(
        'macros/t.sql',
        `{% test positive(model, column_name) %}select * from {{ model }} where {{ column_name }} <= 0{% endtest %}
{% materialization custom, adapter='duckdb' %}{{ return({'relations': []}) }}{% endmaterialization %}`,
      ),
    ]);
    assert.equal(
      e.callMacro('test_positive', [], { model: 't', column_name: 'x' }, {}),
      'select * from t where x <= 0',
    );
    assert.equal(e.hasMacro('test_positive'), true);
    assert.equal(e.hasMacro('custom'), false);
    assert.equal(e.hasMacro('materialization_custom_duckdb'), true);
  });

  it('lists every macro with package, path, line and source', () => {
    const e = engine([GREET]);
    const greet = e.listMacros().find((m) => m.name === 'greet');
    assert.deepEqual(
      { ...greet, source: greet?.source.slice(0, 22) },
      {
        packageName: 'proj',
        name: 'greet',
        path: 'macros/greet.sql',
        line: 1,
        source: '{% macro greet(name, p',
      },
    );
    assert.ok(e.listMacros().some((m) => m.packageName === 'dbt' && m.name === 'test_unique'));
    assert.ok(e.hasMacro('proj.greet') && e.hasMacro('dbt.date_trunc') && !e.hasMacro('nope'));
  });

  it('exposes the caller context through builtins even when a macro shadows the name', () => {
    const e = engine([
      macroFile('macros/ref.sql', '{% macro ref(name) %}wrapped({{ builtins.ref(name) }}){% endmacro %}'),
    ]);
    assert.equal(render(e, "{{ ref('x') }}", { ref: (n: string) => `"db"."${n}"` }), 'wrapped("db"."x")');
  });
});

describe('template engine: adapter.dispatch', () => {
  const files = [
    macroFile(
      'macros/d.sql',
      `{% macro thing() %}{{ return(adapter.dispatch('thing')()) }}{% endmacro %}
{% macro duckdb__thing() %}duckdb{% endmacro %}
{% macro default__thing() %}default{% endmacro %}
{% macro pkg_thing() %}{{ return(adapter.dispatch('other', 'pkg')()) }}{% endmacro %}
{% macro default__other() %}root default{% endmacro %}`,
    ),
    macroFile(
      'pkg/macros/o.sql',
      '{% macro duckdb__other() %}pkg duckdb{% endmacro %}{% macro default__y() %}pkg y{% endmacro %}',
      'pkg',
    ),
  ];

  it('picks <adapter>__name before default__name', () => {
    assert.equal(render(engine(files, 'duckdb'), '{{ thing() }}'), 'duckdb');
    assert.equal(render(engine(files, 'trino'), '{{ thing() }}'), 'default');
  });

  it('searches the root project before the namespace package', () => {
    assert.equal(render(engine(files), '{{ pkg_thing() }}'), 'root default');
    assert.equal(render(engine(files), "{{ adapter.dispatch('y', 'pkg')() }}"), 'pkg y');
  });

  it('reaches built-in implementations and lets the project override one dialect', () => {
    const override = macroFile(
      'macros/dt.sql',
      '{% macro duckdb__date_trunc(datepart, date) %}my_trunc({{ date }}){% endmacro %}',
    );
    assert.equal(render(engine(), "{{ date_trunc('day', 'x') }}"), "date_trunc('day', x)");
    assert.equal(
      render(engine([override]), "{{ date_trunc('day', 'x') }} {{ dbt.date_trunc('day', 'y') }}"),
      'my_trunc(x) my_trunc(y)',
    );
  });

  it('keeps the caller adapter methods working next to dispatch', () => {
    const adapter = { quote: (s: string) => `"${s}"` };
    assert.equal(
      render(engine(files), "{{ adapter.quote('c') }} {{ adapter.dispatch('thing')() }}", { adapter }),
      '"c" duckdb',
    );
  });

  it('names what it looked for when nothing matches', () => {
    const error = renderError(engine(files), "{{ adapter.dispatch('missing')() }}");
    assert.match(
      error.message,
      /^models\/m\.sql:1: adapter\.dispatch found no implementation of 'missing' \(looked for proj\.duckdb__missing, proj\.default__missing, dbt\.duckdb__missing, dbt\.default__missing\)$/,
    );
  });
});

describe('template engine: context, logs and run_query', () => {
  const table = (values: unknown[][]): QueryTable => ({ columnNames: ['id', 'name'], rows: values });

  it('sets execute false in render() where run_query returns none', () => {
    const e = engine();
    assert.equal(render(e, "{{ execute }} {{ run_query('select 1') is none }}"), 'False True');
  });

  it('re-renders renderAsync until all queries are answered, querying each distinct one once', async () => {
    const e = engine([
      macroFile(
        'macros/q.sql',
        "{% macro names() %}{% set t = run_query('select name from people') %}{{ return(t.columns['name'].values() if execute else []) }}{% endmacro %}",
      ),
    ]);
    const calls: string[] = [];
    const runQuery = async (sql: string) => {
      calls.push(sql);
      return sql.includes('people')
        ? table([
            [1, 'ann'],
            [2, 'bob'],
          ])
        : table([[7, 'x']]);
    };
    const source = `{% set a = run_query('select 1') %}{% do log('rendering') %}
{%- set n = names() -%}
{{ execute }} {{ a.rows[0][0] }} {{ a.rows[0]['name'] }} {{ a.column_names }} {{ a.rows | length }} {{ n }} {{ a.columns[0].values() }}
{%- for row in a %} row={{ row.id }}{% endfor %}`;
    const out = await e.renderAsync(source, 'models/m.sql', {}, runQuery);
    assert.equal(out.sql, "True 7 x ['id', 'name'] 1 ['ann', 'bob'] [7] row=7");
    assert.deepEqual(calls, ['select 1', 'select name from people']);
    assert.deepEqual(out.logs, ['rendering']);
  });

  it('gives date and timestamp cells as Python date and datetime, as agate does (dbt_expectations)', async () => {
    const dates: QueryTable = {
      columnNames: ['d', 't'],
      columnTypes: ['DATE', 'TIMESTAMP'],
      rows: [[new Date('2024-01-02T00:00:00Z'), new Date('2024-01-02T03:04:05Z')]],
    };
    const out = await engine().renderAsync(
      "{% set r = run_query('select d, t') %}{% set d = r.columns[0].values()[0] %}{{ d }} {{ d.strftime('%Y-%m-%d') }} {{ d is string }} {{ r.rows[0]['t'] }} {{ (d + modules.datetime.timedelta(1)).day }}",
      'models/m.sql',
      {},
      async () => dates,
    );
    assert.equal(out.sql, '2024-01-02 2024-01-02 False 2024-01-02 03:04:05 3');
  });

  it('returns none from run_query for statements without a result set', async () => {
    const out = await engine().renderAsync(
      "{{ run_query('create table x (a int)') is none }}",
      'models/m.sql',
      {},
      async () => ({ columnNames: [], rows: [] }),
    );
    assert.equal(out.sql, 'True');
  });

  it('makes statement()/load_result() work in renderAsync and inert in render()', async () => {
    const e = engine();
    const source = `{% call statement('s', fetch_result=True) %} select 42 {% endcall %}{% set r = load_result('s') %}{{ r['data'] if r else 'none' }}`;
    assert.equal(render(e, source), 'none');
    const out = await e.renderAsync(source, 'models/m.sql', {}, async (sql) => ({
      columnNames: ['x'],
      rows: [[sql]],
    }));
    assert.equal(out.sql, "[['select 42']]");
  });

  it('gives callMacroAsync live queries', async () => {
    const e = engine([
      macroFile(
        'macros/q.sql',
        "{% macro count_rows(rel) %}{{ return(run_query('select count(*) from ' ~ rel).rows[0][0]) }}{% endmacro %}",
      ),
    ]);
    const value = await e.callMacroAsync('count_rows', ['t'], {}, {}, async () => ({
      columnNames: ['n'],
      rows: [[12n]],
    }));
    assert.equal(value, 12);
  });

  it('bounds the number of queries of one render', async () => {
    const e = engine();
    await assert.rejects(
      e.renderAsync(
        "{% for i in range(200) %}{% do run_query('select ' ~ i) %}{% endfor %}",
        'models/m.sql',
        {},
        async () => table([]),
      ),
      /models\/m\.sql: more than 100 queries/,
    );
  });

  it('collects log(), print() and exceptions.warn() output', () => {
    const out = engine().render(
      "{{ log('a', info=True) }}{% do print('b') %}{% do exceptions.warn('c') %}x",
      'models/m.sql',
      {},
    );
    assert.deepEqual(out, { sql: 'x', logs: ['a', 'b', 'Warning: c'] });
  });

  it('passes keyword arguments to context functions as a trailing __keywords object', () => {
    let seen: unknown[] = [];
    const config = (...args: unknown[]) => {
      seen = args;
      return '';
    };
    render(engine(), "{{ config(materialized='table', tags=['a']) }}", { config });
    assert.deepEqual(seen, [{ materialized: 'table', tags: ['a'], __keywords: true }]);
  });

  it('reads context values layered with Object.create, but not Object.prototype members', () => {
    const base = { target: { schema: 'dev' } };
    const ctx = Object.assign(Object.create(base), { name: 'orders' });
    assert.equal(
      render(engine(), '{{ target.schema }}.{{ name }} {{ constructor is defined }}', ctx),
      'dev.orders False',
    );
  });

  it('uses context objects with their own get() and dict methods on plain data', () => {
    const config = {
      values: { where: 'x > 1' },
      get(this: { values: Record<string, unknown> }, key: string) {
        return this.values[key] ?? null;
      },
    };
    const model = { config: { materialized: 'view' }, columns: { a: {}, b: {} } };
    assert.equal(
      render(
        engine(),
        "{{ config.get('where') }} {{ model.config.get('materialized') }} {{ model.columns.keys() | list }}",
        { config, model },
      ),
      "x > 1 view ['a', 'b']",
    );
  });
});

describe('template engine: errors', () => {
  const e = engine([
    macroFile(
      'macros/bad.sql',
      `{% macro check(x) %}
  ok
  {{ exceptions.raise_compiler_error('invalid value ' ~ x) }}
{% endmacro %}
{% macro calls_check() %}{{ check(2) }}{% endmacro %}`,
    ),
  ]);

  it('reports raise_compiler_error with file:line of the call', () => {
    const error = renderError(e, "select 1\n\n{{ exceptions.raise_compiler_error('bad config') }}");
    assert.equal(error.message, 'models/m.sql:3: bad config');
    assert.equal(error.file, 'models/m.sql');
    assert.equal(error.line, 3);
  });

  it('reports errors inside macros at the macro line, naming the call site', () => {
    const error = renderError(e, 'select\n{{ calls_check() }}');
    assert.equal(error.message, 'macros/bad.sql:3: invalid value 2 (called from models/m.sql:2)');
    assert.equal(error.line, 3);
    assert.throws(() => e.callMacro('check', [5], {}, {}), { message: 'macros/bad.sql:3: invalid value 5' });
  });

  it('reports syntax errors with file:line and without nunjucks noise', () => {
    const error = renderError(e, 'select\n  {{ x + }}\nfrom t');
    assert.equal(error.message, 'models/m.sql:2: unexpected token: }}');
    assert.equal(
      renderError(e, 'a\n{% frobnicate %}').message,
      'models/m.sql:2: unknown block tag: frobnicate',
    );
    assert.equal(
      renderError(e, "{{ 'a' | no_such_filter }}").message,
      "models/m.sql:1: no filter named 'no_such_filter'",
    );
  });

  it('names the unclosed block at end of file', () => {
    assert.equal(
      renderError(e, 'a\n{% if x %}\nb').message,
      'models/m.sql:2: expected elif, else, or endif, got end of file (the {% if %} on line 2 is never closed)',
    );
  });

  it('says which macro or function is undefined', () => {
    assert.equal(
      renderError(e, 'a\n\n{{ not_a_macro(1) }}').message,
      "models/m.sql:3: 'not_a_macro' is undefined (no macro or function with that name)",
    );
    assert.equal(
      renderError(e, '{{ dbt_utils.star(x) }}').message,
      "models/m.sql:1: 'dbt_utils.star' is undefined (no macro or function with that name)",
    );
    assert.throws(() => e.callMacro('nope', [], {}, {}), /macro 'nope' is not defined/);
  });

  it('reports runtime errors at the failing line', () => {
    assert.equal(
      renderError(e, 'a\n{% set x = [1] %}\n{% do x.index(5) %}').message,
      'models/m.sql:3: ValueError: 5 is not in list',
    );
  });

  it('rejects macro files with syntax errors or duplicate macros at engine creation', () => {
    assert.throws(
      () => engine([macroFile('macros/x.sql', '{% macro a() %}\n{{ oops( }}\n{% endmacro %}')]),
      (error: unknown) => {
        assert.ok(error instanceof TemplateError);
        assert.match(error.message, /^macros\/x\.sql:2: /);
        return true;
      },
    );
    assert.throws(
      () =>
        engine([
          macroFile('macros/x.sql', '{% macro a() %}{% endmacro %}'),
          macroFile('macros/y.sql', '\n{% macro a() %}{% endmacro %}'),
        ]),
      { message: "macros/y.sql:2: macro 'a' is defined twice in package 'proj' (also at macros/x.sql:1)" },
    );
  });
});

describe('template engine: many macros', () => {
  // Speed is measured by bench/ (mdw ls start-up), never by a timed test; this checks that an
  // engine rebuilt over ~60 macros renders the same model the same way every time.
  it('creates an engine with ~60 project macros repeatedly and renders a 30-line model identically', () => {
    const many = Array.from({ length: 6 }, (_v, f) =>
      macroFile(
        `macros/m${f}.sql`,
        Array.from(
          { length: 10 },
          (_w, i) =>
            `{% macro m${f}_${i}(a, b='x') -%}\n  {%- if a %}{{ a ~ b }}{% else %}{{ dbt.date_trunc('day', b) }}{% endif -%}\n{%- endmacro %}`,
        ).join('\n'),
      ),
    );
    const model = Array.from({ length: 30 }, (_v, i) =>
      i % 6 === 0 ? `  {{ m0_${i % 10}('c${i}') }}, {{ ref('x') }},` : `  col_${i},`,
    ).join('\n');
    const ctx = { ref: (n: string) => `"db"."main"."${n}"` };
    const first = render(engine(many), model, ctx);
    assert.match(first, /^ {2}c0x, "db"\."main"\."x",$/m);
    assert.match(first, /^ {2}c24x, "db"\."main"\."x",$/m);
    for (let i = 0; i < 3; i++) assert.equal(render(engine(many), model, ctx), first);
  });
});
