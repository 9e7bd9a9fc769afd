/** Sources: each table of a source in a properties file becomes a source definition. */
import { resolveCatalog } from '../../adapters/registry.js';
import { ConfigError } from '../../util/errors.js';
import { refuseSecretEnv } from '../../util/secrets.js';
import { configFromTree } from '../config.js';
import { folderParts, type ParseState } from './state.js';

export function readSources(state: ParseState): void {
  for (const file of state.properties) {
    for (const rawSource of file.sources) {
      const source = {
        ...rawSource,
        schema: renderYamlValue(state, rawSource.schema, rawSource.file),
        database: renderYamlValue(state, rawSource.database, rawSource.file),
        meta: renderYamlValue(state, rawSource.meta, rawSource.file),
      };
      for (const rawTable of source.tables) {
        const table = {
          ...rawTable,
          identifier: renderYamlValue(state, rawTable.identifier, source.file),
          meta: renderYamlValue(state, rawTable.meta, source.file),
          external: renderYamlValue(state, rawTable.external, source.file),
        };
        const id = `source.${state.project.name}.${source.name}.${table.name}`;
        if (state.sources[id]) {
          throw new ConfigError(
            `${source.file}:${table.line}: source table '${source.name}.${table.name}' is defined twice.`,
          );
        }
        const sourceFqn = [state.project.name, source.name, table.name];
        const treeConfig = configFromTree(state.project.config_trees.sources, sourceFqn);
        if (state.project !== state.root)
          Object.assign(treeConfig, configFromTree(state.root.config_trees.sources, sourceFqn));
        const externalLocation =
          table.external?.location ?? table.meta.external_location ?? source.meta.external_location;
        const external =
          typeof externalLocation === 'string'
            ? {
                ...(table.external ?? {}),
                location: externalLocation
                  .replaceAll('{name}', table.name)
                  .replaceAll('{identifier}', table.identifier),
                // dbt-duckdb reads a meta.external_location path with DuckDB's type
                // detection; `external.location` is the raw layer's all-text reading.
                infer_types: typeof table.external?.location !== 'string',
              }
            : null;
        const database = resolveCatalog(state.target, source.database ?? state.target.database);
        state.sources[id] = {
          unique_id: id,
          resource_type: 'source',
          name: table.name,
          source_name: source.name,
          package_name: state.project.name,
          path: source.file,
          original_file_path: source.file,
          fqn: [state.project.name, ...folderParts(source.file).slice(1), source.name, table.name],
          database,
          schema: source.schema,
          identifier: table.identifier,
          relation_name: state.relation(database, source.schema, table.identifier).render(),
          description: state.renderDescription(table.description, source.file),
          source_description: state.renderDescription(source.description, source.file),
          columns: state.columns(table.columns, source.file),
          meta: { ...source.meta, ...table.meta },
          source_meta: source.meta,
          tags: [...new Set([...source.tags, ...table.tags])],
          external,
          loader: source.loader,
          loaded_at_field: table.loaded_at_field ?? source.loaded_at_field ?? null,
          freshness: mergeFreshness(source.freshness, table.freshness),
          config: { enabled: true, ...treeConfig, ...source.config, ...table.config },
        };
      }
    }
  }
}

/** Source properties may use {{ env_var() }} / {{ var() }} (e.g. the landing folder). */
function renderYamlValue<T>(state: ParseState, value: T, file: string): T {
  if (typeof value === 'string') {
    if (!value.includes('{{') && !value.includes('{%')) return value;
    const context = {
      env_var: (name: string, fallback?: unknown) => {
        refuseSecretEnv(name);
        state.cache.noteEnv(name);
        const found = process.env[name] ?? fallback;
        if (found === undefined)
          throw new ConfigError(`environment variable '${name}' is required but not set.`);
        return found;
      },
      var: (name: string, fallback?: unknown) => {
        if (name in state.vars) return state.vars[name];
        if (fallback !== undefined) return fallback;
        throw new ConfigError(`${file}: required var '${name}' is not defined in dbt_project.yml or --vars.`);
      },
      target: { ...state.target },
    };
    return state.engine.render(value, file, context).sql as T;
  }
  if (Array.isArray(value)) return value.map((v) => renderYamlValue(state, v, file)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, renderYamlValue(state, v, file)]),
    ) as T;
  }
  return value;
}

/** dbt merges a table's freshness over its source's key by key; `freshness: null` turns it off. */
function mergeFreshness(
  source: Record<string, unknown> | null | undefined,
  table: Record<string, unknown> | null | undefined,
): Record<string, unknown> | null {
  if (table === null) return null;
  if (table === undefined) return source ?? null;
  return { ...(source ?? {}), ...table };
}
