/**
 * Jinja tests (`x is none`, `selectattr('a', 'equalto', 1)`), including the operator aliases
 * (`'=='`, `'<'`, ...) and `in`. Undefined counts as none, leniently.
 */

import { SafeString } from './nunjucks.js';
import { pyCompare, pyIn } from './operators.js';
import { isPlainObject, PY_MAPPING, pyEquals, unwrapSafe } from './pyvalues.js';

export type JinjaTest = (value: any, ...args: any[]) => boolean;

const isString = (v: unknown): boolean => typeof v === 'string' || v instanceof SafeString;
const isNone: JinjaTest = (v) => v === null || v === undefined;

export const TESTS: Record<string, JinjaTest> = {
  none: isNone,
  null: isNone,
  None: isNone,
  defined: (v) => v !== undefined,
  undefined: (v) => v === undefined,
  string: isString,
  number: (v) => typeof v === 'number' || typeof v === 'bigint',
  integer: (v) => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint',
  float: (v) => typeof v === 'number' && !Number.isInteger(v),
  boolean: (v) => typeof v === 'boolean',
  true: (v) => v === true,
  True: (v) => v === true,
  false: (v) => v === false,
  False: (v) => v === false,
  mapping: (v) =>
    isPlainObject(v) || v instanceof Map || (typeof v === 'object' && v !== null && PY_MAPPING in v),
  iterable: (v) =>
    isString(v) ||
    Array.isArray(v) ||
    isPlainObject(v) ||
    (typeof v === 'object' && v !== null && Symbol.iterator in v),
  sequence: (v) => isString(v) || Array.isArray(v) || isPlainObject(v),
  callable: (v) => typeof v === 'function',
  sameas: (v, other) => v === other,
  eq: (v, other) => pyEquals(v, other),
  equalto: (v, other) => pyEquals(v, other),
  '==': (v, other) => pyEquals(v, other),
  ne: (v, other) => !pyEquals(v, other),
  '!=': (v, other) => !pyEquals(v, other),
  lt: (v, other) => pyCompare(v, '<', other),
  lessthan: (v, other) => pyCompare(v, '<', other),
  '<': (v, other) => pyCompare(v, '<', other),
  le: (v, other) => pyCompare(v, '<=', other),
  '<=': (v, other) => pyCompare(v, '<=', other),
  gt: (v, other) => pyCompare(v, '>', other),
  greaterthan: (v, other) => pyCompare(v, '>', other),
  '>': (v, other) => pyCompare(v, '>', other),
  ge: (v, other) => pyCompare(v, '>=', other),
  '>=': (v, other) => pyCompare(v, '>=', other),
  in: (v, seq) => pyIn(v, seq),
  divisibleby: (v, n) => Number(v) % Number(n) === 0,
  even: (v) => Number(v) % 2 === 0,
  odd: (v) => Math.abs(Number(v) % 2) === 1,
  lower: (v) => isString(v) && String(unwrapSafe(v)) === String(unwrapSafe(v)).toLowerCase(),
  upper: (v) => isString(v) && String(unwrapSafe(v)) === String(unwrapSafe(v)).toUpperCase(),
  escaped: () => false,
};

/** `filter` and `test` tests need the registries, so they are added where both exist. */
export function withRegistryTests(filters: Record<string, unknown>): Record<string, JinjaTest> {
  return {
    ...TESTS,
    filter: (name) => Object.hasOwn(filters, String(name)),
    test: (name) => Object.hasOwn(TESTS, String(name)),
  };
}
