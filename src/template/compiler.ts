/**
 * Jinja AST → JavaScript render function, using Nunjucks' code generator with the differences
 * dbt's Jinja needs: `{% do %}`, `{% set ns.attr = ... %}` and tuple unpacking,
 * Python truthiness in if/and/or/not, Python operators, tuples, macros with Python argument
 * binding, `return()` and their own error position (each macro body tracks its own line).
 */
import type { CompiledCodeCache } from './code-cache.js';
import { Frame, type NjFrame, type NjNode, nj } from './nunjucks.js';
import { LoopFilterNode, parseTemplate } from './parser.js';

/** The compiled template: nunjucks' calling convention, run by engine.ts with our runtime. */
export type RootRenderFunction = (
  env: unknown,
  context: unknown,
  frame: NjFrame,
  runtime: unknown,
  cb: (err: unknown, result?: string) => void,
) => void;

/** Names the compiler accepts for `| filter` and `is test` (unknown ones fail at compile time). */
export interface KnownNames {
  filters: ReadonlySet<string>;
  tests: ReadonlySet<string>;
}

const { nodes } = nj;

interface CompilerBase {
  buffer: string;
  _emit(code: string): void;
  _emitLine(code: string): void;
  _tmpid(): string;
  _pushBuffer(): string;
  _popBuffer(): void;
  _withScopedSyntax(fn: () => void): void;
  _compileExpression(node: NjNode, frame: NjFrame): void;
  _compileAggregate(node: NjNode, frame: NjFrame, start?: string, end?: string): void;
  _emitLoopBindings(node: NjNode, arr: string, i: string, len: string): void;
  compileFor(node: NjNode, frame: NjFrame): void;
  compile(node: NjNode, frame?: NjFrame): void;
  compileLiteral(node: NjNode, frame?: NjFrame): void;
  fail(message: string, lineno?: number, colno?: number): never;
  assertType(node: NjNode, ...types: unknown[]): void;
  getCode(): string;
  _getNodeName(node: NjNode): string;
  compilePair(node: NjNode, frame: NjFrame): void;
}

const CompilerBase = nj.compiler.Compiler as new (
  name: string | undefined,
  throwOnUndefined: boolean,
) => CompilerBase;

const str = (value: string) => JSON.stringify(value);

class DbtCompiler extends CompilerBase {
  names!: KnownNames;

  override assertType(node: NjNode, ...types: unknown[]): void {
    if (node instanceof LoopFilterNode) return;
    super.assertType(node, ...types);
  }

  /**
   * The callee's name nunjucks pastes into a JS string literal for error messages: a string
   * literal receiver (`'a\n'.format(x)`) may hold newlines or backslashes that would break it.
   */
  override _getNodeName(node: NjNode): string {
    return super._getNodeName(node).replace(/[\\\n\r\u2028\u2029]/g, ' ');
  }

  /** A dict literal's key that is an expression, not a quoted string, is evaluated as Jinja does. */
  override compilePair(node: NjNode, frame: NjFrame): void {
    if (!node.computedKey) {
      super.compilePair(node, frame);
      return;
    }
    this._emit('[runtime.pyDictKey(');
    this._compileExpression(node.key, frame);
    this._emit(')]: ');
    this._compileExpression(node.value, frame);
  }

  /** Record the current position so runtime errors report the right line. */
  private mark(node: NjNode): void {
    this._emit(`lineno = ${node.lineno}; colno = ${node.colno}; `);
  }

  /** `*rest` among call arguments: spread its items (a list, tuple or other iterable). */
  compileSpread(node: NjNode, frame: NjFrame): void {
    this._emit('...runtime.fromIterator(');
    this._compileExpression(node.expr, frame);
    this._emit(')');
  }

  compileDo(node: NjNode, frame: NjFrame): void {
    this.mark(node);
    this._compileExpression(node.expr, frame);
    this._emitLine(';');
  }

  compileOutput(node: NjNode, frame: NjFrame): void {
    for (const child of node.children) {
      if (child instanceof nodes.TemplateData) {
        if (!child.value) continue;
        this._emit(`${this.buffer} += `);
        this.compileLiteral(child, frame);
        this._emitLine(';');
      } else {
        this.mark(child);
        this._emit(`${this.buffer} += runtime.suppressValue(`);
        this.compile(child, frame);
        this._emitLine(');');
      }
    }
  }

  compileSet(node: NjNode, frame: NjFrame): void {
    const value = this._tmpid();
    this.mark(node);
    this._emit(`var ${value} = `);
    if (node.value) this._compileExpression(node.value, frame);
    else this.compile(node.body, frame);
    this._emitLine(';');
    const targets: NjNode[] = node.targets;
    if (targets.length > 1) this._emitLine(`${value} = runtime.unpack(${value}, ${targets.length});`);
    targets.forEach((target, i) => {
      const assigned = targets.length > 1 ? `${value}[${i}]` : value;
      if (target instanceof nodes.Symbol) {
        const name: string = target.value;
        let id: string | undefined = frame.lookup(name);
        if (id === null || id === undefined) {
          id = this._tmpid();
          this._emitLine(`var ${id};`);
        }
        this._emitLine(`${id} = ${assigned};`);
        this._emitLine(`frame.set(${str(name)}, ${id}, true);`);
        this._emitLine(`if (frame.topLevel) { context.setVariable(${str(name)}, ${id}); }`);
      } else if (target instanceof nodes.LookupVal) {
        this._emit('runtime.setAttr(');
        this._compileExpression(target.target, frame);
        this._emit(', ');
        this._compileExpression(target.val, frame);
        this._emitLine(`, ${assigned});`);
      } else {
        this.fail(`cannot assign to ${target.typename}`, target.lineno, target.colno);
      }
    });
  }

  /** `(a, b)` is a tuple (a list here), `(a)` just grouping. */
  compileGroup(node: NjNode, frame: NjFrame): void {
    if (node.children.length === 1 && !node.tuple) this._compileAggregate(node, frame, '(', ')');
    else this._compileAggregate(node, frame, '[', ']');
  }

  /** Keyword arguments, then the items of each `**mapping` in the call. */
  compileKeywordArgs(node: NjNode, frame: NjFrame): void {
    this._emit('runtime.makeKeywordArgs(Object.assign({}, ');
    this._compileAggregate(node, frame, '{', '}');
    for (const splat of (node.splats as NjNode[] | undefined) ?? []) {
      this._emit(', ');
      this._compileExpression(splat, frame);
    }
    this._emit('))');
  }

  compileBreak(): void {
    this._emitLine('break;');
  }

  compileContinue(): void {
    this._emitLine('continue;');
  }

  compileWith(node: NjNode, frame: NjFrame): void {
    this.mark(node);
    const ids = (node.values as NjNode[]).map((value) => {
      const id = this._tmpid();
      this._emit(`var ${id} = `);
      this._compileExpression(value, frame);
      this._emitLine(';');
      return id;
    });
    const inner = frame.push();
    this._emitLine('frame = frame.push();');
    (node.targets as NjNode[]).forEach((target, i) => {
      this._emitLine(`frame.set(${str(target.value)}, ${ids[i]});`);
      inner.set(target.value, ids[i]!);
    });
    this._withScopedSyntax(() => this.compile(node.body, inner));
    this._emitLine('frame = frame.pop();');
  }

  /** The loop being compiled, for loop.depth and the recursive `loop(items)` call. */
  private loopInfo: { fn: string; depth: string } | null = null;

  override _emitLoopBindings(node: NjNode, arr: string, i: string, len: string): void {
    const info = this.loopInfo;
    if (info) {
      // loop(items) recurses; loop.length is set below, so the function's own length must be writable
      const call = this._tmpid();
      this._emitLine(`var ${call} = function (items) { return ${info.fn}(items, ${info.depth} + 1); };`);
      this._emitLine(`Object.defineProperty(${call}, "length", { writable: true, value: 0 });`);
      this._emitLine(`frame.set("loop", ${call});`);
    }
    super._emitLoopBindings(node, arr, i, len);
    this._emitLine(`frame.set("loop.depth", ${info ? info.depth : 1});`);
    this._emitLine(`frame.set("loop.depth0", ${info ? `${info.depth} - 1` : 0});`);
  }

  /**
   * `{% for x in items recursive %}`: the loop becomes a function of its items and depth, so
   * `loop(children)` in the body renders the same loop one level down.
   */
  override compileFor(node: NjNode, frame: NjFrame): void {
    const outer = this.loopInfo;
    try {
      if (!node.recursive) {
        this.loopInfo = null;
        super.compileFor(node, frame);
        return;
      }
      const fn = this._tmpid();
      const items = this._tmpid();
      const depth = this._tmpid();
      const itemsName = `__loop_items_${items}`;
      const outerFrame = this._tmpid();
      this._emitLine(`var ${outerFrame} = frame;`);
      this._emitLine(`var ${fn} = function (${items}, ${depth}) {`);
      this._emitLine(`var frame = ${outerFrame};`);
      const buffer = this._pushBuffer();
      const inner = frame.push();
      inner.set(itemsName, items);
      this.loopInfo = { fn, depth };
      super.compileFor({ ...node, arr: new nodes.Symbol(node.lineno, node.colno, itemsName) }, inner);
      this._emitLine(`return ${buffer};`);
      this._popBuffer();
      this._emitLine('};');
      this._emit(`${this.buffer} += ${fn}(`);
      this._compileExpression(node.arr, frame);
      this._emitLine(', 1);');
    } finally {
      this.loopInfo = outer;
    }
  }

  compileIf(node: NjNode, frame: NjFrame): void {
    this.mark(node);
    this._emit('if (runtime.truthy(');
    this._compileExpression(node.cond, frame);
    this._emitLine(')) {');
    this._withScopedSyntax(() => this.compile(node.body, frame));
    if (node.else_) {
      this._emitLine('} else {');
      this._withScopedSyntax(() => this.compile(node.else_, frame));
    }
    this._emitLine('}');
  }

  compileInlineIf(node: NjNode, frame: NjFrame): void {
    this._emit('(runtime.truthy(');
    this.compile(node.cond, frame);
    this._emit(') ? ');
    this.compile(node.body, frame);
    this._emit(' : ');
    if (node.else_) this.compile(node.else_, frame);
    else this._emit('undefined');
    this._emit(')');
  }

  compileNot(node: NjNode, frame: NjFrame): void {
    this._emit('!runtime.truthy(');
    this.compile(node.target, frame);
    this._emit(')');
  }

  // `a or b` / `a and b` return an operand, as in Python. The shared slot is read right after
  // the truthiness check, before anything else can overwrite it.
  compileOr(node: NjNode, frame: NjFrame): void {
    this._emit('(runtime.tmp = ');
    this.compile(node.left, frame);
    this._emit(', runtime.truthy(runtime.tmp) ? runtime.tmp : ');
    this.compile(node.right, frame);
    this._emit(')');
  }

  compileAnd(node: NjNode, frame: NjFrame): void {
    this._emit('(runtime.tmp = ');
    this.compile(node.left, frame);
    this._emit(', !runtime.truthy(runtime.tmp) ? runtime.tmp : ');
    this.compile(node.right, frame);
    this._emit(')');
  }

  private binary(fn: string, node: NjNode, frame: NjFrame): void {
    this._emit(`runtime.${fn}(`);
    this.compile(node.left, frame);
    this._emit(', ');
    this.compile(node.right, frame);
    this._emit(')');
  }

  compileAdd(node: NjNode, frame: NjFrame): void {
    this.binary('add', node, frame);
  }
  compileSub(node: NjNode, frame: NjFrame): void {
    this.binary('sub', node, frame);
  }
  compileMul(node: NjNode, frame: NjFrame): void {
    this.binary('mul', node, frame);
  }
  compileMod(node: NjNode, frame: NjFrame): void {
    this.binary('mod', node, frame);
  }
  compileConcat(node: NjNode, frame: NjFrame): void {
    this.binary('concat', node, frame);
  }

  compileCompare(node: NjNode, frame: NjFrame): void {
    const ops: NjNode[] = node.ops;
    if (ops.length === 1) {
      this._emit('runtime.compare(');
      this.compile(node.expr, frame);
      this._emit(`, ${str(ops[0].type)}, `);
      this.compile(ops[0].expr, frame);
      this._emit(')');
      return;
    }
    this._emit('runtime.compareChain([');
    this.compile(node.expr, frame);
    for (const op of ops) {
      this._emit(', ');
      this.compile(op.expr, frame);
    }
    this._emit(`], ${JSON.stringify(ops.map((op) => op.type))})`);
  }

  compileFilter(node: NjNode, frame: NjFrame): void {
    const name: string = node.name.value;
    if (!this.names.filters.has(name)) this.fail(`no filter named '${name}'`, node.lineno, node.colno);
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, env.getFilter(${str(name)}).call(context, `);
    this._compileAggregate(node.args, frame);
    this._emit('))');
  }

  compileIs(node: NjNode, frame: NjFrame): void {
    const right: NjNode = node.right;
    const target: NjNode = right instanceof nodes.FunCall ? right.name : right;
    const name = String(target.value);
    if (!this.names.tests.has(name)) this.fail(`no test named '${name}'`, node.lineno, node.colno);
    this._emit(`(env.getTest(${str(name)}).call(context, `);
    this.compile(node.left, frame);
    if (right instanceof nodes.FunCall && right.args.children.length) {
      this._emit(', ');
      this._compileAggregate(right.args, frame);
    }
    this._emit(') === true)');
  }

  compileLoopFilter(node: NjNode, frame: NjFrame): void {
    const item = this._tmpid();
    const condFrame = frame.push();
    this._emit('(function (parentFrame) { return runtime.filterItems(');
    this._compileExpression(node.arr, frame);
    this._emitLine(`, function (${item}) {`);
    this._emitLine('var frame = parentFrame.push();');
    const names: NjNode[] = node.target instanceof nodes.Array ? node.target.children : [node.target];
    names.forEach((name, i) => {
      const id = this._tmpid();
      this._emitLine(`var ${id} = ${names.length > 1 ? `${item}[${i}]` : item};`);
      this._emitLine(`frame.set(${str(name.value)}, ${id});`);
      condFrame.set(name.value, id);
    });
    this._emit('return runtime.truthy(');
    this._compileExpression(node.cond, condFrame);
    this._emit('); }); })(frame)');
  }

  compileMacro(node: NjNode, frame: NjFrame): void {
    const funcId = this.macroFunction(node);
    const name: string = node.name.value;
    frame.set(name, funcId);
    if ((frame as unknown as { parent: unknown }).parent)
      this._emitLine(`frame.set(${str(name)}, ${funcId});`);
    else this._emitLine(`context.setVariable(${str(name)}, ${funcId});`);
  }

  /** The body of `{% call m() %}…{% endcall %}`: a macro that sees the call site's variables. */
  compileCaller(node: NjNode, frame: NjFrame): void {
    this._emit('(function (parentFrame) {');
    const funcId = this.macroFunction(node, frame);
    this._emit(`return ${funcId}; })(frame)`);
  }

  /**
   * Emit `var macro_t_N = runtime.defineMacro(name, params, body)`. The body function gets
   * its arguments already bound Python-style (runtime.MISSING for absent ones), declares its
   * own frame, line and output buffer, and tags errors with its line.
   */
  private macroFunction(node: NjNode, callSiteFrame?: NjFrame): string {
    const params: string[] = [];
    const defaults: NjNode[] = [];
    const args: NjNode[] = node.args.children;
    args.forEach((arg, i) => {
      if (i === args.length - 1 && arg instanceof nodes.KeywordArgs) {
        for (const pair of arg.children) {
          params.push(pair.key.value);
          defaults.push(pair.value);
        }
      } else {
        if (!(arg instanceof nodes.Symbol)) this.fail('macro arguments must be names', arg.lineno, arg.colno);
        params.push(arg.value);
      }
    });
    const required = params.length - defaults.length;
    const funcId = `macro_${this._tmpid()}`;
    const bodyFrame = callSiteFrame ? callSiteFrame.push(true) : new Frame();
    this._emitLine(
      `var ${funcId} = runtime.defineMacro(${str(node.name.value)}, ${JSON.stringify(params)}, function (args, kwargs, varargs, caller) {`,
    );
    this._emitLine(
      callSiteFrame ? 'var frame = parentFrame.push(true);' : 'var frame = new runtime.Frame();',
    );
    this._emitLine(`var lineno = ${node.lineno}, colno = ${node.colno};`);
    params.forEach((name, i) => {
      const id = `l_${name}`;
      if (i < required) {
        this._emitLine(`var ${id} = args[${i}] === runtime.MISSING ? undefined : args[${i}];`);
      } else {
        this._emit(`var ${id} = args[${i}] !== runtime.MISSING ? args[${i}] : `);
        this._compileExpression(defaults[i - required], bodyFrame);
        this._emitLine(';');
      }
      this._emitLine(`frame.set(${str(name)}, ${id});`);
      bodyFrame.set(name, id);
    });
    this._emitLine('frame.set("varargs", varargs); frame.set("kwargs", kwargs);');
    if (!callSiteFrame) this._emitLine('if (caller !== undefined) { frame.set("caller", caller); }');
    const buffer = this._pushBuffer();
    this._emitLine('try {');
    this._withScopedSyntax(() => this.compile(node.body, bodyFrame));
    this._emitLine('} catch (e) { throw runtime.locate(e, lineno); }');
    this._emitLine(`return ${buffer};`);
    this._emitLine('});');
    this._popBuffer();
    return funcId;
  }

  compileBlock(node: NjNode): void {
    this.fail('{% block %} is not supported in dbt templates', node.lineno, node.colno);
  }
  compileExtends(node: NjNode): void {
    this.fail('{% extends %} is not supported in dbt templates', node.lineno, node.colno);
  }
  compileInclude(node: NjNode): void {
    this.fail('{% include %} is not supported in dbt templates', node.lineno, node.colno);
  }
  compileImport(node: NjNode): void {
    this.fail('{% import %} is not supported in dbt templates', node.lineno, node.colno);
  }
  compileFromImport(node: NjNode): void {
    this.fail('{% from ... import %} is not supported in dbt templates', node.lineno, node.colno);
  }
}

/**
 * Parse and compile a template; throws nunjucks' TemplateError (1-based lineno) on syntax errors.
 * With a cache, code compiled by an earlier invocation is evaluated instead.
 */
export function compileTemplate(
  source: string,
  names: KnownNames,
  cache?: CompiledCodeCache,
): RootRenderFunction {
  let code = cache?.get(source);
  if (code === undefined) {
    const ast = parseTemplate(source);
    const compiler = new DbtCompiler(undefined, false);
    compiler.names = names;
    compiler.compile(ast);
    code = compiler.getCode() as string;
    cache?.set(source, code);
  }
  const props = new Function(code)() as { root: RootRenderFunction };
  return props.root;
}
