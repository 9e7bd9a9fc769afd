/** Shared by commands: find the project, parse --vars, load the manifest, print warnings. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { assertAcyclic, Graph } from '../graph/dag.js';
import { INDIRECT_SELECTION_MODES, type IndirectSelection } from '../graph/selector.js';
import type { ResourceType } from '../manifest/types.js';
import { type LoadedProject, loadProject } from '../project/loader.js';
import { isRecord } from '../project/yaml.js';
import { ConfigError } from '../util/errors.js';
import { listFlag, numberFlag, type ParsedArgs, stringFlag } from './args.js';

/** --project-dir, else the current folder, else ./dbt (so `mdw build` works from this repo's root). */
export function projectDir(args: ParsedArgs): string {
  const given = stringFlag(args, 'project-dir') ?? process.env.DBT_PROJECT_DIR;
  if (given) return resolve(given);
  if (existsSync('dbt_project.yml')) return process.cwd();
  if (existsSync(join('dbt', 'dbt_project.yml'))) return resolve('dbt');
  return process.cwd();
}

export function parseVars(text: string | undefined): Record<string, unknown> {
  if (text === undefined) return {};
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (error) {
    throw new ConfigError(
      `--vars must be a YAML or JSON mapping, e.g. '{key: value}': ${(error as Error).message.split('\n')[0]}`,
    );
  }
  if (!isRecord(value)) throw new ConfigError(`--vars must be a YAML or JSON mapping, e.g. '{key: value}'.`);
  return value;
}

export function load(args: ParsedArgs, warn: (line: string) => void): LoadedProject {
  const loaded = loadProject({
    projectDir: projectDir(args),
    profilesDir: stringFlag(args, 'profiles-dir') ?? undefined,
    target: stringFlag(args, 'target'),
    cliVars: parseVars(stringFlag(args, 'vars')),
    partialParse: args.flags['no-partial-parse'] !== true,
  });
  assertAcyclic(Graph.fromManifest(loaded.manifest));
  for (const warning of loaded.warnings) warn(`[WARNING]: ${warning}`);
  return loaded;
}

export interface SelectionArgs {
  select?: string[];
  exclude?: string[];
  threads?: number;
  indirectSelection?: IndirectSelection;
  /** `--selector`: a YAML selector of selectors.yml */
  selector?: string;
}

export function selectionArgs(args: ParsedArgs): SelectionArgs {
  const indirect = indirectSelection(args);
  return {
    select: listFlag(args, 'select') ?? listFlag(args, 'models'),
    exclude: listFlag(args, 'exclude'),
    threads: numberFlag(args, 'threads'),
    ...(indirect ? { indirectSelection: indirect } : {}),
    ...(stringFlag(args, 'selector') !== undefined ? { selector: stringFlag(args, 'selector') } : {}),
  };
}

/** `--indirect-selection`, else dbt's DBT_INDIRECT_SELECTION; undefined means dbt's default (eager). */
export function indirectSelection(args: ParsedArgs): IndirectSelection | undefined {
  const flag = stringFlag(args, 'indirect-selection');
  const value = flag ?? process.env.DBT_INDIRECT_SELECTION;
  if (value === undefined || value === '') return undefined;
  const mode = value.toLowerCase();
  if (!(INDIRECT_SELECTION_MODES as readonly string[]).includes(mode)) {
    const where = flag !== undefined ? '--indirect-selection' : 'DBT_INDIRECT_SELECTION';
    throw new ConfigError(`${where} must be one of ${INDIRECT_SELECTION_MODES.join(', ')}; got '${value}'.`);
  }
  return mode as IndirectSelection;
}

/**
 * `--resource-type` (only these) and `--exclude-resource-type` (all but these) over `defaults`,
 * each checked against `known`.
 */
export function resourceTypeFlags(
  args: ParsedArgs,
  known: readonly string[],
  defaults: readonly string[],
): ResourceType[] {
  const only = listFlag(args, 'resource-type') ?? [];
  const without = listFlag(args, 'exclude-resource-type') ?? [];
  for (const [flag, types] of [
    ['--resource-type', only],
    ['--exclude-resource-type', without],
  ] as const) {
    for (const type of types)
      if (!known.includes(type))
        throw new ConfigError(`Unknown ${flag} '${type}'; use one of ${known.join(', ')}.`);
  }
  const base = only.length > 0 ? only : defaults;
  return base.filter((type) => !without.includes(type)) as ResourceType[];
}
