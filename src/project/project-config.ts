import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ProjectConfig } from '../manifest/types.js';
import { ConfigError } from '../util/errors.js';
import { renderEnvVarString } from './env-render.js';
import { isRecord, readYamlFile } from './yaml.js';

const FILE = 'dbt_project.yml';

/** Read and validate dbt_project.yml in `projectDir`. */
export function loadProjectConfig(projectDir: string): ProjectConfig {
  const root = resolve(projectDir);
  if (!existsSync(join(root, FILE))) {
    throw new ConfigError(`No ${FILE} found in ${root}: pass --project-dir pointing at a dbt project.`);
  }
  const file = readYamlFile(root, FILE);
  const data = renderEnvVars(file.data);
  if (!isRecord(data)) throw new ConfigError(`${FILE}:1: expected a mapping of project settings.`);
  const name = data.name;
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new ConfigError(
      `${FILE}:${file.lineOf(['name'])}: 'name' must be a valid identifier (letters, digits, underscores), got ${JSON.stringify(name)}.`,
    );
  }
  const paths = (key: string, fallback: string[]): string[] => {
    const value = data[key];
    if (value === undefined || value === null) return fallback;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      throw new ConfigError(`${FILE}:${file.lineOf([key])}: '${key}' must be a list of folder names.`);
    }
    return value as string[];
  };
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
    model_paths: paths('model-paths', ['models']),
    seed_paths: paths('seed-paths', ['seeds']),
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

/** Hooks are Jinja rendered when they run (with `this`, `target`...), never at load time. */
const HOOK_KEY = /^\+?(on[-_]run[-_](start|end)|(pre|post)[-_]hooks?)$/;

/** dbt_project.yml may use {{ env_var('X', 'default') }}. */
function renderEnvVars(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('{{') ? renderEnvVarString(value, FILE) : value;
  if (Array.isArray(value)) return value.map(renderEnvVars);
  if (isRecord(value))
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, HOOK_KEY.test(k) ? v : renderEnvVars(v)]),
    );
  return value;
}
