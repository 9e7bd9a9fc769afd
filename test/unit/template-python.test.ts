import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTemplateEngine } from '../../src/template/engine.js';

const engine = createTemplateEngine({ macroFiles: [], adapterType: 'duckdb', rootPackage: 'proj' });

function render(source: string, ctx: Record<string, unknown> = {}): string {
  return engine.render(source, 'models/m.sql', ctx).sql;
}

describe('Python string methods', () => {
  const cases: [string, string][] = [
    [
      "{{ 'Abc'.upper() }} {{ 'Abc'.lower() }} {{ 'hello world_x'.title() }} {{ 'hELLO'.capitalize() }}",
      'ABC abc Hello World_X Hello',
    ],
    [
      "[{{ '  x  '.strip() }}] [{{ 'xxaxx'.strip('x') }}] [{{ '  x '.lstrip() }}] [{{ ' x  '.rstrip() }}]",
      '[x] [a] [x ] [ x]',
    ],
    [
      "{{ 'a,b,,c'.split(',') }} {{ ' a  b '.split() }} {{ 'a.b.c'.split('.', 1) }} {{ 'a.b.c'.rsplit('.', 1) }}",
      "['a', 'b', '', 'c'] ['a', 'b'] ['a', 'b.c'] ['a.b', 'c']",
    ],
    ["{{ 'aaa'.replace('a', 'b') }} {{ 'aaa'.replace('a', 'b', 2) }}", 'bbb bba'],
    [
      "{{ 'stg_x'.startswith('stg_') }} {{ 'x.sql'.endswith(('.py', '.sql')) }} {{ 'x'.startswith('y') }}",
      'True True False',
    ],
    [
      "{{ ', '.join(['a', 'b']) }} {{ '{}-{name}-{0}'.format('p', name='n') }} {{ '{:>5}|{:.2f}|{:,}'.format('x', 3.14159, 1234567) }}",
      'a, b p-n-p     x|3.14|1,234,567',
    ],
    [
      "{{ 'hello'.find('l') }} {{ 'hello'.find('z') }} {{ 'hello'.count('l') }} {{ 'hello'.rfind('l') }} {{ 'hello'.index('e') }}",
      '2 -1 2 3 1',
    ],
    [
      "{{ '123'.isdigit() }} {{ '12a'.isdigit() }} {{ 'abc'.isalpha() }} {{ 'ABC'.isupper() }} {{ '   '.isspace() }}",
      'True False True True True',
    ],
    [
      "{{ '5'.zfill(3) }} {{ 'a=b=c'.partition('=') }} {{ 'x_y'.removeprefix('x_') }} {{ 'ab'.center(6, '*') }}",
      "005 ['a', '=', 'b=c'] y **ab**",
    ],
  ];
  for (const [source, expected] of cases) {
    it(source, () => assert.equal(render(source), expected));
  }
});

describe('Python list and dict methods', () => {
  it('mutates lists with append, extend, insert, pop, remove and reads index and count', () => {
    const source = `{% set l = [3, 1] %}{% do l.append(2) %}{% do l.extend([5, 5]) %}{% do l.insert(0, 9) %}
{%- set last = l.pop() %}{% set first = l.pop(0) %}{% do l.remove(1) %}
{{- l }} {{ last }} {{ first }} {{ l.index(2) }} {{ l.count(5) }}{% do l.sort() %} {{ l }}{% do l.reverse() %} {{ l }}`;
    assert.equal(render(source), '[3, 2, 5] 5 9 1 1 [2, 3, 5] [5, 3, 2]');
  });

  it('reads and mutates dicts with items, keys, values, get, update, pop, setdefault', () => {
    const source = `{% set d = {'a': 1} %}{% do d.update({'b': 2}) %}{% do d.update(c=3) %}{% do d.setdefault('a', 99) %}{% do d.setdefault('z', 0) %}
{%- for k, v in d.items() %}{{ k }}={{ v }};{% endfor %} {{ d.keys() }} {{ d.values() }} {{ d.get('a') }} {{ d.get('nope') }} {{ d.get('nope', 'dflt') }} {{ d.pop('z') }} {{ d | length }}`;
    assert.equal(render(source), "a=1;b=2;c=3;z=0; ['a', 'b', 'c', 'z'] [1, 2, 3, 0] 1 None dflt 0 3");
  });

  it('supports subscript and attribute access on dicts and nested data', () => {
    assert.equal(render("{% set d = {'a': {'b': [10, 20]}} %}{{ d['a'].b[1] }} {{ d.a['b'][-1] }}"), '20 20');
  });
});

describe('filters', () => {
  const cases: [string, string][] = [
    ['{{ {"a": [1, "x"], "b": none} | tojson }}', '{"a": [1, "x"], "b": null}'],
    ['{{ "it\'s" | tojson }}', '"it\\u0027s"'],
    [
      "{{ 42 | as_text }} {{ 'True' | as_bool }} {{ 'false' | as_bool }} {{ '3.5' | as_number + 1 }} {{ ('[1, 2]' | as_native)[1] }}",
      '42 True False 4.5 2',
    ],
    ["{{ '%s has %03d rows' | format('t', 7) }}", 't has 007 rows'],
    ["{{ undefined_name | default('d') }} {{ none | default('d') }} {{ '' | d('e', true) }}", 'd None e'],
    [
      "{{ 'AbC' | lower }} {{ 'abc' | upper }} [{{ '  x ' | trim }}] {{ 'a-b' | replace('-', '_') }}",
      'abc ABC [x] a_b',
    ],
    [
      "{{ ['a', 'b'] | join(', ') }} {{ [1, 2, 3] | length }} {{ 'abc' | list }} {{ 'abc' | length }}",
      "a, b 3 ['a', 'b', 'c'] 3",
    ],
    [
      "{{ ['b', 'A', 'a', 'B', 'b'] | unique | list }} {{ ['b', 'A', 'c'] | sort }} {{ [3, 1, 2] | sort(reverse=true) }}",
      "['b', 'A'] ['A', 'b', 'c'] [3, 2, 1]",
    ],
    [
      '{{ [1, 2, 3] | first }} {{ [1, 2, 3] | last }} {{ [4, 9, 2] | max }} {{ [4, 9, 2] | min }} {{ [1, 2, 3] | sum }}',
      '1 3 9 2 6',
    ],
    [
      "{{ '3' | int + 1 }} {{ '2.7' | int }} {{ 'x' | int }} {{ '1.5' | float * 2 }} {{ 3.14159 | round(2) }} {{ -3 | abs }}",
      '4 2 0 3.0 3.14 3'.replace('3.0', '3'),
    ],
    [
      "{{ ['a', 'b'] | map('upper') | list }} {{ 'a b c' | wordcount }} {{ 'abc' | reverse }} {{ [1, 2, 3, 4, 5] | batch(2) | list }}",
      "['A', 'B'] 3 cba [[1, 2], [3, 4], [5]]",
    ],
  ];
  for (const [source, expected] of cases) {
    it(source, () => assert.equal(render(source), expected));
  }

  it('maps attributes and selects/rejects with tests', () => {
    const columns = [
      { name: 'id', type: 'int', tags: ['pk'] },
      { name: 'name', type: 'text', tags: [] },
      { name: 'age', type: 'int', tags: [] },
    ];
    const ctx = { columns };
    assert.equal(render("{{ columns | map(attribute='name') | join(',') }}", ctx), 'id,name,age');
    assert.equal(
      render("{{ columns | selectattr('type', 'equalto', 'int') | map(attribute='name') | list }}", ctx),
      "['id', 'age']",
    );
    assert.equal(
      render("{{ columns | selectattr('name', 'in', ['id', 'age']) | map(attribute='name') | list }}", ctx),
      "['id', 'age']",
    );
    assert.equal(
      render("{{ columns | rejectattr('tags') | map(attribute='name') | list }}", ctx),
      "['name', 'age']",
    );
    assert.equal(
      render("{{ columns | sort(attribute='name') | map(attribute='name') | first }}", ctx),
      'age',
    );
    assert.equal(
      render("{{ [1, none, 2] | reject('none') | list }} {{ [1, 2, 3, 4] | select('odd') | list }}", ctx),
      '[1, 2] [1, 3]',
    );
    assert.equal(
      render(
        "{% for g in columns | groupby('type') %}{{ g.grouper }}:{{ g.list | length }} {% endfor %}",
        ctx,
      ),
      'int:2 text:1 ',
    );
  });
});

describe('tests (is ...)', () => {
  it('supports none, defined, string, number, mapping, iterable, in, sameas', () => {
    const source = `{{ none is none }} {{ x is defined }} {{ y is not defined }} {{ 'a' is string }} {{ 1 is number }} {{ {} is mapping }} {{ [] is iterable }} {{ 2 is in [1, 2] }} {{ 5 is divisibleby(5) }} {{ true is sameas true }}`;
    assert.equal(render(source, { x: 1 }), 'True True True True True True True True True True');
  });
});

describe('globals', () => {
  it('provides zip, range, dict, set and namespace', () => {
    assert.equal(
      render(
        "{{ zip(['a', 'b'], [1, 2, 3]) | list }} {{ range(3) }} {{ range(1, 10, 4) }} {{ dict(a=1) }} {{ set([1, 2, 1]) }}",
      ),
      "[['a', 1], ['b', 2]] [0, 1, 2] [1, 5, 9] {'a': 1} [1, 2]",
    );
  });

  it('converts JSON and YAML both ways', () => {
    assert.equal(
      render("{{ tojson({'b': 1, 'a': [true, none]}, sort_keys=true) }}"),
      '{"a": [true, null], "b": 1}',
    );
    assert.equal(render("{{ fromjson('{\"a\": [1, 2]}').a[1] }} {{ fromjson('not json', 'bad') }}"), '2 bad');
    assert.equal(render("{{ toyaml({'a': [1, 2]}) }}"), 'a:\n  - 1\n  - 2\n');
    assert.equal(render("{{ fromyaml('a: [1, 2]\\nb: x').b }}"), 'x');
  });

  it('computes md5 with local_md5', () => {
    assert.equal(render("{{ local_md5('1') }}"), 'c4ca4238a0b923820dcc509a6f75849b');
  });
});

describe('modules.datetime', () => {
  it('builds, formats, parses and does arithmetic', () => {
    const source = `{% set dt = modules.datetime %}{% set d = dt.datetime(2024, 1, 31, 13, 5, 9) %}
{{- d }}|{{ d.strftime('%Y%m%d %H:%M:%S %a %b %j') }}|{{ d + dt.timedelta(days=1, hours=2) }}|{{ (d - dt.timedelta(weeks=1)).isoformat() }}
|{{ dt.datetime.strptime('2023-12-25 08:30', '%Y-%m-%d %H:%M').day }}|{{ d.date() }}|{{ d.replace(day=1).strftime('%Y-%m-%d') }}
|{{ (dt.date(2024, 3, 1) - dt.date(2024, 2, 1)).days }}|{{ dt.date(2024, 2, 28) + dt.timedelta(days=1) }}|{{ d > dt.datetime(2024, 1, 1) }}`;
    assert.equal(
      render(source),
      '2024-01-31 13:05:09|20240131 13:05:09 Wed Jan 031|2024-02-01 15:05:09|2024-01-24T13:05:09\n|25|2024-01-31|2024-01-01\n|29|2024-02-29|True',
    );
  });

  it('gives now() and utcnow() close to the current time', () => {
    const year = new Date().getUTCFullYear();
    const out = render(
      '{{ modules.datetime.datetime.utcnow().year }} {{ modules.datetime.datetime.now().strftime("%Y") }}',
    );
    assert.match(out, new RegExp(`^(${year - 1}|${year}|${year + 1}) \\d{4}$`));
  });
});

describe('modules.re', () => {
  it('searches, matches and substitutes with Python syntax', () => {
    const source = `{% set re = modules.re %}{% set m = re.search('(?P<year>\\\\d{4})-(\\\\d{2})', 'on 2024-05-01') %}
{{- m.group(0) }} {{ m.group('year') }} {{ m.group(2) }} {{ m.groups() }} {{ m.start() }}
|{{ re.match('\\\\d+', 'a1') is none }} {{ re.match('\\\\d+', '12a').group() }} {{ re.fullmatch('[a-z]+', 'abc') is not none }}
|{{ re.sub('(\\\\w+)@(\\\\w+)', '\\\\2 at \\\\1', 'me@host you@there') }} {{ re.sub('a', 'b', 'aaa', count=2) }} {{ re.sub('A', 'x', 'aA', flags=re.IGNORECASE) }}
|{{ re.findall('\\\\d', 'a1b2') }} {{ re.split(',\\\\s*', 'a, b,c') }} {{ re.compile('^stg_').match('stg_orders') is not none }}`;
    assert.equal(
      render(source),
      "2024-05 2024 05 ['2024', '05'] 3\n|True 12 True\n|host at me there at you bba xx\n|['1', '2'] ['a', 'b', 'c'] True",
    );
  });

  it('takes global flags given as several leading groups, (?i)(?s) (dbt-codegen)', () => {
    const source =
      "{% set re = modules.re %}{{ re.search('(?i)(?s)(^.*\\s*|,)with\\s', 'select 1\nWITH x as (') is not none }} {{ re.search('(?i)(?s)^a.b', 'A\nB') is not none }} {{ re.search('(?s)^a.b', 'A\nB') is none }}";
    assert.equal(render(source), 'True True True');
  });
});
