/**
 * Metrics, semantic models and saved queries → manifest entries with dbt's unique ids and
 * dependencies (semantic model → its model, simple metric → the semantic model of its
 * measure, derived/ratio metric → its metrics, saved query → its metrics). A reference to
 * something that does not exist is one sentence naming the file and line.
 */
import type { SemanticResource, SemanticResourceType } from '../../manifest/resources.js';
import { ConfigError } from '../../util/errors.js';
import { didYouMean } from '../../util/suggest.js';
import type { RawSemantic } from '../semantic-properties.js';
import { isRecord } from '../yaml.js';
import { folderParts, type ParseState } from './state.js';

export type SemanticManifest = Record<
  'metrics' | 'semantic_models' | 'saved_queries',
  Record<string, SemanticResource>
>;

const COLLECTION: Record<SemanticResourceType, keyof SemanticManifest> = {
  metric: 'metrics',
  semantic_model: 'semantic_models',
  saved_query: 'saved_queries',
};

const REF = /^\s*ref\(\s*(['"])([\w.-]+)\1\s*(?:,\s*(['"])([\w.-]+)\3\s*)?\)\s*$/;

/** Every package's entries (state.propertiesByPackage), resolved once all nodes are known. */
export function readSemanticResources(state: ParseState): SemanticManifest {
  const result: SemanticManifest = { metrics: {}, semantic_models: {}, saved_queries: {} };
  const raws: [string, RawSemantic, SemanticResource][] = [];
  for (const [pkg, files] of state.propertiesByPackage) {
    for (const raw of files.flatMap((file) => file.semantic ?? [])) {
      const resource = baseResource(state, pkg, raw);
      if (!resource.config.enabled) continue;
      const into = result[COLLECTION[raw.resourceType]];
      if (into[resource.unique_id])
        throw new ConfigError(`${raw.file}:${raw.line}: ${raw.resourceType} '${raw.name}' is defined twice.`);
      into[resource.unique_id] = resource;
      raws.push([pkg, raw, resource]);
    }
  }
  const measures = new Map<string, string>(); // measure name → semantic model id
  for (const model of Object.values(result.semantic_models))
    for (const measure of list(model.spec.measures))
      if (isRecord(measure) && typeof measure.name === 'string') measures.set(measure.name, model.unique_id);
  for (const [pkg, raw, resource] of raws) {
    const where = `${raw.file}:${raw.line}: ${raw.resourceType} '${raw.name}'`;
    const nodes = new Set<string>();
    if (raw.resourceType === 'semantic_model') nodes.add(modelOf(state, pkg, raw, where));
    if (raw.resourceType === 'metric') {
      for (const measure of metricMeasures(raw.entry)) {
        const id = measures.get(measure);
        if (!id)
          throw new ConfigError(
            `${where} uses measure '${measure}', which no semantic model defines.${didYouMean(measure, [...measures.keys()])}`,
          );
        nodes.add(id);
      }
    }
    const metricNames =
      raw.resourceType === 'metric'
        ? metricInputs(raw.entry)
        : raw.resourceType === 'saved_query'
          ? savedQueryMetrics(raw.entry)
          : [];
    for (const name of metricNames) {
      const id = `metric.${pkg}.${name}`;
      if (!result.metrics[id]) {
        const known = Object.values(result.metrics).map((m) => m.name);
        throw new ConfigError(
          `${where} uses metric '${name}', which is not defined.${didYouMean(name, known)}`,
        );
      }
      nodes.add(id);
    }
    resource.depends_on.nodes = [...nodes].sort();
  }
  return result;
}

function baseResource(state: ParseState, pkg: string, raw: RawSemantic): SemanticResource {
  const { entry } = raw;
  const config = isRecord(entry.config) ? { ...entry.config } : {};
  const tags = [...tagList(entry.tags), ...tagList(config.tags)];
  const meta = { ...(isRecord(entry.meta) ? entry.meta : {}), ...(isRecord(config.meta) ? config.meta : {}) };
  const { name: _name, description, label, config: _config, tags: _tags, meta: _meta, ...spec } = entry;
  const project = pkg === state.root.name ? state.root : undefined;
  const relative = relativePath(project?.model_paths ?? ['models'], raw.file);
  return {
    unique_id: `${raw.resourceType}.${pkg}.${raw.name}`,
    resource_type: raw.resourceType,
    name: raw.name,
    package_name: pkg,
    path: relative,
    original_file_path: raw.file,
    line: raw.line,
    fqn: [pkg, ...folderParts(relative), raw.name],
    description: typeof description === 'string' ? description : '',
    label: typeof label === 'string' ? label : null,
    config: { ...config, enabled: config.enabled !== false, tags, meta },
    tags,
    meta,
    depends_on: { nodes: [], macros: [] },
    spec,
  };
}

function modelOf(state: ParseState, pkg: string, raw: RawSemantic, where: string): string {
  const text = raw.entry.model;
  const match = typeof text === 'string' ? REF.exec(text) : null;
  if (!match) throw new ConfigError(`${where} needs 'model: ref('<model name>')'.`);
  const [owner, name] = match[4] === undefined ? [pkg, match[2]!] : [match[2]!, match[4]];
  const id = `model.${owner}.${name}`;
  if (!state.nodes[id]) {
    const models = Object.values(state.nodes)
      .filter((node) => node.resource_type === 'model')
      .map((node) => node.name);
    throw new ConfigError(`${where} reads model '${name}', which does not exist.${didYouMean(name, models)}`);
  }
  return id;
}

/** Measures a metric reads: simple/cumulative `measure`, conversion base/conversion measures. */
function metricMeasures(entry: Record<string, unknown>): string[] {
  const params = isRecord(entry.type_params) ? entry.type_params : {};
  const found = [nameOf(params.measure)];
  const conversion = isRecord(params.conversion_type_params) ? params.conversion_type_params : {};
  found.push(nameOf(conversion.base_measure), nameOf(conversion.conversion_measure));
  return found.filter((name): name is string => name !== null);
}

/** Metrics a derived, ratio or cumulative metric reads. */
function metricInputs(entry: Record<string, unknown>): string[] {
  const params = isRecord(entry.type_params) ? entry.type_params : {};
  const found = [nameOf(params.numerator), nameOf(params.denominator), nameOf(params.metric)];
  for (const metric of list(params.metrics)) found.push(nameOf(metric));
  return found.filter((name): name is string => name !== null);
}

function savedQueryMetrics(entry: Record<string, unknown>): string[] {
  const params = isRecord(entry.query_params) ? entry.query_params : {};
  return list(params.metrics)
    .map(nameOf)
    .filter((name): name is string => name !== null);
}

/** `name` or `{name: ...}`. */
function nameOf(value: unknown): string | null {
  if (typeof value === 'string' && value !== '') return value;
  if (isRecord(value) && typeof value.name === 'string') return value.name;
  return null;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function tagList(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.map(String) : [];
}

function relativePath(dirs: string[], file: string): string {
  for (const dir of dirs) if (file.startsWith(`${dir}/`)) return file.slice(dir.length + 1);
  return file;
}
