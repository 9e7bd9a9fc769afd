/**
 * `mdw docs generate`: compile every node, read the warehouse, and write target/manifest.json,
 * target/catalog.json and the static site under target/docs/ (index.html, data.js, app code,
 * the bundled graph and chart libraries, erd.svg).
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAdapter } from '../adapters/index.js';
import { Graph } from '../graph/dag.js';
import type { LoadedProject } from '../project/loader.js';
import { writeManifest } from '../run/artifacts.js';
import { Compiler } from '../run/compile.js';
import { MDW_VERSION } from '../version.js';
import { buildCatalog } from './catalog.js';
import { buildDashboard } from './dashboard.js';
import { buildErd, renderErdSvg } from './erd.js';
import { buildLineage } from './lineage.js';
import { buildSiteData, icebergInfos, type RunResults } from './site-data.js';

/** The site's static files, copied next to this module by the build (scripts/copy-site-assets.mjs). */
export const SITE_ASSETS_DIR = fileURLToPath(new URL('./site/', import.meta.url));

export interface GenerateReport {
  targetDir: string;
  siteDir: string;
  nodes: number;
  catalogued: number;
  compileErrors: string[];
  catalogErrors: string[];
}

function readRunResults(targetDir: string): RunResults | null {
  const path = join(targetDir, 'run_results.json');
  if (!existsSync(path)) return null;
  try {
    const document = JSON.parse(readFileSync(path, 'utf8'));
    return {
      generated_at: document.metadata?.generated_at ?? '',
      elapsed_time: Number(document.elapsed_time ?? 0),
      results: (document.results ?? []).map((r: Record<string, unknown>) => ({
        unique_id: String(r.unique_id),
        status: String(r.status),
        execution_time: Number(r.execution_time ?? 0),
        message: (r.message as string | null) ?? null,
        failures: (r.failures as number | null) ?? null,
      })),
    };
  } catch {
    return null;
  }
}

/** `</script>` inside the data would end the script tag early: escape `<` in the JSON. */
export function embedAsScript(variable: string, value: unknown): string {
  return `window.${variable} = ${JSON.stringify(value).replace(/</g, '\\u003c')};\n`;
}

export async function generateDocs(loaded: LoadedProject): Promise<GenerateReport> {
  const { manifest } = loaded;
  const compiler = new Compiler(loaded);
  const targetDir = compiler.targetDir;
  const adapter = await createAdapter(loaded.target, loaded.project.root);
  const conn = await adapter.connect();
  const compileErrors: string[] = [];
  try {
    const runQuery = async (sql: string) => {
      const result = await conn.query(sql);
      return { columnNames: result.columnNames, columnTypes: result.columnTypes, rows: result.rows };
    };
    const graph = Graph.fromManifest(manifest);
    const ids = new Set(Object.keys(manifest.nodes));
    for (const id of graph.topologicalOrder(ids)) {
      const node = manifest.nodes[id];
      if (!node || node.resource_type === 'seed' || node.config.enabled === false) continue;
      try {
        await compiler.compile(node, { runQuery, which: 'generate' });
      } catch (error) {
        compileErrors.push(`${node.original_file_path}: ${(error as Error).message.split('\n')[0]}`);
      }
    }
    writeManifest(targetDir, manifest);
    const catalog = await buildCatalog(manifest, adapter, conn, MDW_VERSION);
    writeFileSync(join(targetDir, 'catalog.json'), JSON.stringify(catalog.catalog));
    const erd = buildErd(manifest);
    const erdSvg = renderErdSvg(erd);
    const site = buildSiteData({
      manifest,
      catalog,
      lineage: buildLineage(manifest),
      erd,
      erdSvg,
      dashboard: await buildDashboard(manifest, conn),
      runResults: readRunResults(targetDir),
      iceberg: await icebergInfos(adapter.iceberg, conn, manifest),
      target: loaded.target.name,
      mdwVersion: MDW_VERSION,
    });
    const siteDir = join(targetDir, 'docs');
    mkdirSync(siteDir, { recursive: true });
    copyTree(SITE_ASSETS_DIR, siteDir);
    writeFileSync(join(siteDir, 'data.js'), embedAsScript('MDW_DOCS', site));
    writeFileSync(join(siteDir, 'erd.svg'), erdSvg);
    return {
      targetDir,
      siteDir,
      nodes: Object.keys(site.nodes).length,
      catalogued: Object.keys(catalog.catalog.nodes).length + Object.keys(catalog.catalog.sources).length,
      compileErrors,
      catalogErrors: catalog.catalog.errors ?? [],
    };
  } finally {
    await conn.close();
    await adapter.close();
  }
}

function copyTree(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.isDirectory()) copyTree(join(from, entry.name), join(to, entry.name));
    else copyFileSync(join(from, entry.name), join(to, entry.name));
  }
}
