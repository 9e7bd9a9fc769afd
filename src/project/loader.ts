/**
 * Project files → Manifest. Reads dbt_project.yml and profiles.yml, then each resource type
 * with its own parser (parse/: docs, properties, sources, models, seeds, snapshots, tests,
 * macros), renders each SQL node once at parse time (execute=false) to learn its refs, sources
 * and in-file config, then resolves relations. The DAG's cycle check is the caller's (graph/).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest, ProjectConfig, TargetConfig } from '../manifest/types.js';
import { CompiledCodeCache } from '../template/code-cache.js';
import { createTemplateEngine, extractBlocks } from '../template/engine.js';
import type { MacroSourceFile, TemplateEngine } from '../template/types.js';
import { ConfigError, TemplateError } from '../util/errors.js';
import { MDW_VERSION } from '../version.js';
import { installedPackages } from './packages/installed.js';
import { readDependencyFile } from './packages/spec.js';
import { readDocs } from './parse/docs.js';
import { readMacroFiles } from './parse/macros.js';
import { assembleManifest } from './parse/manifest.js';
import { readModels } from './parse/models.js';
import { readProperties, warnUnmatchedPatches } from './parse/property-files.js';
import { resolveDependencies } from './parse/relations.js';
import { readSeeds } from './parse/seeds.js';
import { readSemanticResources } from './parse/semantic.js';
import { readSnapshots } from './parse/snapshots.js';
import { readSources } from './parse/sources.js';
import { ParseState } from './parse/state.js';
import { readGenericTests, readSingularTests } from './parse/tests.js';
import { readUnitTests } from './parse/unit-tests.js';
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
  /** templates compiled so far (saved for the next invocation; a run saves what it compiled too) */
  compiledCode: CompiledCodeCache;
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
  const packages = installedPackages(project);
  requireInstalled(project, packages);
  const macroFiles = [project, ...packages].flatMap(readMacroFiles);
  const compiledCode = new CompiledCodeCache(
    options.partialParse === false
      ? null
      : join(project.root, project.target_path, 'mdw_compiled_templates.json'),
    MDW_VERSION,
  );
  const engine = createTemplateEngine({
    macroFiles,
    adapterType: target.type,
    rootPackage: project.name,
    dispatch: project.dispatch,
    codeCache: compiledCode,
  });
  const vars = { ...project.vars, ...(options.cliVars ?? {}) };
  const globalKey = checksum(
    MDW_VERSION,
    JSON.stringify(vars),
    JSON.stringify(target),
    JSON.stringify(project.config_trees),
    JSON.stringify(packages.map((p) => [p.name, p.root, p.config_trees])),
    ...macroFiles.map((file) => `${file.path}\n${file.contents}`),
  );
  const cachePath =
    options.partialParse === false ? null : join(project.root, project.target_path, 'partial_parse.json');
  const cache = new ParseCache(cachePath, globalKey);
  const state = new ParseState(project, target, engine, vars, cache);
  state.warnings.push(...projectWarnings);
  const manifest = parse(state, packages);
  warnCustomMaterializations(macroFiles, manifest, target.type, state.warnings);
  cache.save();
  compiledCode.save();
  return {
    project,
    target,
    manifest,
    engine,
    compiledCode,
    vars: state.vars,
    warnings: state.warnings,
    invocationId: state.invocationId,
    runStartedAt: state.runStartedAt,
  };
}

/** dbt's parse order: properties before the nodes they patch; generic tests once nodes are known. */
function parse(state: ParseState, packages: ProjectConfig[]): Manifest {
  const all = [state.root, ...packages];
  for (const pkg of all) {
    state.usePackage(pkg);
    readDocs(state);
    readProperties(state);
    readSources(state);
    readModels(state);
    readSeeds(state);
    readSnapshots(state);
    readSingularTests(state);
    warnUnmatchedPatches(state);
  }
  state.dropDisabled();
  for (const pkg of all) {
    state.usePackage(pkg);
    readGenericTests(state);
  }
  state.usePackage(state.root);
  resolveDependencies(state);
  for (const pkg of all) {
    state.usePackage(pkg);
    readUnitTests(state);
  }
  state.usePackage(state.root);
  return { ...assembleManifest(state), unit_tests: state.unitTests, ...readSemanticResources(state) };
}

const BUILT_IN_MATERIALIZATIONS = new Set([
  'view',
  'table',
  'incremental',
  'ephemeral',
  'seed',
  'snapshot',
  'test',
]);

/**
 * mdw runs `{% materialization %}` blocks for models (run/custom-materialization.ts) when one
 * is written for the target's adapter or `default`; name the blocks it cannot run and the nodes
 * that use them (a block for another adapter only, a custom materialization on a seed/snapshot).
 */
function warnCustomMaterializations(
  macroFiles: MacroSourceFile[],
  manifest: Manifest,
  adapterType: string,
  warnings: string[],
): void {
  const defined = new Map<string, string>();
  const runnable = new Set<string>();
  const uncommitted = new Set<string>();
  for (const file of macroFiles) {
    if (!file.contents.includes('materialization')) continue;
    for (const block of extractBlocks(file.contents, file.path)) {
      if (block.kind !== 'materialization' || BUILT_IN_MATERIALIZATIONS.has(block.name)) continue;
      defined.set(block.name, `${file.path}:${block.line}`);
      if (block.adapter === adapterType || block.adapter === 'default' || block.adapter === undefined) {
        runnable.add(block.name);
        if (!/adapter\.commit\s*\(/.test(block.body)) uncommitted.add(block.name);
      }
    }
  }
  const warnedUncommitted = new Set<string>();
  for (const node of Object.values(manifest.nodes)) {
    const name = String(node.config.materialized);
    const where = defined.get(name);
    // dbt-duckdb opens a transaction at a node's first statement and rolls it back when the
    // node's connection is released; mdw's connection autocommits, so say where they part.
    if (where && adapterType === 'duckdb' && uncommitted.has(name) && node.resource_type === 'model') {
      if (!warnedUncommitted.has(name))
        warnings.push(
          `${where}: {% materialization ${name} %} (used by model ${node.name}) never calls adapter.commit(): dbt-duckdb rolls its work back when the model ends (the model reports OK and nothing is kept), mdw keeps it (autocommit).`,
        );
      warnedUncommitted.add(name);
    }
    if (!where || (runnable.has(name) && node.resource_type === 'model')) continue;
    const why = runnable.has(name)
      ? `mdw runs custom materializations for models only`
      : `it has no block for adapter '${adapterType}' or 'default'`;
    warnings.push(
      `${where}: {% materialization ${name} %} (used by ${node.resource_type} ${node.name}) is a custom materialization mdw cannot run here (${why}); that ${node.resource_type} will fail.`,
    );
  }
}

/** dbt refuses to parse when packages.yml lists packages that `deps` has not installed. */
function requireInstalled(project: ProjectConfig, packages: ProjectConfig[]): void {
  const deps = readDependencyFile(project.root);
  const wanted = deps?.specs.length ?? 0;
  if (wanted > packages.length)
    throw new ConfigError(
      `${deps!.file} lists ${wanted} package(s) but only ${packages.length} are installed in ${project.packages_install_path}/: run 'mdw deps' to install them.`,
    );
}

/** Errors from parse-time rendering already carry file:line; keep the type for the CLI. */
export function isParseError(error: unknown): error is ConfigError | TemplateError {
  return error instanceof ConfigError || error instanceof TemplateError;
}
