/**
 * Node-independent globals of dbt's Jinja context that need no render state: range, zip, dict,
 * namespace, set, tojson/fromjson/toyaml/fromyaml, local_md5, modules.datetime / modules.re.
 */
import { createHash } from 'node:crypto';
import { itertoolsModule } from './adapter-api.js';
import { bindArgs, splitArgs } from './args.js';
import { datetimeModule, pytzNamespace } from './modules/datetime.js';
import { reModule } from './modules/re.js';
import { isPlainObject, Namespace, PyModule, PySet, pyEquals, pyStr, truthy } from './pyvalues.js';
import { fromJson, fromYaml, toJson, toYaml } from './serialize.js';

/** Jinja refuses ranges longer than this (MAX_RANGE), as a guard against runaway loops. */
const MAX_RANGE = 100_000;

function range(...args: unknown[]): number[] {
  const nums = splitArgs(args).positional.map(Number);
  const [start, stop, step] = nums.length === 1 ? [0, nums[0], 1] : [nums[0], nums[1], nums[2] ?? 1];
  if (step === 0) throw new Error('range() arg 3 must not be zero');
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
    if (out.length >= MAX_RANGE) throw new Error(`range() is limited to ${MAX_RANGE} items`);
    out.push(i);
  }
  return out;
}

function iterate(value: unknown): unknown[] {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return [...value];
  if (Array.isArray(value)) return value;
  if (isPlainObject(value)) return Object.keys(value);
  if (typeof value === 'object' && Symbol.iterator in value) return Array.from(value as Iterable<unknown>);
  throw new Error(`${pyStr(value)} is not iterable`);
}

function zip(...args: unknown[]): unknown[][] {
  const lists = splitArgs(args).positional.map(iterate);
  if (lists.length === 0) return [];
  const n = Math.min(...lists.map((l) => l.length));
  return Array.from({ length: n }, (_v, i) => lists.map((l) => l[i]));
}

function dict(...args: unknown[]): Record<string, unknown> {
  const { positional, keywords } = splitArgs(args);
  const out: Record<string, unknown> = {};
  const source = positional[0];
  if (Array.isArray(source)) for (const pair of source as unknown[][]) out[pyStr(pair[0])] = pair[1];
  else if (source && typeof source === 'object') Object.assign(out, source);
  return Object.assign(out, keywords);
}

function uniqueSet(value: unknown): PySet {
  const out = new PySet();
  for (const item of iterate(value)) if (!out.some((seen) => pyEquals(seen, item))) out.push(item);
  return out;
}

/** What `{{ dbt_version }}` renders: the dbt-core version mdw is compatible with. */
export const DBT_VERSION = '1.11.0';

export function createStaticGlobals(): Map<string, unknown> {
  return new Map<string, unknown>([
    ['range', range],
    ['zip', zip],
    ['dict', dict],
    [
      'namespace',
      (...args: unknown[]) => {
        const { positional, keywords } = splitArgs(args);
        return new Namespace({ ...(isPlainObject(positional[0]) ? positional[0] : {}), ...keywords });
      },
    ],
    ['set', (value: unknown) => uniqueSet(value)],
    ['set_strict', (value: unknown) => uniqueSet(value)],
    [
      'tojson',
      (...args: unknown[]) => {
        const { value, sort_keys } = bindArgs(args, ['value', 'sort_keys']);
        return toJson(value, { sortKeys: truthy(sort_keys) });
      },
    ],
    [
      'fromjson',
      (...args: unknown[]) => {
        const { string, default: fallback } = bindArgs(args, ['string', 'default'], { default: null });
        return fromJson(string, fallback);
      },
    ],
    [
      'toyaml',
      (...args: unknown[]) => {
        const { value, sort_keys } = bindArgs(args, ['value', 'default', 'sort_keys']);
        return toYaml(value, truthy(sort_keys));
      },
    ],
    [
      'fromyaml',
      (...args: unknown[]) => {
        const { value, default: fallback } = bindArgs(args, ['value', 'default'], { default: null });
        return fromYaml(value, fallback);
      },
    ],
    ['local_md5', (value: unknown) => createHash('md5').update(pyStr(value)).digest('hex')],
    [
      'modules',
      new PyModule('modules', {
        datetime: new PyModule('datetime', datetimeModule()),
        re: new PyModule('re', reModule()),
        itertools: new PyModule('itertools', itertoolsModule()),
        pytz: new PyModule('pytz', pytzNamespace()),
      }),
    ],
    // the dbt-core release whose behaviour mdw follows (packages read it in require checks and logs)
    ['dbt_version', DBT_VERSION],
  ]);
}
