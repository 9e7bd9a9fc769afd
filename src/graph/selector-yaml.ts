/**
 * dbt's YAML selectors (`selectors.yml` at the project root), parsed into selection trees:
 *
 *   selectors:
 *     - name: nightly
 *       default: true            # used when no --select/--exclude/--selector is given
 *       definition:              # a string ("tag:nightly+"), a criterion, or a set operator
 *         union:
 *           - method: tag
 *             value: nightly
 *             children: true
 *             indirect_selection: cautious
 *           - intersection: ["tag:a", "path:models/b"]
 *           - exclude: ["stg_x"]   # one exclude per set operator, subtracted from the rest
 *           - method: selector     # another selector defined above this one
 *             value: daily
 *
 * A criterion is `{method, value}` (with parents, parents_depth, children, children_depth,
 * childrens_parents, indirect_selection, exclude) or the one-key shorthand `{tag: nightly}`.
 * Set operators carry dbt's default indirect selection (eager); a criterion without
 * `indirect_selection` takes --indirect-selection (undefined here, resolved when selecting).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../util/errors.js';
import type { IndirectSelection } from './selector.js';
import { parseCriterion, type SelectionCriterion } from './selector-parse.js';

const MODES: readonly string[] = ['eager', 'cautious', 'buildable', 'empty'];

export type SelectionSpec =
  | { kind: 'criterion'; criterion: SelectionCriterion; indirect?: IndirectSelection }
  | { kind: 'union' | 'intersection' | 'difference'; parts: SelectionSpec[] };

export interface ProjectSelector {
  name: string;
  description?: string;
  default: boolean;
  definition: SelectionSpec;
}

/** The selectors of a `selectors.yml` text, in file order; `file` names it in errors. */
export function parseSelectorsFile(text: string, file: string): Map<string, ProjectSelector> {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const list = (doc as { selectors?: unknown } | null)?.selectors;
  if (!Array.isArray(list)) throw new ConfigError(`${file}: expected a top-level 'selectors:' list.`);
  const selectors = new Map<string, ProjectSelector>();
  for (const entry of list) {
    const item = entry as Record<string, unknown> | null;
    const name = item?.name;
    if (typeof name !== 'string' || name === '')
      throw new ConfigError(`${file}: every selector needs a 'name'.`);
    if (item?.definition === undefined)
      throw new ConfigError(`${file}: selector '${name}' has no 'definition'.`);
    if (selectors.has(name)) throw new ConfigError(`${file}: selector '${name}' is defined twice.`);
    const where = `${file}: selector '${name}'`;
    const definition = item.definition;
    if (isDict(definition) && ('union' in definition || 'intersection' in definition)) {
      if (Object.keys(definition).length > 1)
        throw new ConfigError(
          `${where}: only a single 'union' or 'intersection' key is allowed in a root level selector definition; found ${Object.keys(definition).join(',')}.`,
        );
    }
    selectors.set(name, {
      name,
      ...(typeof item.description === 'string' ? { description: item.description } : {}),
      default: item.default === true,
      definition: parseDefinition(definition, where, selectors),
    });
  }
  const defaults = [...selectors.values()].filter((selector) => selector.default);
  if (defaults.length > 1)
    throw new ConfigError(
      `${file}: only one selector may set 'default: true'; found ${defaults.map((s) => s.name).join(', ')}.`,
    );
  return selectors;
}

function isDict(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function parseDefinition(
  definition: unknown,
  where: string,
  known: Map<string, ProjectSelector>,
): SelectionSpec {
  if (typeof definition === 'string') return { kind: 'criterion', criterion: criterionIn(definition, where) };
  if (!isDict(definition))
    throw new ConfigError(`${where}: expected a union, an intersection, a string or a mapping.`);
  if ('union' in definition) return setOperator('union', definition.union, where, known);
  if ('intersection' in definition) return setOperator('intersection', definition.intersection, where, known);
  return parseCriterionDefinition(definition, where, known);
}

/** `union:` / `intersection:` with at most one `exclude:` entry, subtracted from the result. */
function setOperator(
  kind: 'union' | 'intersection',
  value: unknown,
  where: string,
  known: Map<string, ProjectSelector>,
): SelectionSpec {
  if (!Array.isArray(value)) throw new ConfigError(`${where}: the value of '${kind}' must be a list.`);
  const parts: SelectionSpec[] = [];
  let exclude: SelectionSpec | undefined;
  for (const entry of value) {
    if (isDict(entry) && 'exclude' in entry) {
      if (exclude)
        throw new ConfigError(
          `${where}: only one 'exclude' may be given to the same '${kind}' (merge the two lists).`,
        );
      exclude = exclusions(entry.exclude, where, known);
    } else {
      parts.push(parseDefinition(entry, where, known));
    }
  }
  const combined: SelectionSpec = { kind, parts };
  return exclude ? { kind: 'difference', parts: [combined, exclude] } : combined;
}

function exclusions(value: unknown, where: string, known: Map<string, ProjectSelector>): SelectionSpec {
  if (!Array.isArray(value)) throw new ConfigError(`${where}: the value of 'exclude' must be a list.`);
  const parts = value.map((entry) => parseDefinition(entry, where, known));
  return parts.length === 1 ? parts[0]! : { kind: 'union', parts };
}

function parseCriterionDefinition(
  definition: Record<string, unknown>,
  where: string,
  known: Map<string, ProjectSelector>,
): SelectionSpec {
  const keys = Object.keys(definition);
  if (definition.method === 'selector') {
    const other = known.get(String(definition.value));
    if (!other)
      throw new ConfigError(
        `${where}: no selector named '${String(definition.value)}' is defined above it (method: selector).`,
      );
    return other.definition;
  }
  let spec: Record<string, unknown>;
  if (keys.length === 1) spec = { method: keys[0], value: definition[keys[0]!] };
  else if ('method' in definition && 'value' in definition) spec = definition;
  else
    throw new ConfigError(
      `${where}: expected either one key or 'method' and 'value' keys, but got ${keys.join(', ')}.`,
    );
  const criterion = criterionIn(criterionText(spec, where), where);
  const indirect = spec.indirect_selection;
  if (indirect !== undefined && !MODES.includes(String(indirect)))
    throw new ConfigError(
      `${where}: indirect_selection must be one of ${MODES.join(', ')}; got '${String(indirect)}'.`,
    );
  const base: SelectionSpec = {
    kind: 'criterion',
    criterion,
    ...(indirect !== undefined ? { indirect: String(indirect) as IndirectSelection } : {}),
  };
  if (!('exclude' in definition) || keys.length === 1) return base;
  return { kind: 'difference', parts: [base, exclusions(definition.exclude, where, known)] };
}

/** parseCriterion, its message prefixed with the file and selector. */
function criterionIn(text: string, where: string): SelectionCriterion {
  try {
    return parseCriterion(text);
  } catch (error) {
    if (error instanceof ConfigError) throw new ConfigError(`${where}: ${error.message}`);
    throw error;
  }
}

/** The criterion in `--select` syntax: `[@][N+]method:value[+N]`. */
function criterionText(spec: Record<string, unknown>, where: string): string {
  const value = spec.value;
  if (value === undefined || value === null || typeof value === 'object')
    throw new ConfigError(`${where}: a criterion needs a scalar 'value'.`);
  const depth = (key: string): string => {
    const raw = spec[key];
    if (raw === undefined || raw === null) return '';
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${where}: ${key} must be a whole number.`);
    return String(n);
  };
  const parentsDepth = depth('parents_depth');
  const childrenDepth = depth('children_depth');
  // as in dbt, a depth without `parents: true` / `children: true` selects nothing more
  const parents = spec.parents === true ? `${parentsDepth}+` : '';
  const children = spec.children === true ? `+${childrenDepth}` : '';
  const at = spec.childrens_parents === true ? '@' : '';
  return `${at}${parents}${String(spec.method)}:${String(value)}${children}`;
}

/** The project's selectors.yml (dbt reads it from the project root only); empty without one. */
export function readProjectSelectors(root: string): Map<string, ProjectSelector> {
  const file = join(root, 'selectors.yml');
  if (!existsSync(file)) return new Map();
  return parseSelectorsFile(readFileSync(file, 'utf8'), 'selectors.yml');
}
