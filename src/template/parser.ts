/**
 * Jinja source → AST with Nunjucks' lexer and parser, plus what dbt's Jinja has and Nunjucks
 * lacks or lexes differently: `{% do %}`, `for x in xs if cond`, bare test arguments
 * (`x is in [1, 2]`), nested `}}` inside tags, no `r/regex/` literals, and an end-of-file
 * error that names the unclosed tag.
 */
import { type NjNode, nj } from './nunjucks.js';
import { readStringsAsJinja } from './string-literal.js';

const { nodes, lexer } = nj;

export const DoNode = nodes.Node.extend('Do', { fields: ['expr'] });
/** `f(a, *rest)`: the items of `rest` become positional arguments. */
export const SpreadNode = nodes.Node.extend('Spread', { fields: ['expr'] });
/** `for x in items if cond`: the items that pass `cond`, with `target` bound to each. */
export const LoopFilterNode = nodes.Node.extend('LoopFilter', { fields: ['arr', 'cond', 'target'] });
/** `{% break %}` and `{% continue %}` (Jinja's loopcontrols extension, which dbt enables). */
export const BreakNode = nodes.Node.extend('Break', { fields: [] });
export const ContinueNode = nodes.Node.extend('Continue', { fields: [] });
/** `{% with a = 1, b = 2 %}…{% endwith %}`: names visible only in the body. */
export const WithNode = nodes.Node.extend('With', { fields: ['targets', 'values', 'body'] });

type Token = { type: string; value: string; lineno: number; colno: number };

interface ParserBase {
  peekToken(): Token | null;
  nextToken(): Token | null;
  skipSymbol(name: string): boolean;
  parseExpression(): NjNode;
  parseOr(): NjNode;
  parseCompare(): NjNode;
  parsePrimary(noPostfix?: boolean): NjNode;
  parsePostfix(node: NjNode): NjNode;
  parseSignature(tolerant?: boolean, noParens?: boolean): NjNode | null;
  parseFor(): NjNode;
  parseSet(): NjNode;
  parseAggregate(): NjNode | null;
  parseUntilBlocks(...names: string[]): NjNode;
  skip(type: string): boolean;
  skipValue(type: string, value: string): boolean;
  fail(message: string, lineno?: number, colno?: number): never;
  advanceAfterBlockEnd(name?: string): unknown;
  parseStatement(): NjNode | null;
  parseAsRoot(): NjNode;
  error(message: string, lineno?: number, colno?: number): Error;
  breakOnBlocks: string[] | null;
}

const ParserBase = nj.parser.Parser as new (tokens: unknown) => ParserBase;

const NOT_TEST_ARGUMENTS = new Set(['else', 'or', 'and', 'if', 'in', 'is', 'not']);

function startsTestArgument(tok: Token): boolean {
  switch (tok.type) {
    case lexer.TOKEN_STRING:
    case lexer.TOKEN_INT:
    case lexer.TOKEN_FLOAT:
    case lexer.TOKEN_BOOLEAN:
    case lexer.TOKEN_NONE:
    case lexer.TOKEN_LEFT_BRACKET:
    case lexer.TOKEN_LEFT_CURLY:
      return true;
    case lexer.TOKEN_SYMBOL:
      return !NOT_TEST_ARGUMENTS.has(tok.value);
    default:
      return false;
  }
}

interface Tokenizer {
  nextToken(): Token | null;
  back(): void;
  forward(): void;
  in_code: boolean;
  str: string;
  index: number;
  lineno: number;
  colno: number;
}

/**
 * Fix two places where nunjucks' lexer is not Jinja's. Jinja balances braces inside tags, so
 * `{% set d = {'a': {'b': 1}} %}` works, while nunjucks takes the inner `}}` for the end of the
 * tag: split it when a `{` is still open. And nunjucks reads `r/x/` as a regex literal, which
 * Jinja does not have: `r/2` is the name r divided by 2.
 */
function jinjaTokens(tokens: Tokenizer): Tokenizer {
  readStringsAsJinja(tokens as unknown as Parameters<typeof readStringsAsJinja>[0]);
  const next = tokens.nextToken.bind(tokens);
  let depth = 0;
  tokens.nextToken = () => {
    if (tokens.in_code && tokens.str[tokens.index] === 'r' && tokens.str[tokens.index + 1] === '/') {
      const symbol = { type: lexer.TOKEN_SYMBOL, value: 'r', lineno: tokens.lineno, colno: tokens.colno };
      tokens.forward();
      return symbol;
    }
    const tok = next();
    if (!tok) return tok;
    switch (tok.type) {
      case lexer.TOKEN_LEFT_CURLY:
        depth++;
        break;
      case lexer.TOKEN_RIGHT_CURLY:
        depth = Math.max(0, depth - 1);
        break;
      case lexer.TOKEN_VARIABLE_END:
        if (depth > 0 && tok.value === '}}') {
          depth--;
          tokens.back();
          tokens.in_code = true;
          return { type: lexer.TOKEN_RIGHT_CURLY, value: '}', lineno: tok.lineno, colno: tok.colno };
        }
        depth = 0;
        break;
      case lexer.TOKEN_BLOCK_END:
      case lexer.TOKEN_BLOCK_START:
      case lexer.TOKEN_VARIABLE_START:
        depth = 0;
        break;
    }
    return tok;
  };
  return tokens;
}

class DbtParser extends ParserBase {
  /** statement tags being parsed, innermost last (to name the unclosed one at end of file) */
  private openTags: Token[] = [];
  private inForHeader = false;
  /** for bodies being parsed: `break`/`continue` are allowed only inside one */
  private loopDepth = 0;

  override parseStatement(): NjNode | null {
    const tok = this.peekToken();
    if (!tok || tok.type !== lexer.TOKEN_SYMBOL) return super.parseStatement();
    if (tok.value === 'do' && !this.breakOnBlocks?.includes('do')) {
      this.nextToken();
      const expr = this.parseExpression();
      this.advanceAfterBlockEnd(tok.value);
      return new DoNode(tok.lineno, tok.colno, expr);
    }
    if ((tok.value === 'break' || tok.value === 'continue') && !this.breakOnBlocks?.includes(tok.value)) {
      this.nextToken();
      if (this.loopDepth === 0) this.fail(`{% ${tok.value} %} outside a for loop`, tok.lineno, tok.colno);
      this.advanceAfterBlockEnd(tok.value);
      return tok.value === 'break'
        ? new BreakNode(tok.lineno, tok.colno)
        : new ContinueNode(tok.lineno, tok.colno);
    }
    if (tok.value === 'with' && !this.breakOnBlocks?.includes('with')) return this.parseWith(tok);
    this.openTags.push(tok);
    try {
      return super.parseStatement();
    } finally {
      this.openTags.pop();
    }
  }

  /** Python (and Jinja) accept a trailing comma in a call: `config(a=1, b=2,)`; Nunjucks does not. */
  override parseSignature(tolerant?: boolean, noParens?: boolean): NjNode | null {
    let tok = this.peekToken()!;
    if (!noParens && tok.type !== lexer.TOKEN_LEFT_PAREN) {
      if (tolerant) return null;
      this.fail('expected arguments', tok.lineno, tok.colno);
    }
    if (tok.type === lexer.TOKEN_LEFT_PAREN) tok = this.nextToken()!;
    const args = new nodes.NodeList(tok.lineno, tok.colno);
    const kwargs = new nodes.KeywordArgs(tok.lineno, tok.colno);
    let needComma = false;
    for (;;) {
      tok = this.peekToken()!;
      if (!noParens && tok.type === lexer.TOKEN_RIGHT_PAREN) {
        this.nextToken();
        break;
      }
      if (noParens && tok.type === lexer.TOKEN_BLOCK_END) break;
      if (needComma) {
        if (!this.skip(lexer.TOKEN_COMMA))
          this.fail('expected a comma between arguments', tok.lineno, tok.colno);
        needComma = false;
        continue; // the closing parenthesis may follow the comma
      }
      if (this.skipValue(lexer.TOKEN_OPERATOR, '**')) {
        // `f(a, **kwargs)`: the mapping's items become keyword arguments
        kwargs.splats = [...(kwargs.splats ?? []), this.parseExpression()];
        needComma = true;
        continue;
      }
      if (this.skipValue(lexer.TOKEN_OPERATOR, '*')) {
        args.addChild(new SpreadNode(tok.lineno, tok.colno, this.parseExpression()));
        needComma = true;
        continue;
      }
      const arg = this.parseExpression();
      if (this.skipValue(lexer.TOKEN_OPERATOR, '=')) {
        kwargs.addChild(new nodes.Pair(arg.lineno, arg.colno, arg, this.parseExpression()));
      } else {
        args.addChild(arg);
      }
      needComma = true;
    }
    if (kwargs.children.length > 0 || kwargs.splats) args.addChild(kwargs);
    return args;
  }

  override parseFor(): NjNode {
    this.inForHeader = true;
    this.loopDepth++;
    try {
      const node = super.parseFor();
      if (node.arr instanceof LoopFilterNode) node.arr.target = node.name;
      if (node.arr.recursive) node.recursive = true;
      return node;
    } finally {
      this.inForHeader = false;
      this.loopDepth--;
    }
  }

  /** `{% with a = 1, b = x %}body{% endwith %}` */
  private parseWith(tag: Token): NjNode {
    this.nextToken();
    const targets: NjNode[] = [];
    const values: NjNode[] = [];
    while (!this.skip(lexer.TOKEN_BLOCK_END)) {
      if (targets.length > 0 && !this.skip(lexer.TOKEN_COMMA))
        this.fail('expected a comma between {% with %} assignments', tag.lineno, tag.colno);
      const name = this.nextToken();
      if (!name || name.type !== lexer.TOKEN_SYMBOL)
        this.fail('expected a name in {% with %}', tag.lineno, tag.colno);
      if (!this.skipValue(lexer.TOKEN_OPERATOR, '='))
        this.fail(`expected '=' after '${name.value}' in {% with %}`, name.lineno, name.colno);
      targets.push(new nodes.Symbol(name.lineno, name.colno, name.value));
      values.push(this.parseExpression());
    }
    const body = this.parseUntilBlocks('endwith');
    this.advanceAfterBlockEnd();
    return new WithNode(tag.lineno, tag.colno, targets, values, body);
  }

  /** `{% set a, b = 1, 2 %}` and `{% set t = 1, 2 %}`: a bare tuple on the right. */
  override parseSet(): NjNode {
    const tag = this.nextToken()!;
    const node = new nodes.Set(tag.lineno, tag.colno, []);
    for (;;) {
      const target = this.parsePrimary();
      node.targets.push(target);
      if (!this.skip(lexer.TOKEN_COMMA)) break;
    }
    if (!this.skipValue(lexer.TOKEN_OPERATOR, '=')) {
      if (this.peekToken()?.type !== lexer.TOKEN_BLOCK_END)
        this.fail('expected = or the end of the set tag', tag.lineno, tag.colno);
      this.advanceAfterBlockEnd(tag.value); // keeps `-%}` whitespace control for the body
      node.body = new nodes.Capture(tag.lineno, tag.colno, this.parseUntilBlocks('endset'));
      node.value = null;
      this.advanceAfterBlockEnd();
      return node;
    }
    const first = this.parseExpression();
    if (this.peekToken()?.type !== lexer.TOKEN_COMMA) {
      node.value = first;
    } else {
      const tuple = new nodes.Group(first.lineno, first.colno, [first]);
      tuple.tuple = true;
      while (this.skip(lexer.TOKEN_COMMA)) {
        if (this.peekToken()?.type === lexer.TOKEN_BLOCK_END) break;
        tuple.addChild(this.parseExpression());
      }
      node.value = tuple;
    }
    this.advanceAfterBlockEnd(tag.value);
    return node;
  }

  /**
   * Lists, dicts and tuples may end with a comma; `(x,)` is a one-element tuple. What this
   * cannot parse (a slice, `x[1:3]`) goes to nunjucks' Jinja-compat parser from the same token.
   */
  override parseAggregate(): NjNode | null {
    const self = this as unknown as { tokens: Tokenizer; peeked: Token | null };
    const saved = { index: self.tokens.index, lineno: self.tokens.lineno, colno: self.tokens.colno };
    const peeked = self.peeked;
    try {
      return this.parseTrailingCommaAggregate();
    } catch {
      Object.assign(self.tokens, saved);
      self.peeked = peeked;
      return super.parseAggregate();
    }
  }

  private parseTrailingCommaAggregate(): NjNode | null {
    const tok = this.nextToken()!;
    let node: NjNode;
    if (tok.type === lexer.TOKEN_LEFT_PAREN) node = new nodes.Group(tok.lineno, tok.colno);
    else if (tok.type === lexer.TOKEN_LEFT_BRACKET) node = new nodes.Array(tok.lineno, tok.colno);
    else if (tok.type === lexer.TOKEN_LEFT_CURLY) node = new nodes.Dict(tok.lineno, tok.colno);
    else return null;
    let needComma = false;
    for (;;) {
      const type = this.peekToken()!.type;
      if (
        type === lexer.TOKEN_RIGHT_PAREN ||
        type === lexer.TOKEN_RIGHT_BRACKET ||
        type === lexer.TOKEN_RIGHT_CURLY
      ) {
        this.nextToken();
        break;
      }
      if (needComma) {
        if (!this.skip(lexer.TOKEN_COMMA)) this.fail('expected a comma between items', tok.lineno, tok.colno);
        if (node instanceof nodes.Group) node.tuple = true;
        needComma = false;
        continue; // the closing bracket may follow the comma
      }
      needComma = true;
      if (node instanceof nodes.Dict) {
        const key = this.parseExpression();
        if (!this.skip(lexer.TOKEN_COLON))
          this.fail('expected a colon after a dict key', tok.lineno, tok.colno);
        const pair = new nodes.Pair(key.lineno, key.colno, key, this.parseExpression());
        // Jinja evaluates a dict key (`{key.lower(): v}`, `{name: v}`); keyword arguments,
        // which are Pairs too, keep their names
        pair.computedKey = !(key instanceof nodes.Literal && typeof key.value === 'string');
        node.addChild(pair);
      } else {
        node.addChild(this.parseExpression());
      }
    }
    return node;
  }

  /** Adjacent string literals are one string, as in Python and Jinja: `'a' 'b'` is `'ab'`. */
  override parsePrimary(noPostfix?: boolean): NjNode {
    const first = this.peekToken();
    if (!first || first.type !== lexer.TOKEN_STRING) return super.parsePrimary(noPostfix);
    this.nextToken();
    let value = first.value;
    while (this.peekToken()?.type === lexer.TOKEN_STRING) value += this.nextToken()!.value;
    const node = new nodes.Literal(first.lineno, first.colno, value);
    return noPostfix ? node : this.parsePostfix(node);
  }

  /** In a for header the iterable has no inline-if: a trailing `if` filters the items (Jinja). */
  override parseExpression(): NjNode {
    if (!this.inForHeader) return super.parseExpression();
    this.inForHeader = false;
    const arr = this.parseOr();
    const tok = this.peekToken();
    let node = arr;
    if (tok && tok.type === lexer.TOKEN_SYMBOL && tok.value === 'if') {
      this.nextToken();
      node = new LoopFilterNode(arr.lineno, arr.colno, arr, super.parseExpression(), null);
    }
    if (this.skipSymbol('recursive')) node.recursive = true;
    return node;
  }

  /**
   * `x is test`, `x is test(args)` and Jinja's single bare argument (`x is in [1, 2]`,
   * `x is sameas false`); `none`/`true`/`false` name tests, not literals.
   */
  parseIs(): NjNode {
    let node = this.parseCompare();
    if (!this.skipSymbol('is')) return node;
    const negate = this.skipSymbol('not');
    const nameTok = this.nextToken();
    if (!nameTok || ![lexer.TOKEN_SYMBOL, lexer.TOKEN_NONE, lexer.TOKEN_BOOLEAN].includes(nameTok.type))
      throw this.error('expected a test name after "is"', nameTok?.lineno, nameTok?.colno);
    let test: NjNode = new nodes.Symbol(nameTok.lineno, nameTok.colno, nameTok.value);
    const next = this.peekToken();
    if (next && next.type === lexer.TOKEN_LEFT_PAREN) {
      test = new nodes.FunCall(next.lineno, next.colno, test, this.parseSignature());
    } else if (next && startsTestArgument(next)) {
      const arg = this.parsePrimary();
      test = new nodes.FunCall(
        next.lineno,
        next.colno,
        test,
        new nodes.NodeList(next.lineno, next.colno, [arg]),
      );
    }
    node = new nodes.Is(node.lineno, node.colno, node, test);
    return negate ? new nodes.Not(node.lineno, node.colno, node) : node;
  }

  /** At end of file nunjucks has no line to report: use the unclosed tag's. */
  override error(message: string, lineno?: number, colno?: number): Error {
    const open = this.openTags[this.openTags.length - 1];
    if (lineno === undefined && open && !this.peekToken())
      return super.error(
        `${message} (the {% ${open.value} %} on line ${open.lineno + 1} is never closed)`,
        open.lineno,
        open.colno,
      );
    return super.error(message, lineno, colno);
  }
}

/** Parse a template; throws nunjucks' TemplateError (1-based lineno) on syntax errors. */
export function parseTemplate(source: string): NjNode {
  return new DbtParser(jinjaTokens(nj.lexer.lex(source, {}) as Tokenizer)).parseAsRoot();
}
