/**
 * Parses dbt's `--select` / `--exclude` arguments into set expressions.
 *
 * Each CLI argument is split on whitespace (a union of tokens); each token is split on
 * commas (an intersection of criteria); each criterion is
 *
 *     [@][N+][method[.arg...]:]value[+N]
 *
 * Without an explicit method the value picks one: `path` when it contains a path
 * separator, `file` when it ends in .sql/.py/.csv, otherwise `fqn` (which also covers
 * model names, folders and packages).
 */
import { ConfigError } from '../util/errors.js';

export const SELECTOR_METHODS = [
  'config',
  'file',
  'fqn',
  'metric',
  'package',
  'path',
  'resource_type',
  'saved_query',
  'semantic_model',
  'source',
  'tag',
  'test_name',
  'test_type',
  'unit_test',
] as const;

export type SelectorMethod = (typeof SELECTOR_METHODS)[number];

export interface SelectionCriterion {
  /** The criterion as written, e.g. `+tag:nightly`. */
  raw: string;
  method: SelectorMethod;
  /** Dotted arguments after the method: `config.meta.pii:true` → ['meta', 'pii']. */
  methodArgs: string[];
  value: string;
  /** `+x` / `N+x`: add ancestors, `parentsDepth` hops deep (undefined = all). */
  parents: boolean;
  parentsDepth?: number;
  /** `x+` / `x+N`: add descendants. */
  children: boolean;
  childrenDepth?: number;
  /** `@x`: add descendants and every ancestor of those descendants. */
  childrensParents: boolean;
}

/** One whitespace-separated token: the intersection of its comma-separated criteria. */
export interface SelectionIntersection {
  raw: string;
  criteria: SelectionCriterion[];
}

const METHOD_NAMES: ReadonlySet<string> = new Set(SELECTOR_METHODS);

// Methods dbt has that need artifacts or resource types mdw does not have.
const UNSUPPORTED_DBT_METHODS: ReadonlySet<string> = new Set([
  'access',
  'exposure',
  'group',
  'result',
  'selector',
  'source_status',
  'state',
  'version',
]);

const CRITERION = /^(@)?(?:(\d*)\+)?(?:([\w.]+):)?(.+?)(?:\+(\d*))?$/s;

/** The union of all tokens in `args`; an empty result means "no selection given". */
export function parseSelectionArgs(args: readonly string[]): SelectionIntersection[] {
  const tokens: SelectionIntersection[] = [];
  for (const arg of args) {
    for (const token of arg.split(/\s+/)) {
      if (token !== '') tokens.push(parseIntersection(token));
    }
  }
  return tokens;
}

function parseIntersection(token: string): SelectionIntersection {
  const parts = token.split(',');
  if (parts.some((part) => part === '')) {
    throw new ConfigError(`Invalid selector '${token}': a comma must join two selection criteria.`);
  }
  return { raw: token, criteria: parts.map(parseCriterion) };
}

export function parseCriterion(raw: string): SelectionCriterion {
  const match = CRITERION.exec(raw);
  if (!match) throw invalid(raw, 'expected [@][N+][method:]value[+N]');
  const [, at, parentsDepth, methodSpec, value, childrenDepth] = match;
  const parents = parentsDepth !== undefined;
  const children = childrenDepth !== undefined;
  if (/[+@]/.test(value)) throw invalid(raw, "'+' and '@' may only appear once, at either end");
  if (at && (parents || children)) throw invalid(raw, "the '@' operator cannot be combined with '+'");

  let method: SelectorMethod;
  let methodArgs: string[] = [];
  if (methodSpec === undefined) {
    method = defaultMethod(value);
  } else {
    const [name, ...args] = methodSpec.split('.');
    if (UNSUPPORTED_DBT_METHODS.has(name)) {
      throw new ConfigError(
        `Selector method '${name}' (in '${raw}') is not supported by mdw; valid methods are: ${SELECTOR_METHODS.join(', ')}.`,
      );
    }
    if (!METHOD_NAMES.has(name)) {
      throw new ConfigError(
        `Unknown selector method '${methodSpec}' in '${raw}'; valid methods are: ${SELECTOR_METHODS.join(', ')}.`,
      );
    }
    method = name as SelectorMethod;
    methodArgs = args;
    if (method === 'config' ? args.length === 0 || args.some((a) => a === '') : args.length > 0) {
      throw invalid(
        raw,
        method === 'config'
          ? "the config method needs a key, as in 'config.materialized:table'"
          : `the ${method} method takes no '.' arguments`,
      );
    }
  }

  return {
    raw,
    method,
    methodArgs,
    value,
    parents,
    parentsDepth: depth(parentsDepth),
    children,
    childrenDepth: depth(childrenDepth),
    childrensParents: at !== undefined,
  };
}

function defaultMethod(value: string): SelectorMethod {
  if (value.includes('/') || value.includes('\\')) return 'path';
  if (/\.(sql|py|csv)$/i.test(value)) return 'file';
  return 'fqn';
}

function depth(digits: string | undefined): number | undefined {
  return digits ? Number.parseInt(digits, 10) : undefined;
}

function invalid(raw: string, why: string): ConfigError {
  return new ConfigError(`Invalid selector '${raw}': ${why}.`);
}
