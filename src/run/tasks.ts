/** One node's work: compile, then build (model/seed/snapshot) or check (test); never throws. */

import { relative } from 'node:path';
import { planOf } from '../adapters/plan-request.js';
import type { Adapter, Connection, Relation } from '../adapters/types.js';
import { shrinkGuardFor } from '../guards/shrink.js';
import type { ManifestNode } from '../manifest/types.js';
import { isMicrobatch, microbatchConfig } from '../materialize/microbatch.js';
import { type MaterializationPlan, planMaterialization } from '../materialize/plan.js';
import type { QueryTable } from '../template/types.js';
import { errorMessage, TemplateError } from '../util/errors.js';
import {
  changedPartitions,
  changedPartitionsQuery,
  declaredChangeColumn,
  publishChangedPartitions,
} from './changed-partitions.js';
import type { Compiler } from './compile.js';
import { findMaterialization, runCustomMaterialization } from './custom-materialization.js';
import { runNodeHooks } from './hooks.js';
import { buildMicrobatch, type MicrobatchRun } from './microbatch-task.js';
import { type NodeResult, newResult, type TimingInfo } from './results.js';
import { countingRowsRead } from './rows-read.js';
import { scopedRelations } from './test-scope.js';
import { testStatus } from './test-severity.js';

export interface NodeTask {
  node: ManifestNode;
  adapter: Adapter;
  connection: Connection;
  compiler: Compiler;
  fullRefresh: boolean;
  storeFailures: boolean;
  which: string;
  threadId: string;
  /** a source this node reads could not be exposed (missing landing file, ...) */
  upstreamError: string | null;
  /** the node can read landing files (landing-readers.ts): count the raw rows it reads */
  countRawRows: boolean;
  /** the SQL to execute, from the compiled SQL (compiled_code keeps the original) */
  rewriteSql?: (sql: string) => Promise<string>;
  /** how to build a model with incremental_strategy='microbatch' (its windows, progress, checkpoints) */
  microbatch?: MicrobatchRun;
}

export async function executeNode(task: NodeTask): Promise<NodeResult> {
  const { node } = task;
  const result = newResult(node, task.threadId);
  if (task.upstreamError) {
    result.status = 'error';
    result.message = `${node.resource_type} ${node.name} was not built: ${task.upstreamError}`;
    return result;
  }
  const started = performance.now();
  if (task.countRawRows) await countingRowsRead(task.connection, result, () => runNode(task, result));
  else await runNode(task, result);
  result.execution_time = (performance.now() - started) / 1000;
  return result;
}

async function runNode(task: NodeTask, result: NodeResult): Promise<void> {
  const { node } = task;
  const timing = result.timing;
  let phase: 'compile' | 'execute' = 'compile';
  try {
    const relation = task.adapter.relation(node.database, node.schema, node.alias);
    if (task.microbatch && node.resource_type === 'model' && isMicrobatch(node.config)) {
      // each window compiles and builds on its own; a failed window is in batch_results
      microbatchConfig(node.config, node.name); // a config mistake is the model's compile error
      phase = 'execute';
      const microbatch = task.microbatch;
      await timed(timing, 'execute', () => buildMicrobatch(task, microbatch, relation, result));
      result.compiled = true;
      result.compiled_code = node.compiled_code ?? null;
      return;
    }
    let sql = '';
    let incrementalRun = false;
    await timed(timing, 'compile', async () => {
      if (node.resource_type !== 'seed') ({ sql, incrementalRun } = await compileForRun(task, relation));
    });
    if (task.rewriteSql && sql !== '') sql = await task.rewriteSql(sql);
    result.compiled = true;
    result.compiled_code = node.compiled_code ?? null;
    phase = 'execute';
    await timed(timing, 'execute', async () => {
      if (node.resource_type === 'test') await checkTest(task, sql, result);
      else await build(task, sql, relation, result, incrementalRun);
    });
  } catch (error) {
    result.status = 'error';
    result.message = describeError(task, error, phase);
  }
}

async function compileForRun(
  task: NodeTask,
  relation: Relation,
): Promise<{ sql: string; incrementalRun: boolean }> {
  const { node, adapter, connection } = task;
  let isIncremental = false;
  if (node.config.materialized === 'incremental') {
    const existing = await adapter.getRelation(
      connection,
      relation.database,
      relation.schema,
      relation.identifier,
    );
    const fullRefresh = task.fullRefresh && node.config.full_refresh !== false;
    isIncremental = existing !== null && existing.type !== 'view' && !fullRefresh;
  }
  const sql = await task.compiler.compile(node, {
    isIncremental,
    relationsAsOf: scopedRelations(node, {
      nodeOf: (id) => task.compiler.manifestNode(id),
      vars: task.compiler.vars,
      render: (model) => adapter.relation(model.database, model.schema, model.alias).render(),
      quote: (name) => adapter.quoteIdentifier(name),
    }),
    fullRefresh: task.fullRefresh,
    storeFailures: task.storeFailures,
    which: task.which,
    runQuery: async (sql): Promise<QueryTable> => {
      const table = await connection.query(sql);
      return { columnNames: table.columnNames, columnTypes: table.columnTypes, rows: table.rows };
    },
  });
  return { sql, incrementalRun: isIncremental };
}

async function build(
  task: NodeTask,
  sql: string,
  relation: Relation,
  result: NodeResult,
  incrementalRun: boolean,
): Promise<void> {
  const { node, adapter, connection } = task;
  const custom = findMaterialization(
    node,
    () => task.compiler.listMacros(),
    task.compiler.projectName,
    adapter.type,
  );
  if (custom) {
    // the block runs its own hooks (run_hooks(pre_hooks)), as in dbt
    const outcome = await runCustomMaterialization(custom, node, sql, task.compiler, connection, task.which);
    result.adapter_response = {
      _message: outcome.message,
      code: outcome.message.split(' ')[0],
      rows_affected: outcome.rowsAffected,
    };
    return;
  }
  await runNodeHooks('pre_hook', node, task.compiler, connection);
  const plan =
    node.resource_type === 'seed' ? null : planOf(adapter, { node, fullRefresh: task.fullRefresh });
  // The new rows are computed once: both the changed-partitions query and the merge read them.
  const newRows =
    plan && incrementalRun ? await keepNewRows(adapter, connection, plan, sql, relation, node) : null;
  const buildSql = newRows ? `select * from ${newRows.render()}` : sql;
  let outcome: Awaited<ReturnType<Adapter['materialize']>>;
  let changed: string[] | null;
  try {
    // Read before the merge: the rows it replaces may sit in other partitions.
    changed =
      plan && incrementalRun
        ? await changedPartitions(adapter, connection, plan, buildSql, relation, declaredChangeColumn(node))
        : null;
    outcome =
      plan === null
        ? await adapter.loadSeed(connection, node, relation)
        : await adapter.materialize(connection, {
            node,
            sql: buildSql,
            relation,
            fullRefresh: task.fullRefresh,
            plan,
            shrinkGuard: shrinkGuardFor(node, task.compiler.vars),
            changedPartitions: changed,
            ...(newRows ? { newRows } : {}),
          });
  } finally {
    if (newRows) await adapter.viewCopies?.drop(connection, newRows).catch(() => undefined);
  }
  // A view's changed partitions are its landing folders, published before the run (landing-partitions.ts).
  if (plan?.kind !== 'view') publishChangedPartitions(task.compiler.vars, node.name, changed);
  await runNodeHooks('post_hook', node, task.compiler, connection);
  result.adapter_response = {
    _message: outcome.message,
    code: outcome.message.split(' ')[0],
    rows_affected: outcome.rowsAffected,
    ...(outcome.bytesScanned === undefined ? {} : { data_scanned_in_bytes: outcome.bytesScanned }),
  };
}

/**
 * An incremental run whose changed partitions are listed reads its new rows twice more (the
 * list, then the merge): keep them once in an invocation-local table when the engine can
 * (Adapter.viewCopies), else null and both evaluate the model's SQL.
 */
async function keepNewRows(
  adapter: Adapter,
  connection: Connection,
  plan: MaterializationPlan,
  sql: string,
  relation: Relation,
  node: ManifestNode,
): Promise<Relation | null> {
  if (!adapter.viewCopies) return null;
  const quote = (name: string) => adapter.quoteIdentifier(name);
  if (changedPartitionsQuery(plan, sql, relation, quote, declaredChangeColumn(node)) === null) return null;
  const query: Relation = {
    database: relation.database,
    schema: relation.schema,
    identifier: `${relation.identifier}__mdw_new_rows`,
    render: () => `(\n${sql}\n) as mdw_new_rows`,
    toString: () => `${relation.identifier} new rows`,
  };
  return (await adapter.viewCopies.create(connection, query, '', { connectionOnly: true })).relation;
}

async function checkTest(task: NodeTask, sql: string, result: NodeResult): Promise<void> {
  const { node, adapter, connection } = task;
  const storeFailures =
    node.config.store_failures === true || (task.storeFailures && node.config.store_failures !== false);
  const audit = storeFailures ? adapter.relation(node.database, node.schema, node.alias) : null;
  const outcome = await adapter.runTest(connection, node, sql, audit);
  result.failures = outcome.failures;
  result.status = testStatus(node.config, outcome.failures);
  result.adapter_response = {
    _message: `${outcome.failures} failures`,
    rows_affected: outcome.failures,
    ...(outcome.bytesScanned === undefined ? {} : { data_scanned_in_bytes: outcome.bytesScanned }),
  };
  if (result.status !== 'pass') {
    const condition = result.status === 'fail' ? node.config.error_if : node.config.warn_if;
    result.message = `Got ${outcome.failures} result${outcome.failures === 1 ? '' : 's'}, configured to ${result.status === 'fail' ? 'fail' : 'warn'} if ${condition}`;
    if (outcome.storedIn) result.message += `. See test failures: select * from ${outcome.storedIn}`;
  }
}

function describeError(task: NodeTask, error: unknown, phase: 'compile' | 'execute'): string {
  const { node } = task;
  const message = errorMessage(error);
  if (phase === 'compile' || error instanceof TemplateError) {
    return `Compilation error in ${node.resource_type} ${node.name} (${node.original_file_path}): ${message}`;
  }
  const compiled = node.compiled_path ? relative(process.cwd(), node.compiled_path) : null;
  return `Database error in ${node.resource_type} ${node.name} (${node.original_file_path}): ${message}${compiled ? ` — compiled SQL at ${compiled}` : ''}`;
}

async function timed(
  timing: TimingInfo[],
  name: TimingInfo['name'],
  work: () => Promise<void>,
): Promise<void> {
  const startedAt = new Date().toISOString();
  try {
    await work();
  } finally {
    timing.push({ name, started_at: startedAt, completed_at: new Date().toISOString() });
  }
}
