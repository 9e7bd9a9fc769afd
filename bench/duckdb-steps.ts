/**
 * Child process of the bench: run a plan of SQL steps back-to-back on ONE bare DuckDB connection
 * (@duckdb/node-api, the engine mdw embeds) and write how long each step took. No orchestration,
 * no artifacts, no tests: used for the floor (section 1).
 *
 *   node dist/bench/duckdb-steps.js <plan.json> <timings.json>
 *
 * plan.json: { database, options?: {threads: "2", access_mode: "READ_ONLY", ...},
 *              steps: [{ id, statements: [sql | { parquetTable: { view, select, dataDir } }, ...] }] }
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
  steps: { id: string; statements: Statement[] }[];
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
  const conn = await instance.connect();
  const openSeconds = (performance.now() - started) / 1000;
  const steps: StepsTimings['steps'] = [];
  try {
    for (const step of plan.steps) {
      const stepStarted = performance.now();
      for (const statement of step.statements) {
        try {
          await execute(conn, statement);
        } catch (error) {
          throw new Error(
            `step ${step.id} failed: ${(error as Error).message}\n--- SQL ---\n${sqlOf(statement)}`,
          );
        }
      }
      steps.push({ id: step.id, seconds: (performance.now() - stepStarted) / 1000 });
    }
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
  const timings: StepsTimings = { openSeconds, steps, totalSeconds: (performance.now() - started) / 1000 };
  writeFileSync(timingsFile, JSON.stringify(timings));
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
