/**
 * Typed access to the parts of Nunjucks we build on: its lexer/parser/compiler produce the
 * JavaScript for a template, and we run that code with our own runtime object (see
 * runtime.ts) instead of Nunjucks' Environment, so nothing global is patched except the
 * slice syntax from Nunjucks' own Jinja-compat layer.
 */
import nunjucks from 'nunjucks';

/** An AST node as produced by the Nunjucks parser (fields differ per node type). */
export interface NjNode {
  readonly typename: string;
  lineno: number;
  colno: number;
  children: NjNode[];
  [field: string]: any;
}

/** A compile-time or run-time scope (nunjucks' Frame). */
export interface NjFrame {
  set(name: string, value: unknown, resolveUp?: boolean): void;
  lookup(name: string): any;
  push(isolateWrites?: boolean): NjFrame;
  pop(): NjFrame;
  topLevel: boolean;
}

/** The nunjucks modules that are not in @types/nunjucks. */
interface NunjucksInternals {
  parser: { Parser: any };
  compiler: { Compiler: any };
  lexer: { lex(src: string, opts?: object): unknown; [token: string]: any };
  nodes: Record<string, any> & { Node: any };
  runtime: Record<string, any> & { Frame: new () => NjFrame; SafeString: any };
  lib: { TemplateError: any };
  installJinjaCompat(): void;
}

export const nj = nunjucks as unknown as NunjucksInternals;

// Jinja slices (`x[1:3]`) come from nunjucks' compat layer, which patches its parser
// prototypes; install it once per process (a marker on the module object keeps it idempotent).
const COMPAT_MARKER = Symbol.for('mdw.nunjucks.jinjaCompat');
const marked = nunjucks as unknown as Record<symbol, boolean>;
if (!marked[COMPAT_MARKER]) {
  nj.installJinjaCompat();
  marked[COMPAT_MARKER] = true;
}

export const Frame = nj.runtime.Frame;
export const SafeString = nj.runtime.SafeString;
