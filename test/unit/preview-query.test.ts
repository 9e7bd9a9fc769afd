import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { previewQuery } from '../../src/cli/preview-query.js';

describe('mdw show preview query', () => {
  it('wraps SQL without a top-level ORDER BY in a limited subquery', () => {
    const q = previewQuery('select a from t', 5);
    assert.equal(q.sql, 'select * from (\nselect a from t\n) as mdw_show limit 5');
    assert.equal(q.keep, 5);
  });

  it('appends the limit to SQL ending with ORDER BY, so engines that drop a subquery order keep it', () => {
    const q = previewQuery('select a from t order by a desc', 3);
    assert.equal(q.sql, 'select a from t order by a desc\nlimit 3');
  });

  it('ignores an ORDER BY inside parentheses, strings and comments', () => {
    for (const sql of [
      'select * from (select a from t order by a) s',
      "select 'order by' as x from t",
      'select a from t -- order by a',
      'select row_number() over (order by a) from t',
    ])
      assert.match(previewQuery(sql, 2).sql, /^select \* from \(/, sql);
  });

  it('runs SQL that ends with its own limit as written and keeps the first rows', () => {
    const q = previewQuery('select a from t order by a limit 100', 2);
    assert.deepEqual(q, { sql: 'select a from t order by a limit 100', keep: 2 });
  });

  it('an ORDER BY before a set operation does not order the union', () => {
    assert.match(
      previewQuery('(select a from t order by a) union all select b from u', 2).sql,
      /^select \* from \(/,
    );
  });

  it('a negative limit runs the SQL whole', () => {
    assert.deepEqual(previewQuery('select 1 order by 1', -1), { sql: 'select 1 order by 1', keep: null });
  });
});
