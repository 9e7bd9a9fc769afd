/** `mdw ls` — list selected resources (--output name | path | json | selector). */
import { Graph } from '../graph/dag.js';
import { selectNodes } from '../graph/selector.js';
import type { SelectableNode } from '../graph/selector-methods.js';
import { readProjectSelectors } from '../graph/selector-yaml.js';
import type { Manifest } from '../manifest/types.js';
import { ConfigError } from '../util/errors.js';
import { type ParsedArgs, stringFlag } from './args.js';
import { load, resourceTypeFlags, selectionArgs } from './project.js';

/** What dbt ls lists by default: every resource type it knows that mdw parses. */
export const LS_RESOURCE_TYPES = [
  'model',
  'seed',
  'snapshot',
  'test',
  'unit_test',
  'source',
  'analysis',
  'metric',
  'semantic_model',
  'saved_query',
] as const;

export async function lsCommand(args: ParsedArgs): Promise<number> {
  const loaded = load(args, (line) => console.error(line));
  const { manifest } = loaded;
  const output = stringFlag(args, 'output') ?? 'selector';
  if (!['name', 'path', 'json', 'selector'].includes(output)) {
    throw new ConfigError(`--output must be one of name, path, json, selector; got '${output}'.`);
  }
  const resourceTypes = resourceTypeFlags(args, LS_RESOURCE_TYPES, LS_RESOURCE_TYPES);
  const { select, exclude, indirectSelection, selector } = selectionArgs(args);
  const { selected } = selectNodes(manifest, Graph.fromManifest(manifest), {
    select,
    exclude,
    ...(selector !== undefined ? { selector } : {}),
    selectors: readProjectSelectors(loaded.project.root),
    resourceTypes,
    indirectSelection,
  });
  const lines: string[] = [];
  for (const id of [...selected].sort()) {
    const node = resourceOf(manifest, id);
    if (output === 'name') lines.push(node.name);
    else if (output === 'path') lines.push(node.original_file_path);
    else if (output === 'json') lines.push(JSON.stringify(jsonLine(node)));
    else lines.push(selectorOf(node));
  }
  process.stdout.write(lines.length > 0 ? `${lines.join('\n')}\n` : '');
  return 0;
}

function resourceOf(manifest: Manifest, id: string): SelectableNode {
  return (manifest.nodes[id] ??
    manifest.sources[id] ??
    manifest.unit_tests?.[id] ??
    manifest.metrics?.[id] ??
    manifest.semantic_models?.[id] ??
    manifest.saved_queries?.[id]) as SelectableNode;
}

/** dbt's selector for each resource: the fqn, or `<type>:<package>.<name>` for the others. */
function selectorOf(node: SelectableNode): string {
  switch (node.resource_type) {
    case 'source': // dbt selects sources by package.source.table, whatever folder declares them
      return `source:${node.package_name}.${node.source_name}.${node.name}`;
    case 'unit_test':
      return `unit_test:${node.package_name}.${node.name}`;
    case 'metric':
    case 'semantic_model':
    case 'saved_query':
      return `${node.resource_type}:${node.package_name}.${node.name}`;
    default:
      return node.fqn.join('.');
  }
}

function jsonLine(node: SelectableNode): Record<string, unknown> {
  return {
    name: node.name,
    resource_type: node.resource_type,
    package_name: node.package_name,
    original_file_path: node.original_file_path,
    unique_id: node.unique_id,
    ...('alias' in node ? { alias: node.alias } : 'identifier' in node ? { alias: node.identifier } : {}),
    config: node.config,
    tags: node.tags,
    depends_on: 'depends_on' in node ? node.depends_on : { nodes: [], macros: [] },
  };
}
