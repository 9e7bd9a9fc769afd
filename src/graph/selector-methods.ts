/**
 * Selector methods: which nodes/sources one criterion's `method:value` matches, before
 * any graph operator is applied. Each method compiles its value once into a predicate.
 */
import type { SemanticResource, UnitTestDefinition } from '../manifest/resources.js';
import type { ManifestNode, SourceDefinition } from '../manifest/types.js';
import { ConfigError } from '../util/errors.js';
import type { SelectionCriterion, SelectorMethod } from './selector-parse.js';
import { nameMatcher, pathPattern } from './wildcard.js';

export type SelectableNode = ManifestNode | SourceDefinition | UnitTestDefinition | SemanticResource;

export interface MethodContext {
  /** Name of the root project, for `package:this`. */
  rootProject: string;
}

type Predicate = (node: SelectableNode) => boolean;

const TEST_TYPES = ['generic', 'singular', 'data', 'unit'] as const;

// Resource types dbt knows; the ones mdw lacks simply match nothing.
const DBT_RESOURCE_TYPES = [
  'analysis',
  'exposure',
  'function',
  'metric',
  'model',
  'saved_query',
  'seed',
  'semantic_model',
  'snapshot',
  'source',
  'test',
  'unit_test',
] as const;

const METHODS: Record<SelectorMethod, (value: string, args: string[], ctx: MethodContext) => Predicate> = {
  fqn: fqnPredicate,
  tag: (value) => {
    const matches = nameMatcher(value);
    return (node) => tagsOf(node).some(matches);
  },
  package: (value, _args, ctx) => {
    const matches = nameMatcher(value === 'this' ? ctx.rootProject : value);
    return (node) => matches(node.package_name);
  },
  resource_type: (value) => {
    if (!(DBT_RESOURCE_TYPES as readonly string[]).includes(value)) {
      throw new ConfigError(
        `Invalid resource_type selector '${value}'; expected one of: ${DBT_RESOURCE_TYPES.join(', ')}.`,
      );
    }
    return (node) => node.resource_type === value;
  },
  path: (value) => {
    const re = pathPattern(normalizePath(value));
    return (node) => filePaths(node).some((file) => fileOrFolderMatches(file, re));
  },
  file: (value) => {
    const matches = nameMatcher(value);
    return (node) => {
      const base = baseName(node.original_file_path);
      return matches(base) || matches(stem(base));
    };
  },
  source: (value) => {
    const parts = value.split('.');
    if (parts.length > 3) {
      throw new ConfigError(
        `Invalid source selector '${value}'; expected source_name, source_name.table_name or package.source_name.table_name.`,
      );
    }
    const padded = parts.length === 3 ? parts : [undefined, parts[0], parts[1]];
    const [pkg, source, table] = padded.map((part) => (part === undefined ? () => true : nameMatcher(part)));
    return (node) =>
      node.resource_type === 'source' &&
      pkg(node.package_name) &&
      source(node.source_name) &&
      table(node.name);
  },
  config: (value, keyPath) => (node) => configMatches(lookup(node.config, keyPath), value),
  test_type: (value) => {
    if (!(TEST_TYPES as readonly string[]).includes(value)) {
      throw new ConfigError(
        `Invalid test_type selector '${value}'; expected one of: ${TEST_TYPES.join(', ')}.`,
      );
    }
    return (node) => {
      if (value === 'unit') return node.resource_type === 'unit_test';
      if (node.resource_type !== 'test') return false;
      const generic = node.test_metadata !== undefined && node.test_metadata !== null;
      return value === 'data' || (value === 'generic' ? generic : value === 'singular' && !generic);
    };
  },
  unit_test: (value) => namedResource('unit_test', value),
  metric: (value) => namedResource('metric', value),
  semantic_model: (value) => namedResource('semantic_model', value),
  saved_query: (value) => namedResource('saved_query', value),
  test_name: (value) => {
    const matches = nameMatcher(value);
    return (node) => {
      const meta = node.resource_type === 'test' ? node.test_metadata : undefined;
      if (!meta) return false;
      // `dbt_utils.equality` names the namespace too; plain `equality` matches any namespace.
      return matches(meta.name) || (!!meta.namespace && matches(`${meta.namespace}.${meta.name}`));
    };
  },
};

/** `unit_test:name`, `metric:pkg.name`, ...: resources of one type by name, optionally package-qualified. */
function namedResource(type: string, value: string): Predicate {
  const dot = value.lastIndexOf('.');
  const name = nameMatcher(dot < 0 ? value : value.slice(dot + 1));
  const pkg = dot < 0 ? () => true : nameMatcher(value.slice(0, dot));
  return (node) => node.resource_type === type && name(node.name) && pkg(node.package_name);
}

/** Ids of `candidates` that `criterion`'s method and value match (graph operators not applied). */
export function matchCriterion(
  criterion: SelectionCriterion,
  candidates: Iterable<SelectableNode>,
  ctx: MethodContext,
): Set<string> {
  const predicate = METHODS[criterion.method](criterion.value, criterion.methodArgs, ctx);
  const matched = new Set<string>();
  for (const node of candidates) if (predicate(node)) matched.add(node.unique_id);
  return matched;
}

/**
 * dbt's fqn rule: the selector's dot-separated parts are a prefix of the fqn, either
 * including the package (`shop.staging.orders`) or without it (`staging.orders`,
 * `staging` for a whole folder, `staging.*` for everything below it). A plain name
 * also matches the fqn's last part with wildcards (`stg_*` in any folder).
 */
function fqnPredicate(selector: string): Predicate {
  const parts = selector.split('.').map(nameMatcher);
  const isPrefixFrom = (fqn: readonly string[], offset: number) =>
    parts.length <= fqn.length - offset && parts.every((matches, i) => matches(fqn[i + offset]));
  return ({ fqn }) =>
    (parts.length === 1 && fqn.length > 0 && parts[0](fqn[fqn.length - 1])) ||
    isPrefixFrom(fqn, 0) ||
    isPrefixFrom(fqn, 1);
}

function tagsOf(node: SelectableNode): string[] {
  const configTags = node.config?.tags;
  return Array.isArray(configTags) ? [...node.tags, ...configTags.map(String)] : node.tags;
}

function normalizePath(value: string): string {
  return value
    .replaceAll('\\', '/')
    .replace(/^(\.\/)+/, '')
    .replace(/\/+$/, '');
}

/** A node's file relative to the project root, and relative to its resource folder. */
function filePaths(node: SelectableNode): string[] {
  const paths = [normalizePath(node.original_file_path)];
  if (node.path && node.path !== node.original_file_path) paths.push(normalizePath(node.path));
  return paths;
}

/** True when the glob names the file itself or any folder that contains it. */
function fileOrFolderMatches(file: string, re: RegExp): boolean {
  for (let end = file.indexOf('/'); end !== -1; end = file.indexOf('/', end + 1)) {
    if (re.test(file.slice(0, end))) return true;
  }
  return re.test(file);
}

function baseName(file: string): string {
  const normalized = file.replaceAll('\\', '/');
  return normalized.slice(normalized.lastIndexOf('/') + 1);
}

function stem(base: string): string {
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(0, dot) : base;
}

function lookup(config: unknown, keyPath: readonly string[]): unknown {
  let value = config;
  for (const key of keyPath) {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Strings compare exactly, booleans/numbers by their text (`true`, `True`), lists by any element. */
function configMatches(value: unknown, selector: string): boolean {
  if (Array.isArray(value)) return value.some((item) => configMatches(item, selector));
  if (typeof value === 'string') return value === selector;
  if (typeof value === 'boolean') return String(value) === selector.toLowerCase();
  if (typeof value === 'number' || typeof value === 'bigint') return String(value) === selector;
  return false;
}
