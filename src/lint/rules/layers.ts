/** Layer rules: what each medallion layer may read, compute and be materialized as. */

import type { Finding } from '../types.js';
import { layerOf, type ModelUnit } from '../unit.js';

/** Window functions staging may use: ranking rows to keep one per key. */
const DEDUPLICATION_WINDOWS = new Set(['row_number', 'rank', 'dense_rank']);

const MATERIALIZATIONS: Record<string, string[]> = {
  stg: ['view'],
  std: ['table'],
  cur: ['table', 'incremental'],
};

export function layerRules(unit: ModelUnit): Finding[] {
  const layer = unit.layer;
  const findings: Finding[] = [];
  const { node, manifest } = unit;
  const jinjaCall = (fn: string, arg?: string): number => {
    const token = unit.tokens.find(
      (t) =>
        t.kind === 'jinja-expr' &&
        new RegExp(`\\b${fn}\\s*\\(`).test(t.text) &&
        (arg === undefined || t.text.includes(`'${arg}'`) || t.text.includes(`"${arg}"`)),
    );
    return token?.start ?? unit.configOffset();
  };
  if (layer === null) return hardCoded(unit);

  if (node.sources.length > 0 && layer !== 'stg') {
    findings.push(
      unit.at(
        'L01',
        jinjaCall('source'),
        `source() is only for staging models; read the stg model with ref() instead.`,
      ),
    );
  }
  if (layer === 'stg' && node.refs.length > 0) {
    findings.push(
      unit.at(
        'L02',
        jinjaCall('ref', node.refs[0]!.name),
        `staging models read their source with source(), not other models with ref().`,
      ),
    );
  }
  findings.push(...hardCoded(unit));
  const facts = unit.parsed?.facts;
  if (layer === 'stg' && facts) {
    for (const join of facts.joins)
      findings.push(
        unit.atCompiled('L04', join.offset, 'staging models do not join: move the join to a std model.'),
      );
    for (const group of facts.groupBys)
      findings.push(unit.atCompiled('L04', group.offset, 'staging models do not aggregate (GROUP BY).'));
    for (const fn of facts.aggregates)
      findings.push(unit.atCompiled('L04', fn.offset, `staging models do not aggregate (${fn.name}).`));
    for (const fn of facts.windows) {
      if (!DEDUPLICATION_WINDOWS.has(fn.name)) {
        findings.push(
          unit.atCompiled(
            'L04',
            fn.offset,
            `staging models use window functions only to deduplicate, not ${fn.name}().`,
          ),
        );
      }
    }
  }
  if (layer === 'std' && facts) {
    for (const group of facts.groupBys)
      findings.push(
        unit.atCompiled(
          'L05',
          group.offset,
          'standardized models do not aggregate (GROUP BY): aggregate in cur.',
        ),
      );
    for (const fn of facts.aggregates)
      findings.push(
        unit.atCompiled(
          'L05',
          fn.offset,
          `standardized models do not aggregate (${fn.name}): aggregate in cur.`,
        ),
      );
  }
  if (layer === 'cur') {
    for (const id of node.depends_on.nodes) {
      const upstream = manifest.nodes[id];
      if (upstream && upstream.resource_type === 'model' && layerOf(upstream) === 'stg') {
        findings.push(
          unit.at(
            'L06',
            jinjaCall('ref', upstream.name),
            `curated models read std or cur models, not the staging model '${upstream.name}'.`,
          ),
        );
      }
    }
    if (node.sources.length > 0) {
      findings.push(unit.at('L06', jinjaCall('source'), 'curated models never read sources directly.'));
    }
  }
  if (
    (layer === 'std' || layer === 'cur') &&
    String(node.config.table_type ?? '').toLowerCase() !== 'iceberg'
  ) {
    findings.push(
      unit.at('L07', unit.configOffset(), `${layer} models set table_type='iceberg' in their config.`),
    );
  }
  const allowed = MATERIALIZATIONS[layer];
  if (allowed && !allowed.includes(node.config.materialized)) {
    findings.push(
      unit.at(
        'L08',
        unit.configOffset(),
        `${layer} models are materialized as ${allowed.join(' or ')}, not '${node.config.materialized}'.`,
      ),
    );
  }
  if (layer !== 'raw' && facts) {
    for (const star of facts.stars)
      findings.push(unit.atCompiled('L09', star.offset, 'list the columns instead of select *.'));
  }
  return findings;
}

/** A table the SQL names itself (not a CTE, not written by ref()/source()/this) is hard-coded. */
function hardCoded(unit: ModelUnit): Finding[] {
  const parsed = unit.parsed;
  if (!parsed) return [];
  const findings: Finding[] = [];
  for (const table of parsed.facts.tables) {
    if (table.schema === '' && table.catalog === '' && parsed.facts.cteNames.has(table.name.toLowerCase()))
      continue;
    if (table.offset === undefined) continue;
    const mapped = parsed.map.toRaw(table.offset);
    if (mapped.generated) continue;
    const name = [table.catalog, table.schema, table.name].filter((p) => p !== '').join('.');
    findings.push(unit.at('L03', mapped.offset, `hard-coded relation '${name}': use ref() or source().`));
  }
  return findings;
}
