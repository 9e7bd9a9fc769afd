/**
 * The query `mdw show` runs for a preview of at most `limit` rows. Wrapping the SQL in
 * `select * from (…) limit N` (dbt's way) keeps the order on DuckDB, but Trino drops an ORDER BY
 * inside a subquery, so a model that ends with ORDER BY gets its LIMIT appended instead, and one
 * that already ends with its own LIMIT/OFFSET/FETCH runs as written (the caller keeps the first rows).
 */
import { tokenize } from '../lint/tokens.js';

export interface PreviewQuery {
  sql: string;
  /** rows to keep of the result (the query itself may return more) */
  keep: number | null;
}

export function previewQuery(body: string, limit: number): PreviewQuery {
  if (limit < 0) return { sql: body, keep: null };
  const n = Math.floor(limit);
  const tail = topLevelTail(body);
  if (tail === 'order by') return { sql: `${body}\nlimit ${n}`, keep: n };
  if (tail === 'limit') return { sql: body, keep: n };
  return { sql: `select * from (\n${body}\n) as mdw_show limit ${n}`, keep: n };
}

/**
 * How the statement ends at its outermost level (outside parentheses): with a row limit
 * (`limit`, `offset`, `fetch`), with an ORDER BY and no limit after it, or neither.
 */
function topLevelTail(sql: string): 'order by' | 'limit' | 'other' {
  let depth = 0;
  let tail: 'order by' | 'limit' | 'other' = 'other';
  let previousWord = '';
  for (const token of tokenize(sql)) {
    if (token.kind === 'punct') {
      if (token.text === '(') depth++;
      else if (token.text === ')') depth--;
      continue;
    }
    if (token.kind !== 'word' || depth !== 0) continue;
    const word = token.text.toLowerCase();
    if (word === 'by' && previousWord === 'order') tail = 'order by';
    else if (word === 'limit' || word === 'offset' || word === 'fetch') tail = 'limit';
    // a set operation or a later select starts a new query body: its ORDER BY is what counts
    else if (word === 'union' || word === 'intersect' || word === 'except') tail = 'other';
    previousWord = word;
  }
  return tail;
}
