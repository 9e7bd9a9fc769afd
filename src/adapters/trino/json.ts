/**
 * JSON parsing that keeps big integers exact. Trino sends `bigint` values as JSON numbers, and
 * `JSON.parse` rounds anything beyond 2^53; Node 20 has no reviver access to the source text.
 * Pages without a long digit run take the native parser; the others this small parser, which
 * returns integers outside the safe range as `bigint`.
 */

/** 16+ consecutive digits: the only way a JSON number can exceed Number.MAX_SAFE_INTEGER. */
const LONG_DIGIT_RUN = /\d{16}/;

export function parseJsonExact(text: string): unknown {
  if (!LONG_DIGIT_RUN.test(text)) return JSON.parse(text);
  return new ExactJsonParser(text).parseDocument();
}

const NUMBER = /-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

class ExactJsonParser {
  private pos = 0;

  constructor(private readonly text: string) {}

  parseDocument(): unknown {
    const value = this.value();
    this.skipSpace();
    if (this.pos !== this.text.length) this.fail('unexpected trailing characters');
    return value;
  }

  private value(): unknown {
    this.skipSpace();
    const c = this.text[this.pos];
    switch (c) {
      case '{':
        return this.object();
      case '[':
        return this.array();
      case '"':
        return this.string();
      case 't':
        return this.literal('true', true);
      case 'f':
        return this.literal('false', false);
      case 'n':
        return this.literal('null', null);
      default:
        return this.number();
    }
  }

  private object(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return out;
    }
    for (;;) {
      this.skipSpace();
      const key = this.string();
      this.skipSpace();
      this.expect(':');
      out[key] = this.value();
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect('}');
      return out;
    }
  }

  private array(): unknown[] {
    const out: unknown[] = [];
    this.pos++;
    this.skipSpace();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.skipSpace();
      if (this.text[this.pos] === ',') {
        this.pos++;
        continue;
      }
      this.expect(']');
      return out;
    }
  }

  private string(): string {
    if (this.text[this.pos] !== '"') this.fail('expected a string');
    // find the closing quote (skipping escapes), then let the native parser decode escapes
    let end = this.pos + 1;
    let escaped = false;
    for (; end < this.text.length; end++) {
      const ch = this.text.charCodeAt(end);
      if (ch === 92 /* \ */) {
        escaped = true;
        end++;
      } else if (ch === 34 /* " */) break;
    }
    if (end >= this.text.length) this.fail('unterminated string');
    const raw = this.text.slice(this.pos, end + 1);
    this.pos = end + 1;
    return escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
  }

  private number(): number | bigint {
    NUMBER.lastIndex = this.pos;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail('unexpected character');
    const literal = match[0];
    this.pos += literal.length;
    const value = Number(literal);
    if (match[1] === undefined && match[2] === undefined && !Number.isSafeInteger(value)) {
      return BigInt(literal);
    }
    return value;
  }

  private literal<T>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.pos)) this.fail('unexpected token');
    this.pos += word.length;
    return value;
  }

  private expect(ch: string): void {
    if (this.text[this.pos] !== ch) this.fail(`expected '${ch}'`);
    this.pos++;
  }

  private skipSpace(): void {
    while (this.pos < this.text.length) {
      const ch = this.text.charCodeAt(this.pos);
      if (ch !== 32 && ch !== 10 && ch !== 13 && ch !== 9) return;
      this.pos++;
    }
  }

  private fail(what: string): never {
    throw new SyntaxError(`Invalid JSON at position ${this.pos}: ${what}.`);
  }
}
