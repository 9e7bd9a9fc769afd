/**
 * Jinja in dbt_project.yml, rendered with the context dbt gives that file: `var()` sees only
 * --vars (the project's own `vars:` are not defined yet), `env_var()`, `target` (once the
 * profile is known) and Jinja's builtins. dbt renders natively: a value that is one `{{ ... }}`
 * keeps the expression's type (`{{ var('x', false) }}` is the boolean false), anything else
 * becomes a string. Hooks, `vars:` and `query-comment` are rendered later, when used.
 */
import type { TargetConfig } from '../manifest/types.js';
import { createTemplateEngine } from '../template/engine.js';
import type { TemplateEngine } from '../template/types.js';
import { ConfigError, errorMessage } from '../util/errors.js';
import { refuseSecretEnv } from '../util/secrets.js';
import { isRecord, type YamlFile } from './yaml.js';

type KeyPath = (string | number)[];

export interface ProjectRenderContext {
  /** --vars, already parsed */
  cliVars: Record<string, unknown>;
  /** the profile's target; absent while `profile:` itself is rendered */
  target?: TargetConfig;
}

const NOT_RENDERED_TOP = new Set(['on-run-start', 'on-run-end', 'query-comment', 'vars']);
const CONFIG_TREES = new Set(['seeds', 'models', 'snapshots', 'tests', 'data_tests']);
const LATE_HOOKS = new Set(['pre-hook', 'post-hook', 'pre_hook', 'post_hook']);

/** dbt's DbtProjectYamlRenderer.should_render_keypath. */
export function shouldRenderKeyPath(keyPath: KeyPath): boolean {
  const first = keyPath[0];
  if (typeof first !== 'string') return true;
  if (NOT_RENDERED_TOP.has(first)) return false;
  if (CONFIG_TREES.has(first)) {
    return !keyPath.some((k) => typeof k === 'string' && LATE_HOOKS.has(k.replace(/^[+ ]+/, '')));
  }
  return true;
}

/** A value that is exactly one `{{ expression }}`: dbt keeps its native type. */
const SINGLE_EXPRESSION = /^\{\{-?((?:(?!\{\{|\}\}|\{%|%\}|\{#).)*?)-?\}\}$/s;

export class ProjectRenderer {
  private readonly engine: TemplateEngine;

  constructor(
    private readonly file: YamlFile,
    private readonly context: ProjectRenderContext,
  ) {
    this.engine = createTemplateEngine({
      macroFiles: [],
      adapterType: context.target?.type ?? 'default',
      rootPackage: '__project_yml__',
      includeBuiltins: false,
    });
  }

  /** Render every string of `value` (found at `keyPath` of the file) dbt renders at load time. */
  renderTree(value: unknown, keyPath: KeyPath = []): unknown {
    if (!shouldRenderKeyPath(keyPath)) return value;
    if (typeof value === 'string') return this.renderString(value, keyPath);
    if (Array.isArray(value)) return value.map((item, i) => this.renderTree(item, [...keyPath, i]));
    if (isRecord(value))
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) => [k, this.renderTree(v, [...keyPath, k])]),
      );
    return value;
  }

  renderString(text: string, keyPath: KeyPath): unknown {
    if (!/\{\{|\{%|\{#/.test(text)) return text;
    const where = `${this.file.path}:${this.file.lineOf(keyPath)}`;
    const ctx = this.jinjaContext(where, text);
    try {
      const single = SINGLE_EXPRESSION.exec(text);
      if (single) {
        let captured: unknown = null;
        ctx.__mdw_capture = (v: unknown) => {
          captured = v;
          return '';
        };
        this.engine.render(`{% do __mdw_capture(${single[1]}) %}`, this.file.path, ctx);
        return captured;
      }
      return this.engine.render(text, this.file.path, ctx).sql;
    } catch (error) {
      if (error instanceof ConfigError && error.message.startsWith(where)) throw error;
      throw new ConfigError(`${where}: could not render ${text.trim()}: ${reason(error)}`);
    }
  }

  private jinjaContext(where: string, text: string): Record<string, unknown> {
    const { cliVars, target } = this.context;
    const variable = (name: string, fallback?: unknown): unknown => {
      if (name in cliVars) return cliVars[name];
      if (fallback !== undefined) return fallback;
      throw new ConfigError(
        `${where}: could not render ${text.trim()}: required var '${name}' is not set by --vars and has no default ` +
          `(dbt_project.yml sees only --vars, not its own vars: block).`,
      );
    };
    const envVar = (name: string, fallback?: unknown): unknown => {
      refuseSecretEnv(name);
      const value = process.env[name];
      if (value !== undefined) return value;
      if (fallback !== undefined) return fallback;
      throw new ConfigError(
        `${where}: could not render ${text.trim()}: environment variable '${name}' is required but not set (and has no default).`,
      );
    };
    return {
      var: Object.assign(variable, { has_var: (name: string) => name in cliVars }),
      env_var: envVar,
      ...(target ? { target: { ...target } } : {}),
    };
  }
}

function reason(error: unknown): string {
  return errorMessage(error)
    .replace(/^.*?:\d+:\s*/, '')
    .replace(/\s+/g, ' ')
    .trim();
}
