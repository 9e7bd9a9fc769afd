/**
 * 1. The floor: the compiled SQL of every model and snapshot of dbt/, executed back-to-back on
 * one bare DuckDB connection in a topological order of the manifest, writing what mdw writes.
 * Nodes mdw stores as Iceberg tables (config table_type='iceberg' on a table, incremental or
 * snapshot; mdw's `usesIceberg`) become the same Parquet data files — COPY with mdw's writer
 * options, one folder per table under floor-data/<schema>/<table> — and a view that reads
 * exactly those files back, as mdw's Iceberg views do (lib/parquet-table.ts); only the Iceberg
 * metadata is left out. Other tables and (full-build) incrementals are `create table … as`,
 * views `create view` — except a view read by two or more models or snapshots, which is
 * materialized once as a table (`create table … as`) that its readers read, so its query runs
 * once, not once per reader (mdw's view reuse does the same). Snapshots select the four dbt_*
 * columns of a first snapshot too (the std dimensions read dbt_valid_from / dbt_valid_to).
 * Steps run as soon as their parents are done, on as many connections as the profile's
 * `threads` (what mdw runs nodes on), under the profile's DuckDB settings. No orchestration,
 * no tests, no artifacts, no atomic swap, no catalog: a lower bound of the work, the engine's
 * limit on this machine.
 *
 * The SQL comes from `mdw compile` on an empty warehouse (so is_incremental() is false: the
 * full-build SQL), in its own copy of the project; the raw sources are the views mdw creates,
 * read back from mdw's catalog (`duckdb_views()` in schema mdw_raw) after `mdw run -s stg.*`.
 * The database is a file named mdw.duckdb like mdw's (the compiled SQL names catalog "mdw").
 * floor-db and floor-data are deleted and recreated for every run.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { usesIceberg } from '../../src/materialize/plan.js';
import type { Statement, StepsPlan, StepsTimings } from '../duckdb-steps.js';
import { buildOrder, type ManifestNode, readManifest } from '../lib/artifacts.js';
import { measureOk } from '../lib/measure.js';
import { DUCKDB_STEPS_JS } from '../lib/paths.js';
import { localDuckDbSettings, localTarget } from '../lib/profile-settings.js';
import type { SectionResult } from '../lib/results.js';
import { medianByKey } from '../lib/stats.js';
import type { Side } from '../lib/workspace.js';
import { type BenchContext, formatRun, metric, type Section, Series } from './context.js';

const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

export const floorSection: Section = {
  name: 'floor',
  async start(ctx: BenchContext) {
    const data = await ctx.data();
    const side = ctx.ws.side('floor', data.rawDir);
    const dbDir = join(ctx.ws.workDir, 'floor', 'floor-db');
    const dataDir = resolve(ctx.ws.workDir, 'floor', 'floor-data');
    const plan = await floorPlan(ctx, side, dataDir);
    const planFile = join(ctx.ws.workDir, 'floor', 'plan.json');
    const timingsFile = join(ctx.ws.workDir, 'floor', 'timings.json');
    // The profile's DuckDB settings (memory_limit, …) and threads, as mdw runs under them.
    const options = localDuckDbSettings();
    const connections = Math.max(1, Number(localTarget().threads ?? 1) || 1);
    writeFileSync(
      planFile,
      JSON.stringify({ ...plan, options, connections, database: join(dbDir, 'mdw.duckdb') }, null, 1),
    );
    const series = new Series();
    const stepRuns: Record<string, number>[] = [];
    const sqlSeconds: number[] = [];
    return {
      async once(run: number) {
        for (const dir of [dbDir, dataDir]) {
          rmSync(dir, { recursive: true, force: true });
          mkdirSync(dir, { recursive: true });
        }
        const m = series.add(
          await measureOk('floor', process.execPath, [DUCKDB_STEPS_JS, planFile, timingsFile], {
            cwd: side.projectDir,
          }),
        );
        const timings = JSON.parse(readFileSync(timingsFile, 'utf8')) as StepsTimings;
        stepRuns.push(Object.fromEntries(timings.steps.map((s) => [s.id, s.seconds])));
        sqlSeconds.push(timings.steps.reduce((sum, s) => sum + s.seconds, 0));
        rmSync(dbDir, { recursive: true, force: true });
        rmSync(dataDir, { recursive: true, force: true });
        ctx.log(`floor ${run}/${ctx.runs}: ${formatRun(m)}`);
      },
      finish(): SectionResult {
        const nodes = plan.steps.filter(
          (s) => s.id.startsWith('model.') || s.id.startsWith('snapshot.'),
        ).length;
        return {
          status: 'ok',
          metrics: {
            ...series.metrics('', `floor: compiled SQL of ${nodes} models + snapshots in bare DuckDB`),
            sqlSeconds: metric('floor: SQL only (sum of statements, no process start)', 's', sqlSeconds),
          },
          details: {
            statements: plan.steps.reduce((n, s) => n + s.statements.length, 0),
            duckdbOptions: options,
            nodeSeconds: medianByKey(stepRuns),
          },
        };
      },
    };
  },
};

async function floorPlan(
  ctx: BenchContext,
  side: Side,
  dataDir: string,
): Promise<Omit<StepsPlan, 'database'>> {
  // Compile first, on an empty warehouse: the full-build SQL of the incremental model.
  ctx.ws.freshWarehouse(side);
  await ctx.ws.mdw(side, ['compile']);
  const manifest = readManifest(side.projectDir);
  // Then let mdw create its raw views (and the cheap staging views) and read them back.
  await ctx.ws.mdw(side, ['run', '-s', 'stg.*']);
  const rawViews = await readRawViews(join(side.warehouseDir, 'mdw.duckdb'));
  if (rawViews.length === 0) throw new Error('floor: mdw created no view in schema mdw_raw');
  const order = buildOrder(manifest);
  const schemas = [...new Set(['mdw_raw', ...order.map((n) => n.schema)])];
  const sources = rawViews.map((v) => `source.${v.schema}.${v.name}`);
  const planned = new Set(order.map((node) => node.unique_id));
  const readers = new Map<string, number>();
  for (const node of order)
    for (const parent of node.depends_on.nodes) readers.set(parent, (readers.get(parent) ?? 0) + 1);
  const steps: StepsPlan['steps'] = [
    { id: 'schemas', statements: schemas.map((s) => `create schema if not exists ${quote(s)}`) },
    ...rawViews.map((v, i) => ({ id: sources[i]!, after: ['schemas'], statements: [v.sql] })),
    ...order.map((node) => ({
      id: node.unique_id,
      after: ['schemas', ...sources, ...node.depends_on.nodes.filter((p) => planned.has(p))],
      statements: [materialize(node, dataDir, (readers.get(node.unique_id) ?? 0) >= 2)],
    })),
  ];
  return { steps };
}

async function readRawViews(dbPath: string): Promise<{ schema: string; name: string; sql: string }[]> {
  const instance = await DuckDBInstance.create(dbPath, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    const reader = await conn.runAndReadAll(
      `select schema_name, view_name, sql from duckdb_views()
       where not internal and schema_name = 'mdw_raw' order by view_name`,
    );
    return reader.getRowsJS().map((row) => ({
      schema: String(row[0]),
      name: String(row[1]),
      sql: String(row[2]),
    }));
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

function materialize(node: ManifestNode, dataDir: string, sharedView: boolean): Statement {
  const compiled = (node.compiled_code ?? '').trim().replace(/;+\s*$/, '');
  if (!compiled) throw new Error(`floor: ${node.unique_id} has no compiled_code in the manifest`);
  const name = node.alias ?? node.name;
  const target = `${quote(node.schema)}.${quote(name)}`;
  const sql = node.resource_type === 'snapshot' ? firstSnapshotSelect(node, compiled) : compiled;
  if (usesIceberg(node)) {
    // mdw's Iceberg snapshot first builds a working DuckDB table, then writes the files from it:
    // mdw's own step, left out here (the files are written straight from the select).
    return { parquetTable: { view: target, select: sql, dataDir: join(dataDir, node.schema, name) } };
  }
  if (node.resource_type === 'snapshot') return `create table ${target} as\n${sql}\n`;
  switch (node.config.materialized) {
    case 'view':
      // Read by several nodes: its query runs once (as mdw's view reuse copies it once).
      if (sharedView) return `create table ${target} as\n${sql}\n`;
      return `create view ${target} as\n${sql}\n`;
    case 'table':
    case 'incremental':
      return `create table ${target} as\n${sql}\n`;
    default:
      throw new Error(`floor: ${node.unique_id} is materialized as '${node.config.materialized}'`);
  }
}

/** A first snapshot: the select plus dbt's meta columns (what the std dimensions read). */
function firstSnapshotSelect(node: ManifestNode, sql: string): string {
  const keys = ([] as unknown[]).concat(node.config.unique_key ?? []).map(String);
  if (keys.length === 0) throw new Error(`floor: snapshot ${node.unique_id} has no unique_key`);
  const now = 'now()::timestamp';
  const scdId = [...keys.map(quote), now]
    .map((e) => `coalesce(cast(${e} as varchar), '')`)
    .join(` || '|' || `);
  return `select *,
  md5(${scdId}) as dbt_scd_id,
  ${now} as dbt_updated_at,
  ${now} as dbt_valid_from,
  cast(null as timestamp) as dbt_valid_to
from (
${sql}
) as snapshot_query`;
}
