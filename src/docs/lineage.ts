/**
 * The lineage graph the site draws: models, sources, seeds and snapshots with the manifest's
 * edges, placed in columns by medallion layer (raw → stg → snp → std → cur) and, inside a
 * layer, by depth; plus column-level lineage read from the compiled SQL where it can be.
 */
import type { Manifest, ManifestNode, SourceDefinition } from '../manifest/types.js';

export const LAYERS = ['raw', 'stg', 'snp', 'std', 'cur'] as const;
export type Layer = (typeof LAYERS)[number] | 'other';

export interface LineageNode {
  id: string;
  name: string;
  type: string;
  layer: Layer;
  x: number;
  y: number;
}

export interface LineageGraph {
  nodes: LineageNode[];
  /** [parent id, child id] */
  edges: [string, string][];
}

type Item = ManifestNode | SourceDefinition;

/** A node's layer: sources are raw; otherwise the first folder of its fqn (or schema suffix) naming a layer. */
export function layerOf(item: Item): Layer {
  if (item.resource_type === 'source') return 'raw';
  if (item.resource_type === 'snapshot') return 'snp';
  const candidates = [...item.fqn.slice(1, -1), item.schema.split('_').at(-1) ?? ''];
  for (const candidate of candidates) {
    if ((LAYERS as readonly string[]).includes(candidate)) return candidate as Layer;
  }
  return 'other';
}

export function isLineageNode(node: ManifestNode): boolean {
  return node.resource_type !== 'test' && node.resource_type !== 'analysis' && node.config.enabled !== false;
}

export function buildLineage(manifest: Manifest): LineageGraph {
  const items = new Map<string, Item>();
  for (const source of Object.values(manifest.sources)) items.set(source.unique_id, source);
  for (const node of Object.values(manifest.nodes)) if (isLineageNode(node)) items.set(node.unique_id, node);
  const parents = new Map<string, string[]>();
  for (const [id, item] of items) {
    const deps = item.resource_type === 'source' ? [] : item.depends_on.nodes;
    parents.set(id, [...new Set(deps.filter((p) => items.has(p)))].sort());
  }
  const layers = new Map([...items].map(([id, item]) => [id, layerOf(item)]));
  const useBands = [...layers.values()].every((layer) => layer !== 'other');
  const column = new Map<string, number>();
  // Columns: a node sits right of its parents; with bands, each layer also starts right of the last.
  const bandStart = new Map<Layer, number>();
  const place = (id: string, stack: Set<string>): number => {
    const known = column.get(id);
    if (known !== undefined) return known;
    if (stack.has(id)) return 0; // a cycle is reported by the loader; never loop here
    stack.add(id);
    let col = 0;
    for (const parent of parents.get(id) ?? []) col = Math.max(col, place(parent, stack) + 1);
    stack.delete(id);
    column.set(id, col);
    return col;
  };
  const ids = [...items.keys()].sort();
  if (useBands) {
    let next = 0;
    for (const layer of LAYERS) {
      bandStart.set(layer, next);
      const members = ids.filter((id) => layers.get(id) === layer);
      const local = new Map<string, number>();
      const localDepth = (id: string): number => {
        const known = local.get(id);
        if (known !== undefined) return known;
        local.set(id, 0);
        let depth = 0;
        for (const parent of parents.get(id) ?? [])
          if (layers.get(parent) === layer) depth = Math.max(depth, localDepth(parent) + 1);
        local.set(id, depth);
        return depth;
      };
      let width = 0;
      for (const id of members) {
        const depth = localDepth(id);
        column.set(id, next + depth);
        width = Math.max(width, depth + 1);
      }
      next += width;
    }
  } else {
    for (const id of ids) place(id, new Set());
  }
  // Rows: within a column, order by the mean row of the parents (barycenter), then by name.
  const byColumn = new Map<number, string[]>();
  for (const id of ids) {
    const col = column.get(id)!;
    byColumn.set(col, [...(byColumn.get(col) ?? []), id]);
  }
  const row = new Map<string, number>();
  for (const col of [...byColumn.keys()].sort((a, b) => a - b)) {
    const members = byColumn.get(col)!;
    const weight = (id: string): number => {
      const placed = (parents.get(id) ?? []).map((p) => row.get(p)).filter((r) => r !== undefined);
      return placed.length === 0
        ? Number.POSITIVE_INFINITY
        : placed.reduce((a, b) => a + b, 0) / placed.length;
    };
    members.sort((a, b) => weight(a) - weight(b) || items.get(a)!.name.localeCompare(items.get(b)!.name));
    for (const [i, id] of members.entries()) row.set(id, i);
  }
  const nodes = ids.map((id) => {
    const item = items.get(id)!;
    return {
      id,
      name: item.resource_type === 'source' ? `${item.source_name}.${item.name}` : item.name,
      type: item.resource_type,
      layer: layers.get(id)!,
      x: column.get(id)! * 260,
      y: row.get(id)! * 70,
    };
  });
  const edges = ids.flatMap((id) => (parents.get(id) ?? []).map((p): [string, string] => [p, id]));
  return { nodes, edges };
}

export interface ColumnEdge {
  /** parent unique_id */
  node: string;
  column: string;
}

const SQL_WORDS = new Set(
  'select from where and or not as on join left right inner outer full cross group by order having limit with case when then else end cast coalesce null is in distinct over partition row_number rank dense_rank sum count min max avg true false union all asc desc nulls first last between like date timestamp varchar integer bigint decimal double interval'.split(
    ' ',
  ),
);

/**
 * For each output column of a model, the parent columns it is computed from: the columns an
 * `<expression> as <column>` reads, or a parent column of the same name passed through.
 * Heuristic (no SQL parser): identifiers are matched by name against the parents' columns.
 */
export function columnLineage(
  compiledSql: string,
  outputColumns: string[],
  parentColumns: Map<string, string[]>,
): Record<string, ColumnEdge[]> {
  const sql = compiledSql.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
  const lower = sql.toLowerCase();
  const byName = new Map<string, ColumnEdge[]>();
  for (const [node, columns] of parentColumns) {
    for (const column of columns) {
      const key = column.toLowerCase();
      byName.set(key, [...(byName.get(key) ?? []), { node, column }]);
    }
  }
  const out: Record<string, ColumnEdge[]> = {};
  for (const output of outputColumns) {
    const sources = new Map<string, ColumnEdge>();
    const add = (edges: ColumnEdge[] | undefined) => {
      for (const edge of edges ?? []) sources.set(`${edge.node}\u0000${edge.column}`, edge);
    };
    for (const expression of expressionsAliasedAs(lower, output.toLowerCase())) {
      for (const word of expression.match(/[a-z_][a-z0-9_]*/g) ?? []) {
        if (!SQL_WORDS.has(word)) add(byName.get(word));
      }
    }
    if (sources.size === 0 && new RegExp(`\\b${escapeRegExp(output.toLowerCase())}\\b`).test(lower)) {
      add(byName.get(output.toLowerCase()));
    }
    if (sources.size > 0) out[output] = [...sources.values()];
  }
  return out;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The select-list expressions written as `<expression> as <alias>` (walks back to a top-level comma). */
export function expressionsAliasedAs(sql: string, alias: string): string[] {
  const pattern = new RegExp(`\\bas\\s+"?${escapeRegExp(alias)}"?(?![a-z0-9_])`, 'g');
  const expressions: string[] = [];
  for (const match of sql.matchAll(pattern)) {
    let depth = 0;
    let i = match.index - 1;
    for (; i >= 0; i--) {
      const ch = sql[i];
      if (ch === ')') depth++;
      else if (ch === '(') {
        if (depth === 0) break;
        depth--;
      } else if (ch === ',' && depth === 0) break;
      else if (depth === 0 && /\bselect\s*$/.test(sql.slice(Math.max(0, i - 7), i + 1))) break;
    }
    const expression = sql.slice(i + 1, match.index).replace(/^\s*select\b/, '');
    if (expression.trim().length > 0) expressions.push(expression);
  }
  return expressions;
}
