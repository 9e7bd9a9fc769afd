import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ProjectConfig, TargetConfig } from '../manifest/types.js';
import { ConfigError } from '../util/errors.js';
import { didYouMean } from '../util/suggest.js';
import { loadTarget } from './profiles.js';
import { ProjectRenderer } from './project-render.js';
import { isRecord, readYamlFile, type YamlFile } from './yaml.js';

const FILE = 'dbt_project.yml';

/** The top-level keys dbt-core 1.11 accepts in dbt_project.yml (any other is refused, as dbt does). */
const PROJECT_KEYS = [
  'name',
  'version',
  'config-version',
  'profile',
  'project-root',
  'model-paths',
  'source-paths',
  'seed-paths',
  'data-paths',
  'macro-paths',
  'test-paths',
  'analysis-paths',
  'docs-paths',
  'asset-paths',
  'function-paths',
  'snapshot-paths',
  'target-path',
  'log-path',
  'packages-install-path',
  'clean-targets',
  'quoting',
  'on-run-start',
  'on-run-end',
  'require-dbt-version',
  'dispatch',
  'models',
  'seeds',
  'snapshots',
  'analyses',
  'sources',
  'tests',
  'data_tests',
  'unit_tests',
  'metrics',
  'semantic-models',
  'saved-queries',
  'exposures',
  'functions',
  'vars',
  'packages',
  'query-comment',
  'restrict-access',
  'dbt-cloud',
  'flags',
];

/** Old path keys dbt still reads, with its deprecation warning: [old, new]. */
const RENAMED_PATH_KEYS: [string, string][] = [
  ['source-paths', 'model-paths'],
  ['data-paths', 'seed-paths'],
];

export interface ProjectLoadOptions {
  /** --vars: the only vars `var()` sees inside dbt_project.yml */
  cliVars?: Record<string, unknown>;
  /** the profile's target, for `{{ target.name }}` and friends */
  target?: TargetConfig;
  /** deprecation warnings are pushed here (printed by the caller) */
  warnings?: string[];
}

function readProjectFile(projectDir: string): { root: string; file: YamlFile; raw: Record<string, unknown> } {
  const root = resolve(projectDir);
  if (!existsSync(join(root, FILE))) {
    throw new ConfigError(`No ${FILE} found in ${root}: pass --project-dir pointing at a dbt project.`);
  }
  const file = readYamlFile(root, FILE);
  if (!isRecord(file.data)) throw new ConfigError(`${FILE}:1: expected a mapping of project settings.`);
  return { root, file, raw: file.data };
}

/**
 * dbt_project.yml and the target of its profile, in dbt's order: `profile:` is rendered first
 * (without `target`), the profile is read, then the whole file is rendered with `target`.
 */
export function loadProjectAndTarget(options: {
  projectDir: string;
  profilesDir?: string;
  target?: string;
  cliVars?: Record<string, unknown>;
  warnings?: string[];
}): { project: ProjectConfig; target: TargetConfig } {
  const { root, file, raw } = readProjectFile(options.projectDir);
  const cliVars = options.cliVars ?? {};
  const early = new ProjectRenderer(file, { cliVars });
  const name = projectName(early.renderTree(raw.name, ['name']), file);
  const profileValue = early.renderTree(raw.profile, ['profile']);
  const target = loadTarget({
    projectRoot: root,
    profileName: typeof profileValue === 'string' ? profileValue : name,
    profilesDir: options.profilesDir,
    target: options.target,
  });
  const project = buildProjectConfig(root, file, raw, { cliVars, target, warnings: options.warnings });
  return { project, target };
}

/** Read and validate dbt_project.yml in `projectDir` (rendered without a target unless given one). */
export function loadProjectConfig(projectDir: string, options: ProjectLoadOptions = {}): ProjectConfig {
  const { root, file, raw } = readProjectFile(projectDir);
  return buildProjectConfig(root, file, raw, options);
}

function projectName(name: unknown, file: YamlFile): string {
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new ConfigError(
      `${FILE}:${file.lineOf(['name'])}: 'name' must be a valid identifier (letters, digits, underscores), got ${JSON.stringify(name)}.`,
    );
  }
  return name;
}

function buildProjectConfig(
  root: string,
  file: YamlFile,
  raw: Record<string, unknown>,
  options: ProjectLoadOptions,
): ProjectConfig {
  refuseUnknownKeys(raw, file);
  const renderer = new ProjectRenderer(file, { cliVars: options.cliVars ?? {}, target: options.target });
  const data = renderer.renderTree(raw) as Record<string, unknown>;
  const name = projectName(data.name, file);
  const paths = (key: string, fallback: string[]): string[] => {
    const value = data[key];
    if (value === undefined || value === null) return fallback;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      throw new ConfigError(`${FILE}:${file.lineOf([key])}: '${key}' must be a list of folder names.`);
    }
    return value as string[];
  };
  for (const [old, current] of RENAMED_PATH_KEYS) {
    if (data[old] === undefined) continue;
    options.warnings?.push(
      `Deprecated functionality: the \`${old}\` config has been renamed to \`${current}\` ` +
        `(${FILE}:${file.lineOf([old])}). Please update your \`${FILE}\` configuration to reflect this change.`,
    );
  }
  // dbt reads the new key when it is present, else the old one
  const renamed = (current: string, old: string, fallback: string[]): string[] =>
    data[current] !== undefined ? paths(current, fallback) : paths(old, fallback);
  const tree = (...keys: string[]): Record<string, unknown> => {
    for (const key of keys) {
      const value = data[key];
      if (value === undefined || value === null) continue;
      if (!isRecord(value))
        throw new ConfigError(`${FILE}:${file.lineOf([key])}: '${key}' must be a mapping.`);
      return value;
    }
    return {};
  };
  const vars = data.vars ?? {};
  if (!isRecord(vars)) throw new ConfigError(`${FILE}:${file.lineOf(['vars'])}: 'vars' must be a mapping.`);
  const dispatch = data.dispatch ?? [];
  const dispatchOk =
    Array.isArray(dispatch) &&
    dispatch.every(
      (d) =>
        isRecord(d) &&
        typeof d.macro_namespace === 'string' &&
        Array.isArray(d.search_order) &&
        d.search_order.every((p) => typeof p === 'string'),
    );
  if (!dispatchOk)
    throw new ConfigError(
      `${FILE}:${file.lineOf(['dispatch'])}: 'dispatch' must be a list of {macro_namespace: <package>, search_order: [<packages>]}.`,
    );
  return {
    name,
    version: String(data.version ?? '1.0.0'),
    profile: typeof data.profile === 'string' ? data.profile : name,
    root,
    model_paths: renamed('model-paths', 'source-paths', ['models']),
    seed_paths: renamed('seed-paths', 'data-paths', ['seeds']),
    snapshot_paths: paths('snapshot-paths', ['snapshots']),
    test_paths: paths('test-paths', ['tests']),
    macro_paths: paths('macro-paths', ['macros']),
    analysis_paths: paths('analysis-paths', ['analyses']),
    docs_paths: paths('docs-paths', []),
    target_path: typeof data['target-path'] === 'string' ? data['target-path'] : 'target',
    clean_targets: paths('clean-targets', ['target']),
    dispatch: (dispatch as Record<string, unknown>[]).map((d) => ({
      macro_namespace: d.macro_namespace as string,
      search_order: d.search_order as string[],
    })),
    packages_install_path:
      typeof data['packages-install-path'] === 'string' ? data['packages-install-path'] : 'dbt_packages',
    vars,
    on_run_start: data['on-run-start'],
    on_run_end: data['on-run-end'],
    config_trees: {
      models: tree('models'),
      seeds: tree('seeds'),
      snapshots: tree('snapshots'),
      data_tests: tree('data_tests', 'tests'),
      sources: tree('sources'),
    },
  };
}

/** dbt validates dbt_project.yml against its schema: an unknown top-level key is an error. */
function refuseUnknownKeys(raw: Record<string, unknown>, file: YamlFile): void {
  for (const key of Object.keys(raw)) {
    if (PROJECT_KEYS.includes(key)) continue;
    throw new ConfigError(
      `${FILE}:${file.lineOf([key])}: unknown key '${key}' (dbt refuses it too: "Additional properties are not allowed").${didYouMean(key, PROJECT_KEYS)}`,
    );
  }
}
