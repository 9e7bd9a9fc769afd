/**
 * Child process of the bench: run a plan of SQL steps back-to-back on ONE bare DuckDB connection
 * (@duckdb/node-api, the engine mdw embeds) and write how long each step took. No orchestration,
 * no artifacts, no tests: used for the floor (section 1) and the Parquet baseline (section 8).
 *
 *   node dist/bench/duckdb-steps.js <plan.json> <timings.json>
 *
 * plan.json: { database, options?: {threads: "2", access_mode: "READ_ONLY", ...},
 *              steps: [{ id, statements: [sql, ...] }] }
 * timings.json: { openSeconds, steps: [{ id, seconds }], totalSeconds }
 * Runs in its own process so that the bench measures its time and peak memory like any command.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

export interface StepsPlan {
  database: string;
  options?: Record<string, string>;
  steps: { id: string; statements: string[] }[];
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
      for (const sql of step.statements) {
        try {
          await conn.run(sql);
        } catch (error) {
          throw new Error(`step ${step.id} failed: ${(error as Error).message}\n--- SQL ---\n${sql}`);
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

const [planFile, timingsFile] = process.argv.slice(2);
if (!planFile || !timingsFile) {
  console.error('usage: node dist/bench/duckdb-steps.js <plan.json> <timings.json>');
  process.exit(2);
}
main(planFile, timingsFile).catch((error: unknown) => {
  console.error((error as Error).message);
  process.exit(1);
});
