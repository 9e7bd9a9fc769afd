/**
 * Building a microbatch model (dbt's `incremental_strategy='microbatch'`): its windows are
 * planned (src/materialize/microbatch.ts), then each is compiled with its upstream refs and
 * sources filtered to the window, built on its own (the window's rows replaced in the target)
 * and reported on its own progress line. A failed window does not stop the others; the model
 * ends `success`, `partial success` or `error`, with dbt's `batch_results` listing the windows,
 * so `mdw retry` re-runs only the failed ones.
 */
import type { Relation } from '../adapters/types.js';
import {
  batchId,
  type EventTimeRange,
  formatEventTime,
  type MicrobatchWindow,
  microbatchConfig,
  planWindows,
  windowPair,
} from '../materialize/microbatch.js';
import { planMaterialization } from '../materialize/plan.js';
import type { QueryTable } from '../template/types.js';
import { errorMessage } from '../util/errors.js';
import { runNodeHooks } from './hooks.js';
import type { NodeResult } from './results.js';
import type { NodeTask } from './tasks.js';

/** What the runner gives a microbatch model beyond a node's task. */
export interface MicrobatchRun {
  /** --event-time-start / --event-time-end */
  range: EventTimeRange | null;
  /** `mdw retry`: the windows that failed last time (instead of planning) */
  windows?: MicrobatchWindow[];
  /** the clock that places "now" for a run without flags (dbt uses the wall clock) */
  now: Date;
  /** false when the model's commits are staged (write-audit-publish): a kill would lose them */
  durable: boolean;
  /** one progress line per batch event */
  batchLine: (index: number, total: number, description: string, status: string) => void;
  /** the model's result so far, after each batch (the runner keeps it in run_results.json) */
  checkpoint: (result: NodeResult) => void;
}

export async function buildMicrobatch(
  task: NodeTask,
  run: MicrobatchRun,
  relation: Relation,
  result: NodeResult,
): Promise<void> {
  const { node, adapter, connection } = task;
  const config = microbatchConfig(node.config, node.name);
  const fullRefresh =
    typeof node.config.full_refresh === 'boolean' ? node.config.full_refresh : task.fullRefresh;
  const existing = await adapter.getRelation(
    connection,
    relation.database,
    relation.schema,
    relation.identifier,
  );
  let tableExists = existing !== null && existing.type !== 'view';
  // a full refresh (or a first run) replaces the table with the first window that builds;
  // a retry of failed windows never does (the finished ones are in the table)
  let replaceTable = !tableExists || (fullRefresh && run.windows === undefined);
  const windows =
    run.windows ?? planWindows({ config, range: run.range, incremental: !replaceTable, now: run.now });
  const label = `${node.schema}.${node.alias}`;
  const successful: MicrobatchWindow[] = [];
  const failed: { window: MicrobatchWindow; message: string }[] = [];
  let rows = 0;

  // `final` false: a checkpoint, where staged windows count as not done (a kill discards them)
  const record = (pending: readonly MicrobatchWindow[], final = false) => {
    const kept = final || run.durable;
    const done = kept ? successful : [];
    const notDone = [...failed.map((f) => f.window), ...(kept ? [] : successful), ...pending];
    result.batch_results = {
      successful: done.map(windowPair),
      failed: notDone.sort((a, b) => a.start.getTime() - b.start.getTime()).map(windowPair),
    };
    result.status = notDone.length === 0 ? 'success' : done.length === 0 ? 'error' : 'partial success';
  };

  await runNodeHooks('pre_hook', node, task.compiler, connection);
  for (const [index, window] of windows.entries()) {
    record(windows.slice(index));
    result.message = `Interrupted during batch ${index + 1} of ${windows.length} (${batchId(window, config.batchSize)}).`;
    run.checkpoint(result);
    const what = `batch ${batchId(window, config.batchSize)} of ${label}`;
    run.batchLine(index + 1, windows.length, `START ${what}`, 'RUN');
    const started = performance.now();
    try {
      let sql = await task.compiler.compile(node, {
        isIncremental: tableExists && !replaceTable,
        eventTimeWindow: window,
        batch: {
          id: batchId(window, config.batchSize),
          event_time_start: pythonTime(window.start),
          event_time_end: pythonTime(window.end),
        },
        fullRefresh: task.fullRefresh,
        which: task.which,
        runQuery: async (text): Promise<QueryTable> => {
          const table = await connection.query(text);
          return { columnNames: table.columnNames, columnTypes: table.columnTypes, rows: table.rows };
        },
      });
      if (task.rewriteSql) sql = await task.rewriteSql(sql);
      const plan = planMaterialization(node, {
        fullRefresh: replaceTable,
        incremental: adapter.incremental,
        warn: (message) => process.stderr.write(`Warning: ${message}\n`),
      });
      if (plan.kind === 'incremental' && plan.incremental.microbatch) {
        plan.fullRefresh = replaceTable;
        plan.incremental.microbatch.window = window;
      }
      const outcome = await adapter.materialize(connection, {
        node,
        sql,
        relation,
        fullRefresh: replaceTable,
        plan,
        // no shrink guard: a full refresh rebuilds the table one window at a time
      });
      rows += outcome.rowsAffected ?? 0;
      tableExists = true;
      replaceTable = false;
      successful.push(window);
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      run.batchLine(index + 1, windows.length, `OK created ${what}`, `${outcome.message} in ${seconds}s`);
    } catch (error) {
      failed.push({ window, message: errorMessage(error) });
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      run.batchLine(index + 1, windows.length, `ERROR creating ${what}`, `ERROR in ${seconds}s`);
    }
  }
  record([], true);
  if (successful.length > 0) await runNodeHooks('post_hook', node, task.compiler, connection);
  result.adapter_response = { _message: `INSERT ${rows}`, code: 'INSERT', rows_affected: rows };
  result.message =
    failed.length === 0
      ? null
      : `${failed.length} of ${windows.length} batches failed (mdw retry re-runs them): ` +
        failed.map((f) => `batch ${batchId(f.window, config.batchSize)}: ${f.message}`).join('; ');
}

/** How dbt prints a batch bound (a UTC Python datetime): `2018-03-04 00:00:00+00:00`. */
function pythonTime(time: Date): string {
  return `${formatEventTime(time).replace('T', ' ').replace('Z', '')}+00:00`;
}
