/**
 * `metrics:`, `semantic_models:` and `saved_queries:` entries of properties files: read so
 * `mdw ls` and manifest.json show them as dbt does; mdw does not execute the semantic layer.
 */
import type { SemanticResourceType } from '../manifest/resources.js';
import { ConfigError } from '../util/errors.js';
import { isRecord, type YamlFile } from './yaml.js';

export interface RawSemantic {
  resourceType: SemanticResourceType;
  name: string;
  entry: Record<string, unknown>;
  file: string;
  line: number;
}

export const SEMANTIC_KEYS: Record<string, SemanticResourceType> = {
  metrics: 'metric',
  semantic_models: 'semantic_model',
  saved_queries: 'saved_query',
};

export function parseSemanticEntries(file: YamlFile, key: string, list: unknown): RawSemantic[] {
  const resourceType = SEMANTIC_KEYS[key]!;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list))
    throw new ConfigError(`${file.path}:${file.lineOf([key])}: '${key}' must be a list.`);
  return list.map((entry, index) => {
    const line = file.lineOf([key, index]);
    if (!isRecord(entry) || typeof entry.name !== 'string' || entry.name === '')
      throw new ConfigError(`${file.path}:${line}: each entry of '${key}' must be a mapping with a 'name'.`);
    return { resourceType, name: entry.name, entry, file: file.path, line };
  });
}
