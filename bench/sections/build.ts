/**
 * 2. mdw build --full-refresh on the local target (all 112 data tests included), and the same
 * without tests: `mdw build --full-refresh --exclude resource_type:test`, i.e. models and
 * snapshots, exactly the node set the floor executes. (`mdw run` alone cannot stand in: on an
 * empty warehouse the std dimensions need the snapshots, which `run` does not build.)
 * Every run starts from an empty warehouse; the two variants alternate so that drifting load on
 * a shared machine hits both alike. The models-only warehouse of each round is what section 8
 * reads in that round.
 */
import {
  checkAllPassed,
  type NodeResult,
  nodeSeconds,
  readManifest,
  readRunResults,
} from '../lib/artifacts.js';
import type { SectionResult } from '../lib/results.js';
import { medianByKey } from '../lib/stats.js';
import { type BenchContext, formatRun, type Section, Series } from './context.js';

export const FULL_BUILD = ['build', '--full-refresh'];
export const MODELS_ONLY = ['build', '--full-refresh', '--exclude', 'resource_type:test'];

export const buildSection: Section = {
  name: 'build',
  async start(ctx: BenchContext) {
    const data = await ctx.data();
    const side = ctx.ws.side('mdw', data.rawDir);
    const full = new Series();
    const models = new Series();
    const fullNodes: Record<string, number>[] = [];
    const modelNodes: Record<string, number>[] = [];
    let last: NodeResult[] = [];
    return {
      async once(run: number) {
        ctx.ws.freshWarehouse(side);
        const m = full.add(await ctx.ws.mdw(side, FULL_BUILD));
        last = readRunResults(side.projectDir);
        checkAllPassed(last, 'mdw build');
        fullNodes.push(nodeSeconds(last));
        ctx.log(`build ${run}/${ctx.runs}: mdw build --full-refresh ${formatRun(m)}`);

        // Models-only last: its warehouse (every model built) is what section 8 reads.
        ctx.ws.freshWarehouse(side);
        const n = models.add(await ctx.ws.mdw(side, MODELS_ONLY));
        const results = readRunResults(side.projectDir);
        checkAllPassed(results, 'mdw build (no tests)');
        modelNodes.push(nodeSeconds(results));
        ctx.log(`build ${run}/${ctx.runs}: mdw build --full-refresh, no tests ${formatRun(n)}`);
      },
      finish(): SectionResult {
        const counts = countByType(last);
        return {
          status: 'ok',
          metrics: {
            ...full.metrics(
              'full',
              `mdw build --full-refresh (${counts.model ?? 0} models, ${counts.snapshot ?? 0} snapshots, ${counts.test ?? 0} tests)`,
            ),
            ...models.metrics('models', 'mdw build --full-refresh, no tests (models + snapshots)'),
          },
          details: {
            commands: { full: `mdw ${FULL_BUILD.join(' ')}`, modelsOnly: `mdw ${MODELS_ONLY.join(' ')}` },
            nodeCounts: counts,
            ...nodeBreakdown(ctx, side.projectDir, medianByKey(fullNodes)),
            modelsOnlyNodeSeconds: pick(medianByKey(modelNodes), (id) => !id.startsWith('test.')),
          },
        };
      },
    };
  },
};

function countByType(results: NodeResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const type = r.uniqueId.split('.')[0]!;
    counts[type] = (counts[type] ?? 0) + 1;
  }
  return counts;
}

function pick(values: Record<string, number>, keep: (id: string) => boolean): Record<string, number> {
  return Object.fromEntries(Object.entries(values).filter(([id]) => keep(id)));
}

/**
 * Where the full build spends its node time: seconds summed per resource type, per node for
 * models and snapshots, the slowest tests, and the time of everything that reads a staging view
 * over the large sales CSV (every such node re-reads and re-deduplicates the file).
 */
export function nodeBreakdown(
  ctx: BenchContext,
  projectDir: string,
  medians: Record<string, number>,
): Record<string, unknown> {
  const byType: Record<string, number> = {};
  for (const [id, seconds] of Object.entries(medians)) {
    const type = id.split('.')[0]!;
    byType[type] = (byType[type] ?? 0) + seconds;
  }
  let readsSales: Record<string, number> = {};
  try {
    const manifest = readManifest(projectDir);
    const salesView = Object.values(manifest.nodes).find((n) => n.name === 'mdw_stg_sales')?.unique_id;
    if (salesView) {
      readsSales = pick(medians, (id) => manifest.nodes[id]?.depends_on.nodes.includes(salesView) ?? false);
    }
  } catch (error) {
    ctx.log(`no manifest for the node breakdown: ${(error as Error).message}`);
  }
  const round = (x: number) => Number(x.toFixed(3));
  return {
    nodeSecondsByType: Object.fromEntries(Object.entries(byType).map(([k, v]) => [k, round(v)])),
    nodeSeconds: pick(medians, (id) => !id.startsWith('test.')),
    slowestTests: Object.fromEntries(
      Object.entries(medians)
        .filter(([id]) => id.startsWith('test.'))
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12),
    ),
    readersOfStgSales: {
      nodes: Object.keys(readsSales).length,
      seconds: round(Object.values(readsSales).reduce((a, b) => a + b, 0)),
      each: readsSales,
    },
  };
}
