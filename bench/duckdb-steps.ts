/**
 * Child process of the bench: run a plan of SQL steps on a bare DuckDB instance
 * (@duckdb/node-api, the engine mdw embeds) and write how long each step took. A step starts as
 * soon as the steps it names in `after` are done, on one of `connections` connections (default
 * 1: back-to-back), so independent steps overlap as mdw's threads do. No orchestration beyond
 * that, no artifacts, no tests: used for the floor (section 1).
 *
 *   node dist/bench/duckdb-steps.js <plan.json> <timings.json>
 *
 * plan.json: { database, options?: {threads: "2", access_mode: "READ_ONLY", ...}, connections?: 2,
 *              steps: [{ id, after?: [step id, ...],
 *                        statements: [sql | { parquetTable: { view, select, dataDir } }, ...] }] }
 * A step without `after` waits for every step listed before it.
 * A parquetTable statement writes the select as mdw's Iceberg data files and creates a view over
 * them (lib/parquet-table.ts): it needs the select's column types, known only once the steps
 * before it have run.
 * timings.json: { openSeconds, steps: [{ id, seconds }], totalSeconds }
 * Runs in its own process so that the bench measures its time and peak memory like any command.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { type ParquetTable, writeParquetTable } from './lib/parquet-table.js';

export type Statement = string | { parquetTable: ParquetTable };

export interface StepsPlan {
  database: string;
  options?: Record<string, string>;
  /** connections running independent steps at the same time (default 1) */
  connections?: number;
  steps: { id: string; after?: string[]; statements: Statement[] }[];
}

export interface StepsTimings {
  openSeconds: number;
  steps: { id: string; seconds: number }[];
  totalSeconds: number;
}

async function main(planFile: string, timingsFile: string): Promise<void> {
  const plan = JSON.parse(readFileSync(planFile, 'utf8')) as StepsPlan;
  const started = performance.now();
  const instance = await DuckDBInstance.create(plan.database, plan.options ?? {});
  const conns: DuckDBConnection[] = [];
  for (let i = 0; i < Math.max(1, plan.connections ?? 1); i++) conns.push(await instance.connect());
  const openSeconds = (performance.now() - started) / 1000;
  const steps: StepsTimings['steps'] = [];
  try {
    await runSteps(plan.steps, conns, (id, seconds) => steps.push({ id, seconds }));
  } finally {
    for (const conn of conns) conn.closeSync();
    instance.closeSync();
  }
  const timings: StepsTimings = { openSeconds, steps, totalSeconds: (performance.now() - started) / 1000 };
  writeFileSync(timingsFile, JSON.stringify(timings));
}

/** Each step once its `after` steps are done, on whichever connection is free. */
async function runSteps(
  plan: StepsPlan['steps'],
  conns: DuckDBConnection[],
  done: (id: string, seconds: number) => void,
): Promise<void> {
  const finished = new Set<string>();
  const needs = plan.map((step, index) => step.after ?? plan.slice(0, index).map((s) => s.id));
  const pending = new Set(plan.map((_, index) => index));
  const free = [...conns];
  let failure: Error | null = null;
  await new Promise<void>((resolve) => {
    const launch = () => {
      if (failure || (pending.size === 0 && free.length === conns.length)) return resolve();
      for (const index of [...pending]) {
        if (free.length === 0) break;
        if (!needs[index]!.every((id) => finished.has(id))) continue;
        pending.delete(index);
        const conn = free.pop()!;
        const step = plan[index]!;
        const stepStarted = performance.now();
        runStep(conn, step)
          .then(() => {
            finished.add(step.id);
            done(step.id, (performance.now() - stepStarted) / 1000);
          })
          .catch((error: Error) => {
            failure = error;
          })
          .finally(() => {
            free.push(conn);
            launch();
          });
      }
      if (pending.size > 0 && free.length === conns.length) {
        failure ??= new Error('steps wait for steps that never run (a cycle or an unknown id)');
        resolve();
      }
    };
    launch();
  });
  if (failure) throw failure;
}

async function runStep(conn: DuckDBConnection, step: StepsPlan['steps'][number]): Promise<void> {
  for (const statement of step.statements) {
    try {
      await execute(conn, statement);
    } catch (error) {
      throw new Error(
        `step ${step.id} failed: ${(error as Error).message}\n--- SQL ---\n${sqlOf(statement)}`,
      );
    }
  }
}

async function execute(conn: DuckDBConnection, statement: Statement): Promise<void> {
  if (typeof statement === 'string') await conn.run(statement);
  else await writeParquetTable(conn, statement.parquetTable);
}

function sqlOf(statement: Statement): string {
  if (typeof statement === 'string') return statement;
  const { view, dataDir, select } = statement.parquetTable;
  return `-- Parquet files of ${view} in ${dataDir}, then a view over them, from:\n${select}`;
}

const [planFile, timingsFile] = process.argv.slice(2);
if (!planFile || !timingsFile) {
  console.error('usage: node dist/bench/duckdb-steps.js <plan.json> <timings.json>');
  process.exit(2);
}
main(planFile, timingsFile).catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
