/**
 * dbt's relations are Mappings whose `.get('metadata')` is `{'type': <adapter's class name>}`:
 * dbt_utils' `_is_relation` accepts a value only when `obj is mapping` and that type ends with
 * 'Relation'. Expected values are dbt-duckdb's.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { relationsFor } from '../../src/project/relation.js';
import { createTemplateEngine } from '../../src/template/engine.js';

const engine = createTemplateEngine({ macroFiles: [], adapterType: 'duckdb', rootPackage: 'p' });
const relation = relationsFor('duckdb')('db', 'main', 'orders', 'table');
const render = (source: string) => engine.render(source, 'models/m.sql', { rel: relation }).sql;

describe('relations as Jinja mappings', () => {
  it('passes dbt_utils-style relation checks', () => {
    const check = "{{ rel is mapping and rel.get('metadata', {}).get('type', '').endswith('Relation') }}";
    assert.equal(render(check), 'True');
    assert.equal(render("{{ rel.get('metadata') }}"), "{'type': 'DuckDBRelation'}");
  });
  it('reads fields by get and by item, with a default for unknown keys', () => {
    assert.equal(render("{{ rel.get('schema') }}.{{ rel['identifier'] }}"), 'main.orders');
    assert.equal(render("{{ rel.get('nope', 'd') }}"), 'd');
  });
  it('keeps its class through incorporate and include', () => {
    assert.equal(render("{{ rel.incorporate(type='view').get('metadata')['type'] }}"), 'DuckDBRelation');
    assert.equal(render("{{ rel.include(database=false).get('metadata')['type'] }}"), 'DuckDBRelation');
  });
  it('a string is not a mapping', () => assert.equal(render("{{ 'x' is mapping }}"), 'False'));
  it("names the target's adapter class", () =>
    assert.deepEqual(relationsFor('trino')('c', 's', 't').get('metadata'), { type: 'TrinoRelation' }));
});
