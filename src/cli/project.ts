/** Shared by commands: find the project, parse --vars, load the manifest, print warnings. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { assertAcyclic, Graph } from '../graph/dag.js';
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

export function selectionArgs(args: ParsedArgs): { select?: string[]; exclude?: string[]; threads?: number } {
  return {
    select: listFlag(args, 'select') ?? listFlag(args, 'models'),
    exclude: listFlag(args, 'exclude'),
    threads: numberFlag(args, 'threads'),
  };
}
