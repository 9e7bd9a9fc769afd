/**
 * A small SQL tokenizer for recognising and rewriting Athena statements: words, numbers,
 * quoted identifiers ("…" and Hive's `…`), string literals, comments and punctuation. Each
 * token keeps its source text, so untouched parts of a statement are reassembled verbatim.
 * `hive` mode reads string literals the way Hive DDL does (backslash escapes, '…' or "…").
 */

export type TokenKind = 'word' | 'number' | 'quoted' | 'string' | 'punct' | 'space' | 'comment';

export interface Token {
  kind: TokenKind;
  /** the source text */
  text: string;
  /** identifiers unquoted, strings unescaped, words as written */
  value: string;
}

export function tokenize(sql: string, mode: 'trino' | 'hive' = 'trino'): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number, value?: string) => {
    const text = sql.slice(i, end);
    tokens.push({ kind, text, value: value ?? text });
    i = end;
  };
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /\s/.test(sql[j])) j++;
      push('space', j);
    } else if (c === '-' && sql[i + 1] === '-') {
      const nl = sql.indexOf('\n', i);
      push('comment', nl < 0 ? sql.length : nl);
    } else if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      push('comment', close < 0 ? sql.length : close + 2);
    } else if (c === "'" || (c === '"' && mode === 'hive')) {
      const [end, value] = mode === 'hive' ? hiveString(sql, i) : doubledQuote(sql, i, "'");
      push('string', end, value);
    } else if (c === '"' || c === '`') {
      const [end, value] = doubledQuote(sql, i, c);
      push('quoted', end, value);
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_$@]/.test(sql[j])) j++;
      push('word', j);
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[0-9.eE]/.test(sql[j])) j++;
      push('number', j);
    } else {
      push('punct', i + 1);
    }
  }
  return tokens;
}

/** A literal closed by `quote`, where a doubled quote stands for one. */
function doubledQuote(sql: string, start: number, quote: string): [number, string] {
  let value = '';
  let j = start + 1;
  while (j < sql.length) {
    if (sql[j] === quote) {
      if (sql[j + 1] === quote) {
        value += quote;
        j += 2;
        continue;
      }
      return [j + 1, value];
    }
    value += sql[j++];
  }
  throw new SqlSyntaxError(`unterminated ${quote === "'" ? 'string literal' : 'quoted identifier'}`);
}

const HIVE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b' };

/** Hive's string literal: backslash escapes (\\ \' \t \n …), either quote character. */
function hiveString(sql: string, start: number): [number, string] {
  const quote = sql[start];
  let value = '';
  let j = start + 1;
  while (j < sql.length) {
    const c = sql[j];
    if (c === '\\' && j + 1 < sql.length) {
      const next = sql[j + 1];
      value += HIVE_ESCAPES[next] ?? next;
      j += 2;
    } else if (c === quote) {
      return [j + 1, value];
    } else {
      value += c;
      j++;
    }
  }
  throw new SqlSyntaxError('unterminated string literal');
}

export class SqlSyntaxError extends Error {}

/** The tokens that matter for parsing (no spaces or comments). */
export const significant = (tokens: Token[]) =>
  tokens.filter((t) => t.kind !== 'space' && t.kind !== 'comment');

/** Upper-cased keyword text of a word token, '' for anything else. */
export const keyword = (t: Token | undefined) => (t?.kind === 'word' ? t.value.toUpperCase() : '');

/** A Trino identifier for a name: always quoted, so reserved words and case survive. */
export const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** A Trino string literal. */
export const quoteString = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** Source text with Hive's backtick identifiers turned into Trino's double-quoted ones. */
export function backticksToQuotes(tokens: Token[]): string {
  return tokens
    .map((t) => (t.kind === 'quoted' && t.text.startsWith('`') ? quoteIdent(t.value) : t.text))
    .join('');
}
