/** Node results and target/run_results.json, shaped like dbt's. */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { redact } from '../util/secrets.js';
import { MDW_VERSION } from '../version.js';

/** 'partial success': a microbatch model some of whose batches failed (dbt's status) */
export type NodeStatus =
  | 'success'
  | 'error'
  | 'skipped'
  | 'pass'
  | 'fail'
  | 'warn'
  | 'no-op'
  | 'partial success';

export interface TimingInfo {
  name: 'compile' | 'execute';
  started_at: string;
  completed_at: string;
}

export interface NodeResult {
  unique_id: string;
  status: NodeStatus;
  timing: TimingInfo[];
  thread_id: string;
  execution_time: number;
  adapter_response: {
    _message?: string;
    code?: string;
    rows_affected?: number | null;
    /** bytes the engine read (Athena's DataScannedInBytes), when it reports them */
    data_scanned_in_bytes?: number;
    /** rows the engine's file readers returned to the node's statements (src/run/rows-read.ts) */
    rows_read?: number;
    /** rows_read by source (`source_name.name`), for the readers inside a source's landing folder */
    rows_read_by_source?: Record<string, number>;
  };
  message: string | null;
  failures: number | null;
  compiled: boolean;
  compiled_code: string | null;
  relation_name: string | null;
  /** microbatch models: the [start, end] windows built and failed (dbt's batch_results) */
  batch_results?: { successful: [string, string][]; failed: [string, string][] };
}

/** A result before anything ran: success until the task says otherwise. */
export function newResult(
  node: { unique_id: string; relation_name: string | null },
  threadId: string,
): NodeResult {
  return {
    unique_id: node.unique_id,
    status: 'success',
    timing: [],
    thread_id: threadId,
    execution_time: 0,
    adapter_response: {},
    message: null,
    failures: null,
    compiled: false,
    compiled_code: null,
    relation_name: node.relation_name,
  };
}

export function writeRunResults(
  targetDir: string,
  invocationId: string,
  results: NodeResult[],
  elapsedSeconds: number,
  args: Record<string, unknown>,
  /** mdw's own top-level keys (e.g. the landing check), after dbt's */
  extra: Record<string, unknown> = {},
): string {
  mkdirSync(targetDir, { recursive: true });
  const path = join(targetDir, 'run_results.json');
  const document = runResultsDocument(invocationId, results, elapsedSeconds, args, extra);
  writeFileSync(path, redact(JSON.stringify(document, null, 2)));
  return path;
}

/**
 * run_results.json while the invocation runs, after each node, so `mdw retry` can resume a
 * killed run: compact, without the nodes' compiled SQL (the final write has it), and swapped
 * in whole (a kill during the write leaves the previous checkpoint, never half a file).
 */
export function writeRunCheckpoint(
  targetDir: string,
  invocationId: string,
  results: NodeResult[],
  args: Record<string, unknown>,
): void {
  mkdirSync(targetDir, { recursive: true });
  const path = join(targetDir, 'run_results.json');
  const light = results.map((result) =>
    result.compiled_code === null ? result : { ...result, compiled_code: null },
  );
  const partial = `${path}.partial`;
  writeFileSync(partial, redact(JSON.stringify(runResultsDocument(invocationId, light, 0, args, {}))));
  renameSync(partial, path);
}

function runResultsDocument(
  invocationId: string,
  results: NodeResult[],
  elapsedSeconds: number,
  args: Record<string, unknown>,
  extra: Record<string, unknown>,
): Record<string, unknown> {
  return {
    metadata: {
      dbt_schema_version: 'https://schemas.getdbt.com/dbt/run-results/v6.json',
      dbt_version: `mdw-${MDW_VERSION}`,
      generated_at: new Date().toISOString(),
      invocation_id: invocationId,
      env: {},
    },
    results,
    elapsed_time: elapsedSeconds,
    args,
    ...extra,
  };
}

export interface StatusCounts {
  pass: number;
  warn: number;
  error: number;
  skip: number;
  /** saved queries in build (dbt NO-OP) */
  noop: number;
  total: number;
}

export function countStatuses(results: NodeResult[]): StatusCounts {
  const counts = { pass: 0, warn: 0, error: 0, skip: 0, noop: 0, total: results.length };
  for (const result of results) {
    if (result.status === 'success' || result.status === 'pass') counts.pass++;
    else if (result.status === 'no-op') counts.noop++;
    else if (result.status === 'warn') counts.warn++;
    else if (result.status === 'skipped') counts.skip++;
    else counts.error++;
  }
  return counts;
}
