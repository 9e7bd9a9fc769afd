/**
 * A SQL tokenizer that keeps Jinja tags whole: `{{ ... }}`, `{% ... %}` and `{# ... #}` are
 * single opaque tokens, so style rules see the SQL a person wrote and never the macro output.
 * The same tokenizer reads compiled SQL (it simply has no Jinja tokens) for the position map.
 */

export type TokenKind =
  | 'word'
  | 'quoted'
  | 'string'
  | 'number'
  | 'punct'
  | 'comment'
  | 'space'
  | 'newline'
  | 'jinja-expr'
  | 'jinja-stmt'
  | 'jinja-comment';

export interface Token {
  kind: TokenKind;
  text: string;
  /** offset of the first character */
  start: number;
  end: number;
}

const JINJA_CLOSE: Record<string, { kind: TokenKind; close: string }> = {
  '{{': { kind: 'jinja-expr', close: '}}' },
  '{%': { kind: 'jinja-stmt', close: '%}' },
  '{#': { kind: 'jinja-comment', close: '#}' },
};

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number): void => {
    tokens.push({ kind, text: text.slice(i, end), start: i, end });
    i = end;
  };
  while (i < text.length) {
    const c = text[i]!;
    const pair = text.slice(i, i + 2);
    const jinja = JINJA_CLOSE[pair];
    if (jinja) {
      push(jinja.kind, jinjaEnd(text, i, jinja.close));
    } else if (c === '\n') {
      push('newline', i + 1);
    } else if (c === ' ' || c === '\t' || c === '\r') {
      let j = i + 1;
      while (j < text.length && (text[j] === ' ' || text[j] === '\t' || text[j] === '\r')) j++;
      push('space', j);
    } else if (pair === '--') {
      push('comment', untilJinjaOr(text, i, '\n'));
    } else if (pair === '/*') {
      const close = text.indexOf('*/', i + 2);
      push('comment', close < 0 ? text.length : close + 2);
    } else if (c === "'") {
      push('string', quotedEnd(text, i, "'"));
    } else if (c === '"' || c === '`') {
      push('quoted', quotedEnd(text, i, c));
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      let j = i + 1;
      while (j < text.length && /[0-9.eE_]/.test(text[j]!)) j++;
      push('number', j);
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_$\u0080-\uffff]/.test(text[j]!)) j++;
      push('word', j);
    } else {
      const three = text.slice(i, i + 3);
      const multi = ['::', '||', '<=', '>=', '<>', '!=', '->', '=>'].includes(pair) ? 2 : 1;
      push('punct', i + (three === '->>' ? 3 : multi));
    }
  }
  return tokens;
}

/** A Jinja tag ends at its closing delimiter, skipping string literals inside it. */
function jinjaEnd(text: string, start: number, close: string): number {
  let i = start + 2;
  while (i < text.length) {
    const c = text[i]!;
    if (close !== '#}' && (c === "'" || c === '"')) {
      i = quotedEnd(text, i, c);
      continue;
    }
    if (text.startsWith(close, i)) return i + 2;
    i++;
  }
  return text.length;
}

/** A `--` comment stops at the line end, or where a Jinja tag begins (the tag is its own token). */
function untilJinjaOr(text: string, start: number, stop: string): number {
  let i = start;
  while (i < text.length && text[i] !== stop) {
    if (text[i] === '{' && (text[i + 1] === '{' || text[i + 1] === '%' || text[i + 1] === '#')) break;
    i++;
  }
  return i;
}

function quotedEnd(text: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === quote) {
      if (text[i + 1] === quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    if (text[i] === '{' && text[i + 1] === '{') {
      // a Jinja expression inside a string ('{{ var("x") }}'): skip it whole
      i = jinjaEnd(text, i, '}}');
      continue;
    }
    i++;
  }
  return text.length;
}

/** Tokens that carry meaning (no whitespace, comments or Jinja comments). */
export function isSignificant(token: Token): boolean {
  return (
    token.kind !== 'space' &&
    token.kind !== 'newline' &&
    token.kind !== 'comment' &&
    token.kind !== 'jinja-comment'
  );
}

/** 1-based line and column of every offset of a text, computed once. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  position(offset: number): { line: number; column: number } {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid]! <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - this.starts[low]! + 1 };
  }

  lineStart(line: number): number {
    return this.starts[line - 1] ?? 0;
  }
}
