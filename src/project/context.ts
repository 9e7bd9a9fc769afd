/**
 * The node-dependent part of dbt's Jinja context (ref, source, config, this, var, ...).
 * The same builder serves parse time (recording refs/sources/config calls) and execution
 * time (resolving them to real relations).
 */

import { identifierQuote } from '../adapters/registry.js';
import type { ManifestNode, RefCall, TargetConfig } from '../manifest/types.js';
import { columnApi } from '../template/adapter-api.js';
import type { ContextValues } from '../template/types.js';
import { ConfigError, TemplateError } from '../util/errors.js';
import { refuseSecretEnv } from '../util/secrets.js';
import { JinjaRelation, relationsFor } from './relation.js';
import { isRecord } from './yaml.js';

export interface ContextRecorder {
  refs: RefCall[];
  sources: [string, string][];
  config: Record<string, unknown>;
}

export interface NodeContextOptions {
  node: ManifestNode;
  target: TargetConfig;
  /** project vars merged with --vars (CLI wins) */
  vars: Record<string, unknown>;
  /** dbt's per-package vars: { pkg: {...} } entries of project vars are handled by the caller */
  resolveRef: (call: RefCall) => JinjaRelation;
  resolveSource: (sourceName: string, tableName: string) => JinjaRelation;
  docs: (name: string) => string;
  /** parse time: calls are recorded here */
  recorder?: ContextRecorder;
  /** parse time: told of every environment variable read (partial parsing depends on them) */
  onEnvVar?: (name: string) => void;
  isIncremental?: boolean;
  flags?: Record<string, unknown>;
  invocationId: string;
  runStartedAt: Date;
  graph?: unknown;
  /** extra adapter methods (quote, get_relation, ...) merged into `adapter` */
  adapter?: Record<string, unknown>;
  /** renders a var's string value with this context (dbt renders `vars:` values when read) */
  renderText?: (text: string, ctx: ContextValues) => string;
}

/** Strip nunjucks' keyword-argument marker object from a JS call's arguments. */
export function splitKeywords(args: unknown[]): { positional: unknown[]; keywords: Record<string, unknown> } {
  const last = args[args.length - 1];
  if (isRecord(last) && last.__keywords === true) {
    const { __keywords: _, ...keywords } = last;
    return { positional: args.slice(0, -1), keywords };
  }
  return { positional: args, keywords: {} };
}

export function buildNodeContext(options: NodeContextOptions): ContextValues {
  const { node, target, recorder } = options;
  const file = node.original_file_path;

  const ref = (...args: unknown[]): JinjaRelation => {
    const { positional, keywords } = splitKeywords(args);
    if (positional.length < 1 || positional.length > 2 || positional.some((a) => typeof a !== 'string')) {
      throw new TemplateError(
        `ref() takes a model name and an optional package name, got ${JSON.stringify(positional)}.`,
        file,
      );
    }
    const call: RefCall =
      positional.length === 2
        ? { package: positional[0] as string, name: positional[1] as string }
        : { name: positional[0] as string };
    const version = keywords.version ?? keywords.v;
    if (version !== undefined) call.version = version as string | number;
    recorder?.refs.push(call);
    return options.resolveRef(call);
  };

  const source = (...args: unknown[]): JinjaRelation => {
    const { positional } = splitKeywords(args);
    if (positional.length !== 2 || positional.some((a) => typeof a !== 'string')) {
      throw new TemplateError(
        `source() takes a source name and a table name, got ${JSON.stringify(positional)}.`,
        file,
      );
    }
    const [sourceName, tableName] = positional as [string, string];
    recorder?.sources.push([sourceName, tableName]);
    return options.resolveSource(sourceName, tableName);
  };

  const config = Object.assign(
    (...args: unknown[]): string => {
      const { positional, keywords } = splitKeywords(args);
      const given = isRecord(positional[0]) ? { ...positional[0], ...keywords } : keywords;
      if (recorder) Object.assign(recorder.config, given);
      return '';
    },
    {
      get: (key: string, fallback: unknown = null): unknown => {
        const value = recorder?.config[key] ?? node.config[key];
        return value === undefined || value === null ? fallback : value;
      },
      require: (key: string): unknown => {
        const value = recorder?.config[key] ?? node.config[key];
        if (value === undefined || value === null) {
          throw new TemplateError(`config '${key}' is required for ${node.name} but is not set.`, file);
        }
        return value;
      },
    },
  );

  const rendered = (value: unknown): unknown =>
    typeof value === 'string' && options.renderText && /\{\{|\{%/.test(value)
      ? options.renderText(value, context)
      : value;
  const variable = (name: string, fallback?: unknown): unknown => {
    const packageVars = options.vars[node.package_name];
    if (isRecord(packageVars) && name in packageVars) return rendered(packageVars[name]);
    if (name in options.vars) return rendered(options.vars[name]);
    if (fallback !== undefined) return fallback;
    throw new ConfigError(`required var '${name}' is not defined in dbt_project.yml or --vars.`);
  };
  const hasVar = (name: string): boolean => name in options.vars;

  const envVar = (name: string, fallback?: unknown): unknown => {
    refuseSecretEnv(name);
    options.onEnvVar?.(name);
    const value = process.env[name];
    if (value !== undefined) return value;
    if (fallback !== undefined) return fallback;
    throw new ConfigError(`environment variable '${name}' is required but not set.`);
  };

  const self = relationsFor(target.type)(node.database, node.schema, node.alias, materializationType(node));

  const context: ContextValues = {
    ref,
    source,
    config,
    var: Object.assign(variable, { has_var: hasVar }),
    env_var: envVar,
    this: self,
    model: node,
    target: { ...target },
    database: target.database,
    schema: node.schema,
    is_incremental: () => options.isIncremental === true,
    should_full_refresh: () => options.flags?.FULL_REFRESH === true,
    // dbt: the node's store_failures config, else the --store-failures flag
    should_store_failures: () => node.config.store_failures ?? options.flags?.STORE_FAILURES === true,
    flags: { FULL_REFRESH: false, WHICH: 'run', ...(options.flags ?? {}) },
    invocation_id: options.invocationId,
    run_started_at: options.runStartedAt,
    graph: options.graph ?? { nodes: {}, sources: {}, exposures: {}, metrics: {} },
    doc: (name: string) => options.docs(name),
    api: JINJA_API,
    adapter: {
      quote: (identifier: string) => identifierQuote(target.type)(String(identifier)),
      ...(options.adapter ?? {}),
    },
  };
  return context;
}

/** dbt's `api.Column` / `api.Relation` helpers that portable macros use. */
const JINJA_API = {
  Column: columnApi,
  Relation: {
    create: (...args: unknown[]): JinjaRelation => {
      const { keywords } = splitKeywords(args);
      return new JinjaRelation(
        String(keywords.database ?? ''),
        String(keywords.schema ?? ''),
        String(keywords.identifier ?? ''),
        (keywords.type as string | undefined) ?? null,
      );
    },
  },
};

function materializationType(node: ManifestNode): string | null {
  if (node.config.materialized === 'view') return 'view';
  if (node.config.materialized === 'ephemeral') return null;
  return 'table';
}
