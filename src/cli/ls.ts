/** `mdw ls` — list selected resources (--output name | path | json | selector). */
import { Graph } from '../graph/dag.js';
import { selectNodes } from '../graph/selector.js';
import type { ManifestNode, ResourceType, SourceDefinition } from '../manifest/types.js';
import { ConfigError } from '../util/errors.js';
import { listFlag, type ParsedArgs, stringFlag } from './args.js';
import { load, selectionArgs } from './project.js';

const RESOURCE_TYPES = new Set(['model', 'seed', 'snapshot', 'test', 'source', 'analysis']);

export async function lsCommand(args: ParsedArgs): Promise<number> {
  const loaded = load(args, (line) => console.error(line));
  const { manifest } = loaded;
  const output = stringFlag(args, 'output') ?? 'selector';
  if (!['name', 'path', 'json', 'selector'].includes(output)) {
    throw new ConfigError(`--output must be one of name, path, json, selector; got '${output}'.`);
  }
  const requested = listFlag(args, 'resource-type') ?? [];
  for (const type of requested) {
    if (!RESOURCE_TYPES.has(type))
      throw new ConfigError(
        `Unknown --resource-type '${type}'; use one of ${[...RESOURCE_TYPES].join(', ')}.`,
      );
  }
  const resourceTypes = (
    requested.length > 0 ? requested : ['model', 'seed', 'snapshot', 'test', 'source', 'analysis']
  ) as ResourceType[];
  const { select, exclude } = selectionArgs(args);
  const { selected } = selectNodes(manifest, Graph.fromManifest(manifest), {
    select,
    exclude,
    resourceTypes,
  });
  const lines: string[] = [];
  for (const id of [...selected].sort()) {
    const node: ManifestNode | SourceDefinition =
      (manifest.nodes[id] as ManifestNode | undefined) ?? manifest.sources[id]!;
    if (output === 'name') lines.push(node.name);
    else if (output === 'path') lines.push(node.original_file_path);
    else if (output === 'json') {
      lines.push(
        JSON.stringify({
          name: node.name,
          resource_type: node.resource_type,
          package_name: node.package_name,
          original_file_path: node.original_file_path,
          unique_id: node.unique_id,
          alias: node.resource_type === 'source' ? node.identifier : node.alias,
          config: node.config,
          tags: node.tags,
          depends_on: 'depends_on' in node ? node.depends_on : { nodes: [], macros: [] },
        }),
      );
    } else {
      // dbt selects sources by package.source.table, whatever folder declares them
      lines.push(
        node.resource_type === 'source'
          ? `source:${node.package_name}.${node.source_name}.${node.name}`
          : node.fqn.join('.'),
      );
    }
  }
  process.stdout.write(lines.length > 0 ? `${lines.join('\n')}\n` : '');
  return 0;
}
