/**
 * `mdw source freshness`: for each selected source with a `loaded_at_field` and a freshness
 * criterion, `max(loaded_at_field)` against the engine's current time decides pass, warn or
 * error (stale), as dbt does; results go to target/sources.json in dbt's sources/v3 schema
 * (runtime errors are printed but, like dbt, not listed there).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Adapter, Connection } from '../adapters/types.js';
import { Graph } from '../graph/dag.js';
import { selectNodes } from '../graph/selector.js';
import { readProjectSelectors } from '../graph/selector-yaml.js';
import { quarantineLimits } from '../landing/limits.js';
import type { SourceDefinition } from '../manifest/types.js';
import type { LoadedProject } from '../project/loader.js';
import { ConfigError, errorMessage } from '../util/errors.js';
import { redact } from '../util/secrets.js';
import { MDW_VERSION } from '../version.js';
import { formatElapsed, type Print, progressLine, timestamp } from './progress.js';

export interface FreshnessTime {
  count: number | null;
  period: string | null;
}

export interface FreshnessCriteria {
  warn_after: FreshnessTime;
  error_after: FreshnessTime;
  filter: string | null;
}

export type FreshnessStatus = 'pass' | 'warn' | 'error' | 'runtime error';

const PERIOD_SECONDS: Record<string, number> = { minute: 60, hour: 3600, day: 86400 };

/** The criteria of a source, or null when it has no freshness to check. */
export function criteriaOf(source: SourceDefinition): FreshnessCriteria | null {
  const freshness = source.freshness;
  if (!freshness) return null;
  const where = `${source.original_file_path}: source ${source.source_name}.${source.name}`;
  const time = (key: 'warn_after' | 'error_after'): FreshnessTime => {
    const value = freshness[key];
    if (value === undefined || value === null) return { count: null, period: null };
    const { count, period } = value as { count?: unknown; period?: unknown };
    if (count === undefined && period === undefined) return { count: null, period: null };
    if (
      typeof count !== 'number' ||
      !Number.isInteger(count) ||
      count < 0 ||
      typeof period !== 'string' ||
      !(period in PERIOD_SECONDS)
    ) {
      throw new ConfigError(
        `${where}: freshness ${key} needs a whole 'count' and a 'period' of minute, hour or day, got ${JSON.stringify(value)}.`,
      );
    }
    return { count, period };
  };
  const criteria = {
    warn_after: time('warn_after'),
    error_after: time('error_after'),
    filter: typeof freshness.filter === 'string' ? freshness.filter : null,
  };
  if (criteria.warn_after.count === null && criteria.error_after.count === null) return null;
  return criteria;
}

function seconds(time: FreshnessTime): number | null {
  return time.count === null || time.period === null ? null : time.count * PERIOD_SECONDS[time.period]!;
}

/** dbt's rule: older than error_after is an error, else older than warn_after a warning. */
export function freshnessStatus(ageSeconds: number, criteria: FreshnessCriteria): FreshnessStatus {
  const error = seconds(criteria.error_after);
  if (error !== null && ageSeconds > error) return 'error';
  const warn = seconds(criteria.warn_after);
  if (warn !== null && ageSeconds > warn) return 'warn';
  return 'pass';
}

interface FreshnessResult {
  unique_id: string;
  max_loaded_at: string;
  snapshotted_at: string;
  max_loaded_at_time_ago_in_s: number;
  status: FreshnessStatus;
  criteria: FreshnessCriteria;
  adapter_response: Record<string, unknown>;
  timing: { name: string; started_at: string; completed_at: string }[];
  thread_id: string;
  execution_time: number;
}

export interface FreshnessRun {
  loaded: LoadedProject;
  adapter: Adapter;
  connection: Connection;
  select?: string[];
  exclude?: string[];
  /** `--selector`: a YAML selector of the project's selectors.yml */
  selector?: string;
  /** where sources.json goes (default target/sources.json) */
  outputPath?: string;
  print: Print;
}

/** Check every selected source; returns dbt's exit code (1 when any is stale or fails). */
export async function runFreshness(run: FreshnessRun): Promise<number> {
  const { loaded, adapter, connection, print } = run;
  const { manifest } = loaded;
  const { selected } = selectNodes(manifest, Graph.fromManifest(manifest), {
    select: run.select,
    exclude: run.exclude,
    resourceTypes: ['source'],
    ...(run.selector !== undefined ? { selector: run.selector } : {}),
    selectors: readProjectSelectors(loaded.project.root),
  });
  const checks = [...selected]
    .sort()
    .map((id) => manifest.sources[id])
    .filter((s): s is SourceDefinition => s !== undefined && !!s.loaded_at_field)
    .map((source) => ({ source, criteria: criteriaOf(source) }))
    .filter((c): c is { source: SourceDefinition; criteria: FreshnessCriteria } => c.criteria !== null);
  const started = performance.now();
  print(`${timestamp()}  Concurrency: 1 threads (target='${loaded.target.name}')`);
  print('');
  const results: FreshnessResult[] = [];
  const failures: string[] = [];
  let exitCode = 0;
  for (const [i, { source, criteria }] of checks.entries()) {
    const label = `freshness of ${source.source_name}.${source.name}`;
    print(progressLine(i + 1, checks.length, `START ${label}`, 'RUN'));
    const t0 = performance.now();
    const startedAt = new Date().toISOString();
    try {
      if (source.external?.location) {
        const limits = quarantineLimits(`${source.source_name}.${source.name}`, source.external, loaded.vars);
        await adapter.createExternalSource(connection, source, loaded.project.root, limits);
      }
      const where = criteria.filter ? `\nwhere ${criteria.filter}` : '';
      const table = await connection.query(
        `select max(${source.loaded_at_field}) as max_loaded_at, current_timestamp as snapshotted_at\nfrom ${source.relation_name}${where}`,
      );
      const [maxLoadedAt, snapshottedAt] = (table.rows[0] ?? []) as unknown[];
      const snapshotted = toDate(snapshottedAt) ?? new Date();
      // no rows at all: dbt compares against the earliest time there is, so the source is stale
      const loadedAt = toDate(maxLoadedAt) ?? new Date(Date.UTC(1, 0, 1));
      const age = (snapshotted.getTime() - loadedAt.getTime()) / 1000;
      const status = freshnessStatus(age, criteria);
      const elapsed = (performance.now() - t0) / 1000;
      results.push({
        unique_id: source.unique_id,
        max_loaded_at: isoWithOffset(loadedAt),
        snapshotted_at: isoWithOffset(snapshotted),
        max_loaded_at_time_ago_in_s: age,
        status,
        criteria,
        adapter_response: { _message: 'OK' },
        timing: [
          { name: 'compile', started_at: startedAt, completed_at: startedAt },
          { name: 'execute', started_at: startedAt, completed_at: new Date().toISOString() },
        ],
        thread_id: 'Thread-1 (worker)',
        execution_time: elapsed,
      });
      const shown = status === 'pass' ? 'PASS' : status === 'warn' ? 'WARN' : 'ERROR STALE';
      print(progressLine(i + 1, checks.length, `${shown} ${label}`, `${shown} in ${elapsed.toFixed(2)}s`));
      if (status === 'error') {
        exitCode = 1;
        failures.push(
          `${timestamp()}  Failure in source ${source.name} (${source.original_file_path})\n${timestamp()}    Status: error`,
        );
      }
    } catch (error) {
      exitCode = 1;
      const elapsed = (performance.now() - t0) / 1000;
      print(progressLine(i + 1, checks.length, `ERROR ${label}`, `ERROR in ${elapsed.toFixed(2)}s`));
      failures.push(
        `${timestamp()}    Runtime Error in source ${source.name} (${source.original_file_path})\n  ${errorMessage(error)}`,
      );
    }
  }
  const seconds = (performance.now() - started) / 1000;
  print('');
  print(
    `${timestamp()}  Finished running ${checks.length} source${checks.length === 1 ? '' : 's'} in ${formatElapsed(seconds)}.`,
  );
  for (const failure of failures) {
    print('');
    print(failure);
  }
  print(`${timestamp()}  Done.`);
  writeSourcesJson(
    run.outputPath ?? join(loaded.project.root, loaded.project.target_path, 'sources.json'),
    loaded,
    results,
    seconds,
  );
  return exitCode;
}

function toDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const parsed = new Date(String(value).replace(' ', 'T'));
  return Number.isNaN(parsed.getTime()) ? null : parsed;
}

/** Python's isoformat of an aware UTC datetime: 2026-11-29T17:38:20.942000+00:00. */
function isoWithOffset(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000+00:00');
}

function writeSourcesJson(
  path: string,
  loaded: LoadedProject,
  results: FreshnessResult[],
  elapsed: number,
): void {
  mkdirSync(join(path, '..'), { recursive: true });
  const document = {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/sources/v3.json',
      dbt_version: `mdw-${MDW_VERSION}`,
      generated_at: new Date().toISOString(),
      invocation_id: loaded.invocationId,
      env: {},
    },
    results,
    elapsed_time: elapsed,
  };
  writeFileSync(path, redact(JSON.stringify(document, null, 2)));
}
