/**
 * What package generic tests (dbt_utils.equality, equal_rowcount, expression_is_true) rely on,
 * through the CLI on DuckDB: `model` and ref() arguments arrive as Relations (not their text),
 * config() calls inside the test macro (fail_calc) become the test's config as dbt learns them at
 * parse time, and should_store_failures() follows the test's store_failures config.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { makeProject, runMdw } from '../support/project.js';

const IS_RELATION = `{% macro assert_relation(obj) %}
  {%- if not (obj is mapping and obj.get('metadata', {}).get('type', '').endswith('Relation')) -%}
    {%- do exceptions.raise_compiler_error('expected a Relation but received the value: ' ~ obj) -%}
  {%- endif -%}
{% endmacro %}`;

// one row whose `diff` is the row-count difference: counted (the default fail_calc) it always fails
const SAME_ROWCOUNT = `{% test same_rowcount(model, compare_model) %}
{{ config(fail_calc='sum(diff)') }}
{%- if not execute -%}{{ return('') }}{%- endif -%}
{%- do assert_relation(model) -%}
{%- do assert_relation(compare_model) -%}
select abs((select count(*) from {{ model }}) - (select count(*) from {{ compare_model }})) as diff
{% endtest %}`;

const STORES = `{% test stores_failures(model) %}
select 1 as x from {{ model }} where {{ 'false' if should_store_failures() else 'true' }}
{% endtest %}`;

const SCHEMA = `version: 2
models:
  - name: a
    data_tests:
      - same_rowcount:
          compare_model: ref('b')
      - same_rowcount:
          name: a_vs_c
          compare_model: ref('c')
      - stores_failures:
          config:
            store_failures: true
      - stores_failures:
          name: not_stored
`;

describe('package generic test API', () => {
  const dir = makeProject({
    'seeds/nums.csv': 'id\n1\n2\n3\n',
    'models/a.sql': "select * from {{ ref('nums') }}",
    'models/b.sql': "select * from {{ ref('nums') }}",
    'models/c.sql': "select * from {{ ref('nums') }} where id < 3",
    'macros/assert_relation.sql': IS_RELATION,
    'macros/same_rowcount.sql': SAME_ROWCOUNT,
    'macros/stores_failures.sql': STORES,
    'models/schema.yml': SCHEMA,
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the tests as dbt does', () => {
    const built = runMdw(dir, ['build']);
    const results: { unique_id: string; status: string; failures: number | null }[] = JSON.parse(
      readFileSync(join(dir, 'target', 'run_results.json'), 'utf8'),
    ).results;
    const status = (prefix: string) =>
      results.find((r) => r.unique_id.startsWith(`test.shop.${prefix}`))?.status ?? 'missing';
    assert.equal(status('same_rowcount_a_ref_b_'), 'pass', built.stdout);
    assert.equal(status('a_vs_c'), 'fail', built.stdout);
    assert.equal(status('stores_failures_a'), 'pass', built.stdout);
    assert.equal(status('not_stored'), 'fail', built.stdout);
    const manifest = JSON.parse(readFileSync(join(dir, 'target', 'manifest.json'), 'utf8'));
    const test = Object.values(
      manifest.nodes as Record<string, { name: string; config: { fail_calc: string } }>,
    ).find((n) => n.name === 'a_vs_c');
    assert.equal(test?.config.fail_calc, 'sum(diff)');
  });
});
