/**
 * run_query() tables as dbt's agate gives them: dates and timestamps are Python date/datetime
 * values (str() `2017-01-01`, `2017-01-01 10:11:12`), and `table.columns.items()` pairs each
 * column name with its column (dbt_utils.get_query_results_as_dict).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgateTable } from '../../src/template/agate.js';
import { createTemplateEngine } from '../../src/template/engine.js';

const engine = createTemplateEngine({ macroFiles: [], adapterType: 'duckdb', rootPackage: 'p' });
const table = new AgateTable({
  columnNames: ['d', 'ts', 'tz'],
  columnTypes: ['DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE'],
  rows: [
    [
      new Date(Date.UTC(2017, 0, 1)),
      new Date(Date.UTC(2017, 0, 1, 10, 11, 12)),
      new Date(Date.UTC(2017, 0, 1)),
    ],
  ],
});
const render = (source: string) => engine.render(source, 'models/m.sql', { t: table }).sql;

describe('agate values', () => {
  it('prints dates and timestamps as Python does', () => {
    assert.equal(
      render('{{ t.rows[0][0] }}|{{ t.rows[0][1] }}|{{ t.rows[0][2] }}'),
      '2017-01-01|2017-01-01 10:11:12|2017-01-01 00:00:00+00:00',
    );
  });
  it('keeps date methods', () =>
    assert.equal(render('{{ t.rows[0][0].year }}-{{ t.rows[0][1].hour }}'), '2017-10'));
  it('columns.items() pairs names and columns', () => {
    const source =
      '{% for name, col in t.columns.items() %}{{ name }}={{ col.values() | length }};{% endfor %}';
    assert.equal(render(source), 'd=1;ts=1;tz=1;');
  });
});
