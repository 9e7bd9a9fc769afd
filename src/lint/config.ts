/**
 * Lint configuration lives in dbt_project.yml under `vars: mdw_lint:` — a place dbt-core
 * accepts (it rejects or warns about unknown top-level keys), so the project still runs there:
 *
 *   vars:
 *     mdw_lint:
 *       rules: { S06: off, N05: error }          # per rule: off | warn | error
 *       paths:
 *         models/stg: { L04: warn }              # per folder (longest matching prefix wins)
 */
import { isRecord } from '../project/yaml.js';
import { ConfigError } from '../util/errors.js';
import { RULES, RULES_BY_ID } from './rules/catalog.js';
import type { RuleSetting, Severity } from './types.js';

export interface LintConfig {
  rules: Map<string, RuleSetting>;
  paths: { prefix: string; rules: Map<string, RuleSetting> }[];
}

const WHERE = "dbt_project.yml vars 'mdw_lint'";

export function readLintConfig(vars: Record<string, unknown>): LintConfig {
  const config: LintConfig = { rules: new Map(), paths: [] };
  const raw = vars.mdw_lint;
  if (raw === undefined || raw === null) return config;
  if (!isRecord(raw)) throw new ConfigError(`${WHERE} must be a mapping with 'rules' and/or 'paths'.`);
  for (const key of Object.keys(raw)) {
    if (key !== 'rules' && key !== 'paths')
      throw new ConfigError(`${WHERE}: unknown key '${key}' (use 'rules' or 'paths').`);
  }
  config.rules = settings(raw.rules, `${WHERE} rules`);
  if (raw.paths !== undefined && raw.paths !== null) {
    if (!isRecord(raw.paths)) throw new ConfigError(`${WHERE} paths must map folders to rule settings.`);
    for (const [prefix, rules] of Object.entries(raw.paths)) {
      config.paths.push({
        prefix: prefix.replace(/\/+$/, ''),
        rules: settings(rules, `${WHERE} paths '${prefix}'`),
      });
    }
    config.paths.sort((a, b) => a.prefix.length - b.prefix.length);
  }
  return config;
}

function settings(value: unknown, where: string): Map<string, RuleSetting> {
  const result = new Map<string, RuleSetting>();
  if (value === undefined || value === null) return result;
  if (!isRecord(value)) throw new ConfigError(`${where} must map rule ids to off, warn or error.`);
  for (const [id, setting] of Object.entries(value)) {
    const rule = RULES_BY_ID.get(id.toUpperCase());
    if (!rule)
      throw new ConfigError(`${where}: unknown rule '${id}' (rules: ${RULES.map((r) => r.id).join(', ')}).`);
    // YAML reads a bare `off` as false
    const text = setting === false ? 'off' : String(setting).toLowerCase();
    if (text !== 'off' && text !== 'warn' && text !== 'error') {
      throw new ConfigError(`${where}: rule ${id} must be off, warn or error, not '${String(setting)}'.`);
    }
    result.set(rule.id, text);
  }
  return result;
}

/** The severity of a rule for a file, or null when it is off there. */
export function severityFor(config: LintConfig, ruleId: string, file: string): Severity | null {
  let setting: RuleSetting = config.rules.get(ruleId) ?? RULES_BY_ID.get(ruleId)!.severity;
  for (const { prefix, rules } of config.paths) {
    if ((file === prefix || file.startsWith(`${prefix}/`)) && rules.has(ruleId)) setting = rules.get(ruleId)!;
  }
  return setting === 'off' ? null : setting;
}
