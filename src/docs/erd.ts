/**
 * The entity-relationship diagram of the dimensional model, derived from the manifest alone:
 * every `relationships` test between models of the std and cur layers is a foreign key
 * (child column → parent key); `unique` + `not_null` tests mark primary keys. A model that
 * holds foreign keys to two or more others is a fact; the models they point at are
 * dimensions. Rendered as a standalone SVG (docs/erd.svg and the site).
 */
import type { Manifest, ManifestNode } from '../manifest/types.js';
import { layerOf } from './lineage.js';

export interface ErdColumn {
  name: string;
  description: string;
  primaryKey: boolean;
  foreignKey: boolean;
}

export interface ErdEntity {
  id: string;
  name: string;
  kind: 'fact' | 'dimension';
  columns: ErdColumn[];
}

export interface ErdRelationship {
  /** the model holding the foreign key (the "many" side unless its column is unique) */
  from: string;
  fromColumn: string;
  to: string;
  toColumn: string;
  /** "N:1" or "1:1" */
  cardinality: 'N:1' | '1:1';
}

export interface Erd {
  entities: ErdEntity[];
  relationships: ErdRelationship[];
}

const DIMENSIONAL_LAYERS = new Set(['std', 'cur']);

function testsOn(manifest: Manifest, name: string): Map<string, Set<string>> {
  const byColumn = new Map<string, Set<string>>();
  for (const node of Object.values(manifest.nodes)) {
    if (node.resource_type !== 'test' || !node.test_metadata || !node.column_name) continue;
    if (node.attached_node !== name) continue;
    const set = byColumn.get(node.column_name) ?? new Set();
    set.add(node.test_metadata.name);
    byColumn.set(node.column_name, set);
  }
  return byColumn;
}

export function buildErd(manifest: Manifest): Erd {
  const models = manifest.nodes;
  const relationships: ErdRelationship[] = [];
  for (const test of Object.values(models)) {
    if (test.resource_type !== 'test' || test.test_metadata?.name !== 'relationships') continue;
    const from = test.attached_node ? models[test.attached_node] : undefined;
    const toId = test.depends_on.nodes.find((id) => id !== test.attached_node);
    const to = toId ? models[toId] : undefined;
    const field = test.test_metadata.kwargs.field;
    if (!from || !to || !test.column_name || typeof field !== 'string') continue;
    if (!DIMENSIONAL_LAYERS.has(layerOf(from)) || !DIMENSIONAL_LAYERS.has(layerOf(to))) continue;
    relationships.push({
      from: from.unique_id,
      fromColumn: test.column_name,
      to: to.unique_id,
      toColumn: field,
      cardinality: 'N:1',
    });
  }
  relationships.sort((a, b) => a.from.localeCompare(b.from) || a.fromColumn.localeCompare(b.fromColumn));
  const fanOut = new Map<string, number>();
  for (const r of relationships) fanOut.set(r.from, (fanOut.get(r.from) ?? 0) + 1);
  const ids = [...new Set(relationships.flatMap((r) => [r.from, r.to]))].sort();
  const entities = ids.map((id): ErdEntity => {
    const node = models[id] as ManifestNode;
    const tests = testsOn(manifest, id);
    const foreign = new Set(relationships.filter((r) => r.from === id).map((r) => r.fromColumn));
    const referenced = new Set(relationships.filter((r) => r.to === id).map((r) => r.toColumn));
    const isKey = (column: string) => {
      const t = tests.get(column);
      return (t?.has('unique') === true && t.has('not_null')) || referenced.has(column);
    };
    const names = Object.keys(node.columns);
    for (const column of [...foreign, ...referenced]) if (!names.includes(column)) names.unshift(column);
    return {
      id,
      name: node.name,
      kind: (fanOut.get(id) ?? 0) >= 2 ? 'fact' : 'dimension',
      columns: names.map((name) => ({
        name,
        description: node.columns[name]?.description ?? '',
        primaryKey: isKey(name),
        foreignKey: foreign.has(name),
      })),
    };
  });
  for (const r of relationships) {
    const fromTests = testsOn(manifest, r.from).get(r.fromColumn);
    if (fromTests?.has('unique')) r.cardinality = '1:1';
  }
  return { entities, relationships };
}

const ROW = 18;
const HEADER = 26;
const WIDTH = 250;
const GAP_X = 140;
const GAP_Y = 30;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Keys first, then the other columns (only keys for tall entities, to keep the picture readable). */
function shownColumns(entity: ErdEntity): ErdColumn[] {
  const keys = entity.columns.filter((c) => c.primaryKey || c.foreignKey);
  const rest = entity.columns.filter((c) => !c.primaryKey && !c.foreignKey);
  return rest.length > 8 ? [...keys, ...rest.slice(0, 6)] : [...keys, ...rest];
}

/** A deterministic SVG: facts in the middle column, dimensions split left and right. */
export function renderErdSvg(erd: Erd): string {
  const facts = erd.entities.filter((e) => e.kind === 'fact');
  const dims = erd.entities.filter((e) => e.kind === 'dimension');
  const left = dims.filter((_, i) => i % 2 === 0);
  const right = dims.filter((_, i) => i % 2 === 1);
  const columns = [left, facts, right];
  const boxes = new Map<string, { x: number; y: number; h: number; rows: ErdColumn[] }>();
  let height = 0;
  columns.forEach((members, col) => {
    let y = 40;
    for (const entity of members) {
      const rows = shownColumns(entity);
      const h = HEADER + rows.length * ROW + (rows.length < entity.columns.length ? ROW : 0) + 6;
      boxes.set(entity.id, { x: 20 + col * (WIDTH + GAP_X), y, h, rows });
      y += h + GAP_Y;
    }
    height = Math.max(height, y);
  });
  const width = 40 + 3 * WIDTH + 2 * GAP_X;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`,
    '<title>Entity-relationship diagram of the dimensional model (generated by mdw docs from the manifest)</title>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="20" y="24" font-size="14" font-weight="bold">Dimensional model: ${facts.length} fact(s), ${dims.length} dimension(s)</text>`,
  ];
  const rowY = (id: string, column: string): number | undefined => {
    const box = boxes.get(id);
    const index = box?.rows.findIndex((c) => c.name === column) ?? -1;
    return box && index >= 0 ? box.y + HEADER + index * ROW + ROW / 2 + 2 : undefined;
  };
  for (const r of erd.relationships) {
    const a = boxes.get(r.from);
    const b = boxes.get(r.to);
    const ya = rowY(r.from, r.fromColumn);
    const yb = rowY(r.to, r.toColumn);
    if (!a || !b || ya === undefined || yb === undefined) continue;
    const aRight = a.x < b.x;
    const xa = aRight ? a.x + WIDTH : a.x;
    const xb = aRight ? b.x : b.x + WIDTH;
    const mid = (xa + xb) / 2;
    const many = r.cardinality === 'N:1' ? 'N' : '1';
    parts.push(
      `<g class="relationship" data-from="${escapeXml(r.from)}" data-to="${escapeXml(r.to)}" data-key="${escapeXml(r.fromColumn)}">`,
      `<path d="M${xa} ${ya} H${mid} V${yb} H${xb}" fill="none" stroke="#55606e" stroke-width="1.4"/>`,
      `<text x="${aRight ? xa + 4 : xa - 12}" y="${ya - 4}" fill="#b03030">${many}</text>`,
      `<text x="${aRight ? xb - 12 : xb + 4}" y="${yb - 4}" fill="#b03030">1</text>`,
      `<title>${escapeXml(`${r.fromColumn} → ${r.toColumn} (${r.cardinality})`)}</title>`,
      '</g>',
    );
  }
  for (const entity of [...facts, ...dims]) {
    const box = boxes.get(entity.id)!;
    const fill = entity.kind === 'fact' ? '#fde7c8' : '#d8e8f8';
    parts.push(
      `<g class="entity" data-id="${escapeXml(entity.id)}" data-kind="${entity.kind}">`,
      `<rect x="${box.x}" y="${box.y}" width="${WIDTH}" height="${box.h}" rx="4" fill="#ffffff" stroke="#55606e"/>`,
      `<rect x="${box.x}" y="${box.y}" width="${WIDTH}" height="${HEADER - 4}" rx="4" fill="${fill}" stroke="#55606e"/>`,
      `<text x="${box.x + 8}" y="${box.y + 16}" font-weight="bold">${escapeXml(entity.name)}</text>`,
      `<text x="${box.x + WIDTH - 8}" y="${box.y + 16}" text-anchor="end" font-size="10" fill="#55606e">${entity.kind}</text>`,
    );
    box.rows.forEach((column, i) => {
      const y = box.y + HEADER + i * ROW + 12;
      const tag = [column.primaryKey ? 'PK' : '', column.foreignKey ? 'FK' : ''].filter(Boolean).join(' ');
      parts.push(
        `<text x="${box.x + 8}" y="${y}" class="column"${column.primaryKey ? ' font-weight="bold"' : ''}>${escapeXml(column.name)}</text>`,
      );
      if (tag)
        parts.push(
          `<text x="${box.x + WIDTH - 8}" y="${y}" text-anchor="end" font-size="10" fill="#b03030">${tag}</text>`,
        );
    });
    if (box.rows.length < entity.columns.length) {
      const y = box.y + HEADER + box.rows.length * ROW + 12;
      parts.push(
        `<text x="${box.x + 8}" y="${y}" fill="#8a939e">… ${entity.columns.length - box.rows.length} more columns</text>`,
      );
    }
    parts.push('</g>');
  }
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
