/** Reading a statement's significant tokens front to back (keywords, names, literals). */
import { keyword, SqlSyntaxError, type Token } from './sql-tokens.js';

export interface QualifiedName {
  catalog?: string;
  schema?: string;
  table: string;
}

export class Cursor {
  pos = 0;
  constructor(readonly tokens: Token[]) {}

  peek(offset = 0): Token | undefined {
    return this.tokens[this.pos + offset];
  }

  atEnd(): boolean {
    return (
      this.pos >= this.tokens.length || (this.tokens.length - this.pos === 1 && this.peek()?.text === ';')
    );
  }

  next(): Token {
    const token = this.tokens[this.pos++];
    if (!token) throw new SqlSyntaxError('unexpected end of statement');
    return token;
  }

  /** Consumes the keywords if they come next (all of them), else nothing. */
  accept(...words: string[]): boolean {
    if (!words.every((w, i) => keyword(this.peek(i)) === w)) return false;
    this.pos += words.length;
    return true;
  }

  expect(...words: string[]): void {
    if (!this.accept(...words)) {
      const found = this.peek()?.text ?? 'end of statement';
      throw new SqlSyntaxError(`expected ${words.join(' ')} but found '${found}'`);
    }
  }

  acceptPunct(text: string): boolean {
    if (this.peek()?.text !== text) return false;
    this.pos++;
    return true;
  }

  expectPunct(text: string): void {
    if (!this.acceptPunct(text))
      throw new SqlSyntaxError(`expected '${text}' but found '${this.peek()?.text ?? 'end of statement'}'`);
  }

  identifier(): string {
    const token = this.next();
    if (token.kind !== 'word' && token.kind !== 'quoted')
      throw new SqlSyntaxError(`expected a name but found '${token.text}'`);
    return token.value.toLowerCase();
  }

  /** `t`, `db.t` or `catalog.db.t`; names are lower-cased as Athena stores them. */
  qualifiedName(): QualifiedName {
    const parts = [this.identifier()];
    while (this.acceptPunct('.')) parts.push(this.identifier());
    if (parts.length > 3) throw new SqlSyntaxError(`too many name parts in '${parts.join('.')}'`);
    const table = parts.pop()!;
    const schema = parts.pop();
    return { catalog: parts.pop(), schema, table };
  }

  string(): string {
    const token = this.next();
    if (token.kind !== 'string')
      throw new SqlSyntaxError(`expected a string literal but found '${token.text}'`);
    return token.value;
  }

  /** `('k' = 'v', …)` */
  properties(): Record<string, string> {
    const out: Record<string, string> = {};
    this.expectPunct('(');
    if (this.acceptPunct(')')) return out;
    do {
      const key = this.string();
      this.expectPunct('=');
      out[key] = this.string();
    } while (this.acceptPunct(','));
    this.expectPunct(')');
    return out;
  }

  /** The tokens up to (not including) a top-level `,` or `)` or one of the stop keywords. */
  until(stopWords: string[] = []): Token[] {
    const out: Token[] = [];
    let depth = 0;
    for (;;) {
      const token = this.peek();
      if (!token) return out;
      if (depth === 0 && (token.text === ',' || token.text === ')' || stopWords.includes(keyword(token))))
        return out;
      if (token.text === '(' || token.text === '<') depth++;
      if (token.text === ')' || token.text === '>') depth--;
      out.push(this.next());
    }
  }
}
