/**
 * Project files → Manifest. Reads dbt_project.yml and profiles.yml, then each resource type
 * with its own parser (parse/: docs, properties, sources, models, seeds, snapshots, tests,
 * macros), renders each SQL node once at parse time (execute=false) to learn its refs, sources
 * and in-file config, then resolves relations. The DAG's cycle check is the caller's (graph/).
 */
import { join } from 'node:path';
import type { Manifest, ProjectConfig, TargetConfig } from '../manifest/types.js';
import { createTemplateEngine } from '../template/engine.js';
import type { TemplateEngine } from '../template/types.js';
import { ConfigError, TemplateError } from '../util/errors.js';
import { MDW_VERSION } from '../version.js';
import { readDocs } from './parse/docs.js';
import { readMacroFiles } from './parse/macros.js';
import { assembleManifest } from './parse/manifest.js';
import { readModels } from './parse/models.js';
import { readProperties, warnUnmatchedPatches } from './parse/property-files.js';
import { resolveDependencies } from './parse/relations.js';
import { readSeeds } from './parse/seeds.js';
import { readSnapshots } from './parse/snapshots.js';
import { readSources } from './parse/sources.js';
import { ParseState } from './parse/state.js';
import { readGenericTests, readSingularTests } from './parse/tests.js';
import { checksum, ParseCache } from './parse-cache.js';
import { loadProjectAndTarget } from './project-config.js';

export interface LoadOptions {
  projectDir: string;
  profilesDir?: string;
  target?: string;
  /** --vars, already parsed */
  cliVars?: Record<string, unknown>;
  /** reuse target/partial_parse.json (dbt's --partial-parse, on by default) */
  partialParse?: boolean;
}

export interface LoadedProject {
  project: ProjectConfig;
  target: TargetConfig;
  manifest: Manifest;
  engine: TemplateEngine;
  vars: Record<string, unknown>;
  warnings: string[];
  invocationId: string;
  runStartedAt: Date;
}

export function loadProject(options: LoadOptions): LoadedProject {
  const projectWarnings: string[] = [];
  const { project, target } = loadProjectAndTarget({
    projectDir: options.projectDir,
    profilesDir: options.profilesDir,
    target: options.target,
    cliVars: options.cliVars,
    warnings: projectWarnings,
  });
  const macroFiles = readMacroFiles(project);
  const engine = createTemplateEngine({ macroFiles, adapterType: target.type, rootPackage: project.name });
  const vars = { ...project.vars, ...(options.cliVars ?? {}) };
  const globalKey = checksum(
    MDW_VERSION,
    JSON.stringify(vars),
    JSON.stringify(target),
    JSON.stringify(project.config_trees),
    ...macroFiles.map((file) => `${file.path}\n${file.contents}`),
  );
  const cachePath =
    options.partialParse === false ? null : join(project.root, project.target_path, 'partial_parse.json');
  const cache = new ParseCache(cachePath, globalKey);
  const state = new ParseState(project, target, engine, vars, cache);
  state.warnings.push(...projectWarnings);
  const manifest = parse(state);
  cache.save();
  return {
    project,
    target,
    manifest,
    engine,
    vars: state.vars,
    warnings: state.warnings,
    invocationId: state.invocationId,
    runStartedAt: state.runStartedAt,
  };
}

/** dbt's parse order: properties before the nodes they patch; generic tests once nodes are known. */
function parse(state: ParseState): Manifest {
  readDocs(state);
  readProperties(state);
  readSources(state);
  readModels(state);
  readSeeds(state);
  readSnapshots(state);
  readSingularTests(state);
  warnUnmatchedPatches(state);
  state.dropDisabled();
  readGenericTests(state);
  resolveDependencies(state);
  return assembleManifest(state);
}

/** Errors from parse-time rendering already carry file:line; keep the type for the CLI. */
export function isParseError(error: unknown): error is ConfigError | TemplateError {
  return error instanceof ConfigError || error instanceof TemplateError;
}
