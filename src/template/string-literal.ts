/**
 * Jinja string literals as Jinja reads them: the raw text between the quotes goes through
 * Python's `unicode-escape` decoding. So a backslash before a newline continues the line (both
 * vanish), `\x41`, `\101`, `\u00e9` and `\U0001F600` are characters, and an escape Python does
 * not know (`'\d+'`, common in regexes) keeps its backslash. Nunjucks instead drops the
 * backslash of every unknown escape and keeps the newline of a continuation.
 */

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  '\n': '',
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

const HEX_LENGTH: Readonly<Record<string, number>> = { x: 2, u: 4, U: 8 };

/** The value of a literal whose raw text (between the quotes) is `raw`, decoded as Python does. */
export function decodeStringLiteral(raw: string): string {
  const text = raw.replace(/\r\n?/g, '\n');
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch !== '\\' || i + 1 >= text.length) {
      out += ch;
      continue;
    }
    const next = text[i + 1] as string;
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    const octal = /^[0-7]{1,3}/.exec(text.slice(i + 1, i + 4));
    if (octal) {
      out += String.fromCodePoint(Number.parseInt(octal[0], 8));
      i += octal[0].length;
      continue;
    }
    const hexLength = HEX_LENGTH[next];
    const hex = hexLength ? text.slice(i + 2, i + 2 + hexLength) : '';
    if (hexLength && hex.length === hexLength && /^[0-9a-fA-F]+$/.test(hex)) {
      out += String.fromCodePoint(Number.parseInt(hex, 16));
      i += 1 + hexLength;
      continue;
    }
    // Unknown escapes (and `\N{...}`, which needs Unicode's name table) keep their backslash.
    out += ch;
  }
  return out;
}

interface StringTokenizer {
  current(): string;
  forward(): void;
  isFinished(): boolean;
  _parseString(delimiter: string): string;
}

/**
 * Make one nunjucks tokenizer read string literals as Jinja does. It still walks character by
 * character (forward() keeps line numbers right across continued lines); only the decoding changes.
 */
export function readStringsAsJinja(tokens: StringTokenizer): void {
  tokens._parseString = (delimiter: string): string => {
    tokens.forward();
    let raw = '';
    while (!tokens.isFinished() && tokens.current() !== delimiter) {
      const ch = tokens.current();
      raw += ch;
      tokens.forward();
      if (ch === '\\' && !tokens.isFinished()) {
        raw += tokens.current();
        tokens.forward();
      }
    }
    tokens.forward();
    return decodeStringLiteral(raw);
  };
}
