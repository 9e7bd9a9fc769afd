/**
 * The runtime object compiled templates call (`runtime.memberLookup`, `runtime.callWrap`, ...).
 * It starts from nunjucks' runtime and replaces what must behave like Python/dbt: printing,
 * lookups, calls, macro argument binding and return(), and error positions. One base object per
 * engine; each macro file gets a child carrying its path so errors name the right file.
 */

import { TemplateError } from '../util/errors.js';
import { isKeywordArgs } from './args.js';
import { memberLookup, sliceLookup } from './lookup.js';
import { Frame, nj } from './nunjucks.js';
import { pyAdd, pyCompare, pyIn, pyMod, pyMul, pySub } from './operators.js';
import { isPlainObject, pyStr, truthy } from './pyvalues.js';
import { errorReason, isSignal, LocatedError, ReturnSignal } from './signals.js';

/** Marks arguments a macro call did not pass: only those take the default (an explicit none does not). */
export const MISSING = Symbol('missing');

/** Marker on functions created from `{% macro %}`. */
export const MACRO = Symbol('macro');

export type MacroBody = (
  args: unknown[],
  kwargs: Record<string, unknown>,
  varargs: unknown[],
  caller: unknown,
) => unknown;
export type MacroFunction = ((...args: unknown[]) => unknown) & { [MACRO]?: true };

export interface TemplateRuntime {
  file: string | undefined;
  [name: string]: unknown;
}

function prettyName(name: string): string {
  return name.replace(/\["([^"]*)"\]/g, '.$1');
}

/** Bind call arguments Python-style and turn a `return()` signal into the macro's value. */
function defineMacro(name: string, params: readonly string[], body: MacroBody): MacroFunction {
  const macro: MacroFunction = (...callArgs: unknown[]) => {
    let count = callArgs.length;
    const kw =
      count > 0 && isKeywordArgs(callArgs[count - 1]) ? (callArgs[--count] as Record<string, unknown>) : null;
    const args: unknown[] = new Array(params.length).fill(MISSING);
    const varargs: unknown[] = [];
    for (let i = 0; i < count; i++) {
      if (i < params.length) args[i] = callArgs[i];
      else varargs.push(callArgs[i]);
    }
    const extra: Record<string, unknown> = {};
    let caller: unknown;
    if (kw) {
      for (const key of Object.keys(kw)) {
        if (key === '__keywords') continue;
        const at = params.indexOf(key);
        if (at >= 0) args[at] = kw[key];
        else if (key === 'caller') caller = kw[key];
        else extra[key] = kw[key];
      }
    }
    try {
      return body(args, extra, varargs, caller);
    } catch (error) {
      if (error instanceof ReturnSignal) return error.value;
      throw error;
    }
  };
  Object.defineProperty(macro, 'name', { value: name });
  macro[MACRO] = true;
  return macro;
}

function callWrap(fn: unknown, name: string, _context: unknown, args: unknown[]): unknown {
  if (typeof fn !== 'function') {
    if (fn === undefined || fn === null)
      throw new Error(`'${prettyName(name)}' is undefined (no macro or function with that name)`);
    throw new Error(`'${prettyName(name)}' is not callable`);
  }
  return fn(...args);
}

function fromIterator(value: unknown): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  if (isPlainObject(value)) return Object.keys(value).filter((k) => k !== '__keywords');
  if (Symbol.iterator in value) return Array.from(value as Iterable<unknown>);
  return value;
}

function filterItems(value: unknown, keep: (item: unknown) => boolean): unknown[] {
  const list = typeof value === 'string' ? [...value] : fromIterator(value);
  return Array.isArray(list) ? list.filter(keep) : [];
}

function unpack(value: unknown, count: number): unknown[] {
  const list = typeof value === 'string' ? [...value] : (fromIterator(value) as unknown[]);
  if (!Array.isArray(list) || list.length !== count)
    throw new Error(`cannot unpack ${pyStr(value)} into ${count} variables`);
  return list;
}

function setAttr(obj: unknown, key: unknown, value: unknown): void {
  if (obj === null || obj === undefined || typeof obj !== 'object')
    throw new Error(
      `cannot set attribute '${pyStr(key)}' on ${obj === undefined ? 'an undefined value' : pyStr(obj)}`,
    );
  (obj as Record<string, unknown>)[pyStr(key)] = value;
}

function isLocated(error: unknown): boolean {
  return error instanceof LocatedError || (error instanceof TemplateError && error.file !== undefined);
}

/** The base runtime for an engine: nunjucks' runtime with the Python/dbt behaviour swapped in. */
export function createRuntime(): TemplateRuntime {
  return {
    ...nj.runtime,
    file: undefined,
    Frame,
    MISSING,
    tmp: undefined,
    suppressValue: (value: unknown) => pyStr(value),
    memberLookup(obj: unknown, key: unknown, ...slice: unknown[]) {
      return slice.length === 2 ? sliceLookup(obj, key, slice[0], slice[1]) : memberLookup(obj, key);
    },
    contextOrFrameLookup(
      context: { lookup(name: string): unknown },
      frame: { lookup(name: string): unknown },
      name: string,
    ) {
      const value = frame.lookup(name);
      return value !== undefined ? value : context.lookup(name);
    },
    callWrap,
    // dict keys are strings here: `{1: x}` and `{name: x}` key by the value's Python str
    pyDictKey: (key: unknown) => pyStr(key),
    defineMacro,
    fromIterator,
    filterItems,
    unpack,
    setAttr,
    truthy,
    inOperator: pyIn,
    add: pyAdd,
    sub: pySub,
    mul: pyMul,
    mod: pyMod,
    concat: (a: unknown, b: unknown) => pyStr(a) + pyStr(b),
    compare: pyCompare,
    compareChain(values: unknown[], ops: string[]) {
      return ops.every((op, i) => pyCompare(values[i], op, values[i + 1]));
    },
    /** Called by a macro body's catch: tag the error with this file and the macro's current line. */
    locate(this: TemplateRuntime, error: unknown, lineno: number) {
      if (isSignal(error) || isLocated(error)) return error;
      return new LocatedError(errorReason(error), this.file, lineno + 1, error);
    },
    /** Called by the root function's catch (nunjucks' calling convention). */
    handleError(this: TemplateRuntime, error: unknown, lineno: number) {
      if (isSignal(error)) return error;
      if (error instanceof LocatedError) {
        if (error.file !== undefined && error.callLine === undefined) error.callLine = lineno + 1;
        return error;
      }
      if (isLocated(error)) return error;
      return new LocatedError(errorReason(error), this.file, lineno + 1, error);
    },
  };
}

/** A child runtime whose errors name `file` (one per macro file). */
export function runtimeForFile(base: TemplateRuntime, file: string): TemplateRuntime {
  const child = Object.create(base) as TemplateRuntime;
  child.file = file;
  return child;
}
