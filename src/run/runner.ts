/**
 * `mdw run | seed | snapshot | test | build`: select nodes, schedule them on N threads
 * (one connection each), run each node's task, print dbt-style progress, and write
 * target/run_results.json and target/manifest.json.
 */

import { createAdapter } from '../adapters/index.js';
import type { Adapter, Connection } from '../adapters/types.js';
import { Graph } from '../graph/dag.js';
import { type IndirectSelection, selectNodes } from '../graph/selector.js';
import { readProjectSelectors } from '../graph/selector-yaml.js';
import { quarantineLimits } from '../landing/limits.js';
import { type LandingReport, quarantinedTotal, summaryLines } from '../landing/report.js';
import type { UnitTestDefinition } from '../manifest/resources.js';
import type { ManifestNode, ResourceType } from '../manifest/types.js';
import {
  type EventTimeRange,
  formatEventTime,
  isMicrobatch,
  type MicrobatchWindow,
} from '../materialize/microbatch.js';
import { usesIceberg } from '../materialize/plan.js';
import type { LoadedProject } from '../project/loader.js';
import { errorMessage } from '../util/errors.js';
import { faultPoint } from '../util/fault-pause.js';
import { writeManifest } from './artifacts.js';
import { changesListed, publishChangedPartitions } from './changed-partitions.js';
import { Compiler } from './compile.js';
import { grantsWarning, hookList, RunStartError, runProjectHooks, schemasBuilt } from './hooks.js';
import { InterruptNotice } from './interrupt.js';
import { landingPartitionsByView } from './landing-partitions.js';
import { landingReaders } from './landing-readers.js';
import { lastRunDurations } from './node-durations.js';
import { batchLine, formatCount, formatElapsed, type Print, progressLine, timestamp } from './progress.js';
import { PublishGate, type PublishMode, type PublishReport, publishLines } from './publish.js';
import { countStatuses, type NodeResult, newResult, writeRunCheckpoint, writeRunResults } from './results.js';
import { countingRowsRead, rowsReadSummary } from './rows-read.js';
import { DEFAULT_PRICE_PER_TB, formatBytes, scanSummary } from './scan-cost.js';
import { runScheduled } from './scheduler.js';
import { executeNode } from './tasks.js';
import { testGates } from './test-gates.js';
import { ThrottledWrite } from './throttled-write.js';
import { publishSettledInputs, type ReuseContext, UnchangedInputs } from './unchanged-inputs.js';
import { executeUnitTest, type UnitTestResult } from './unit-test.js';
import { unitTestGates, unitTestLine } from './unit-test-plan.js';
import { ViewReuse } from './view-reuse.js';

/** run_results.json is rewritten as a checkpoint at most this often during a run */
const CHECKPOINT_INTERVAL_MS = 200;

export type RunCommand = 'run' | 'seed' | 'snapshot' | 'test' | 'build';

export interface RunRequest {
  loaded: LoadedProject;
  command: RunCommand;
  select?: string[];
  exclude?: string[];
  /** how tests follow the selected nodes (dbt's --indirect-selection; default eager) */
  indirectSelection?: IndirectSelection;
  /** `--selector`: a YAML selector of the project's selectors.yml */
  selector?: string;
  /** `--resource-type` / `--exclude-resource-type`, within the command's own types */
  resourceTypes?: ResourceType[];
  threads?: number;
  fullRefresh: boolean;
  failFast: boolean;
  storeFailures?: boolean;
  /** evaluate a view read by several nodes once (default true; see view-reuse.ts) */
  viewReuse?: boolean;
  /** write-audit-publish (default all_or_nothing; see publish.ts) */
  publish?: PublishMode;
  /** --event-time-start / --event-time-end (microbatch models; others ignore them, as dbt) */
  eventTimeRange?: EventTimeRange | null;
  /** `mdw retry`: the failed windows of microbatch models, by unique_id */
  microbatchWindows?: ReadonlyMap<string, MicrobatchWindow[]>;
  /** `--dry-run`: the target prints each statement with this instead of running it (one thread) */
  dryRun?: (text: string) => void;
  print: Print;
}

export interface RunOutcome {
  results: NodeResult[];
  exitCode: 0 | 1;
  elapsedSeconds: number;
}

const RESOURCE_TYPES: Record<RunCommand, ResourceType[]> = {
  run: ['model'],
  seed: ['seed'],
  snapshot: ['snapshot'],
  test: ['test', 'unit_test'],
  build: ['model', 'seed', 'snapshot', 'test', 'unit_test', 'saved_query'],
};

export async function executeRun(request: RunRequest): Promise<RunOutcome> {
  const started = performance.now();
  const { loaded, print } = request;
  const { manifest } = loaded;
  const graph = Graph.fromManifest(manifest);
  const { selected, unmatched } = selectNodes(manifest, graph, {
    select: request.select,
    exclude: request.exclude,
    resourceTypes: RESOURCE_TYPES[request.command].filter(
      (type) => !request.resourceTypes || request.resourceTypes.includes(type),
    ),
    indirectSelection: request.indirectSelection,
    ...(request.selector !== undefined ? { selector: request.selector } : {}),
    selectors: readProjectSelectors(loaded.project.root),
  });
  for (const term of unmatched) {
    print(`${timestamp()}  The selection criterion '${term}' does not match any enabled nodes`);
  }
  const unitTests = manifest.unit_tests ?? {};
  // dbt build lists saved queries as NO-OP nodes (exports run only with --export-saved-queries)
  const savedQueries = manifest.saved_queries ?? {};
  const plan = graph
    .topologicalOrder(selected)
    .filter(
      (id) =>
        unitTests[id] !== undefined ||
        savedQueries[id] !== undefined ||
        (manifest.nodes[id] !== undefined && manifest.nodes[id]!.config.materialized !== 'ephemeral'),
    );
  const compiler = new Compiler(loaded);
  const threads = request.dryRun ? 1 : Math.max(1, request.threads ?? loaded.target.threads);
  print(
    `${timestamp()}  Running with mdw=${loaded.manifest.metadata.mdw_version} on ${loaded.target.type} target '${loaded.target.name}'`,
  );
  print(`${timestamp()}  Found ${describeCounts(manifest.nodes, manifest.sources, unitTests)}`);
  print('');
  if (plan.length === 0) {
    print(`${timestamp()}  Nothing to do. Try checking your model configs and model specification args`);
    writeManifest(compiler.targetDir, manifest);
    writeRunResults(compiler.targetDir, loaded.invocationId, [], 0, { which: request.command });
    return { results: [], exitCode: 0, elapsedSeconds: 0 };
  }
  print(`${timestamp()}  Concurrency: ${threads} threads (target='${loaded.target.name}')`);
  print('');

  const adapter = await createAdapter(
    loaded.target,
    loaded.project.root,
    request.dryRun ? { dryRun: request.dryRun } : {},
  );
  const connections: (Connection | undefined)[] = [];
  const connectionFor = async (worker: number): Promise<Connection> => {
    connections[worker] ??= await adapter.connect();
    return connections[worker]!;
  };
  const results = new Map<string, NodeResult>();
  // read before the first checkpoint replaces the file
  const lastDurations = lastRunDurations(compiler.targetDir);
  const rawReaders = landingReaders(manifest.nodes);
  const args = runArgs(request, threads);
  // After each node (at most every CHECKPOINT_INTERVAL_MS) and each microbatch window (at
  // once) target/run_results.json records what is done, so `mdw retry` resumes a run that was
  // killed: unfinished nodes are `skipped`, and under write-audit-publish a staged Iceberg
  // table counts as not done (a kill discards the stage). `running`: a microbatch model's
  // windows so far, while it runs.
  const running = new Map<string, NodeResult>();
  const writeCheckpoint = () => {
    const staged = gate?.staging === true;
    const recorded = plan.map((id) => {
      // unit tests and saved queries are planned too, but are not manifest nodes
      const node = manifest.nodes[id] ?? { unique_id: id, relation_name: null };
      const done = results.get(id) ?? running.get(id);
      if (!done) return skippedResult(node, 'Not run: the invocation stopped before this node.');
      if (
        staged &&
        manifest.nodes[id] &&
        usesIceberg(manifest.nodes[id]) &&
        done.status === 'success' &&
        !done.batch_results
      )
        return skippedResult(node, 'Built but staged: the invocation stopped before publishing it.');
      return done;
    });
    writeRunCheckpoint(compiler.targetDir, loaded.invocationId, recorded, args);
  };
  const checkpoints = new ThrottledWrite(writeCheckpoint, CHECKPOINT_INTERVAL_MS);
  // a microbatch window is recorded at once (a retry must not redo a committed window)
  const checkpoint = (inProgress?: NodeResult) => {
    if (!inProgress) return checkpoints.request();
    running.set(inProgress.unique_id, inProgress);
    checkpoints.flush();
  };
  let startedCount = 0;
  let reuse = ViewReuse.disabled();
  // Table models, snapshots and tests whose inputs did not change since their last good build are reused.
  const unchanged = UnchangedInputs.open({
    targetDir: compiler.targetDir,
    manifest,
    vars: loaded.vars,
    target: loaded.target,
    adapter,
    record: request.command !== 'test' && !request.dryRun,
    reuse: !request.fullRefresh,
    storeFailures: request.storeFailures === true,
  });
  let narrowed: Record<string, string[]> = {};
  const hookErrors: string[] = [];
  const planned = plan.filter((id) => manifest.nodes[id]).map((id) => manifest.nodes[id]!);
  const grants = grantsWarning(adapter, loaded.target.name, planned);
  if (grants) print(`${timestamp()}  ${grants}`);
  if (request.eventTimeRange && !planned.some((node) => isMicrobatch(node.config))) {
    // dbt ignores the flags for other models; say so, since a backfill was asked for
    print(
      `${timestamp()}  --event-time-start/--event-time-end apply to microbatch models only; none is selected, so every model builds as usual.`,
    );
  }
  const builtSchemas = schemasBuilt(planned);
  const hookContext = { schemas: [...new Set(builtSchemas.map((s) => s.schema))] };
  const landing: LandingReport[] = [];
  const interrupt = new InterruptNotice();
  const uninstall = interrupt.install(print);
  let gate: PublishGate | undefined;
  let published: PublishReport | undefined;
  try {
    gate = await PublishGate.start(adapter, request.publish ?? 'all_or_nothing');
    interrupt.stagedTables = () => gate?.staged() ?? [];
    const startError = await runProjectHooks(
      'on-run-start',
      hookList(loaded.project.on_run_start, 'dbt_project.yml on-run-start'),
      { compiler, adapter, context: hookContext, print, schemas: builtSchemas },
    );
    if (startError) throw new RunStartError(startError);
    const sourceErrors = await prepareSources(adapter, await connectionFor(0), loaded, plan, landing);
    // Views over a landing that only gained some folders: their readers read those folders only.
    const narrowedViews = await landingPartitionsByView({
      manifest,
      plan,
      landing,
      fullRefresh: request.fullRefresh,
      adapter,
      connection: await connectionFor(0),
    });
    for (const [view, folders] of Object.entries(narrowedViews))
      publishChangedPartitions(compiler.vars, view, folders);
    narrowed = narrowedViews;
    const parents = unitTestGates(
      manifest,
      graph,
      plan,
      planParents(manifest, graph, new Set(plan), request.command === 'build'),
      request.command === 'build',
    );
    reuse =
      request.viewReuse === false
        ? ViewReuse.disabled()
        : ViewReuse.plan(manifest, graph, plan, adapter, narrowedViews, (node) =>
            unchanged.mayBeReused(node, manifest),
          );
    await runScheduled({
      order: plan,
      parents,
      threads,
      ...(lastDurations.size > 0 ? { weight: (id: string) => lastDurations.get(id) ?? 0 } : {}),
      failFast: request.failFast,
      run: async (id, worker) => {
        const savedQuery = savedQueries[id];
        if (savedQuery) {
          const result: NodeResult = {
            ...newResult({ unique_id: id, relation_name: null }, `Thread-${worker + 1}`),
            status: 'no-op',
            failures: 0,
            message: 'NO-OP',
          };
          results.set(id, result);
          print(
            progressLine(
              ++startedCount,
              plan.length,
              `NO-OP saved query ${savedQuery.name}`,
              'NO-OP in 0.00s',
            ),
          );
          return 'ok';
        }
        const unitTest = unitTests[id];
        if (unitTest) {
          const index = ++startedCount;
          interrupt.start(id, `unit_test ${unitTest.model}::${unitTest.name}`);
          print(
            progressLine(index, plan.length, `START unit_test ${unitTest.model}::${unitTest.name}`, 'RUN'),
          );
          const result = await executeUnitTest({
            test: unitTest,
            manifest,
            adapter,
            connection: await connectionFor(worker),
            compiler,
            threadId: `Thread-${worker + 1}`,
          });
          results.set(id, result);
          interrupt.finish(id);
          print(progressLine(index, plan.length, ...unitTestLine(unitTest, result)));
          return result.status === 'pass' ? 'ok' : 'failed';
        }
        const node = manifest.nodes[id]!;
        const index = ++startedCount;
        interrupt.start(id, node.resource_type === 'test' ? `test ${node.name}` : relationLabel(node));
        print(progressLine(index, plan.length, startDescription(node), 'RUN'));
        const connection = await connectionFor(worker);
        const microbatch = isMicrobatch(node.config)
          ? {
              range: request.eventTimeRange ?? null,
              ...(request.microbatchWindows?.has(id) ? { windows: request.microbatchWindows.get(id)! } : {}),
              now: new Date(),
              durable: !(gate?.staging === true && usesIceberg(node)),
              batchLine: (i: number, n: number, description: string, status: string) =>
                print(batchLine(i, n, description, status)),
              checkpoint,
            }
          : undefined;
        const reuseContext: ReuseContext = {
          manifest,
          adapter,
          results,
          rewrite: (readerId, sql) => reuse.rewrite(readerId, sql, connection),
          narrowedViews: narrowed,
        };
        // a digest that cannot be taken only means the node builds as usual
        const reused = await unchanged.tryReuse(node, connection, reuseContext).catch(() => null);
        if (reused === null && node.resource_type !== 'test') {
          const settled = await unchanged
            .settledInputs(node, connection, reuseContext, (name) => changesListed(compiler.vars, name))
            .catch(() => []);
          publishSettledInputs(compiler.vars, node.name, settled);
        }
        const result =
          reused !== null
            ? { ...reused, thread_id: `Thread-${worker + 1}` }
            : await executeNode({
                node,
                adapter,
                connection,
                compiler,
                fullRefresh: request.fullRefresh,
                storeFailures: request.storeFailures === true,
                which: request.command,
                threadId: `Thread-${worker + 1}`,
                upstreamError: upstreamSourceError(node, sourceErrors),
                countRawRows: rawReaders.has(id),
                rewriteSql: (sql) => reuse.rewrite(id, sql, connection),
                ...(microbatch ? { microbatch } : {}),
              });
        try {
          if (reuse.isReused(id)) await keepViewRows(reuse, id, result, connection);
          if (reused === null)
            await unchanged.record(node, result, connection, reuseContext).catch(() => undefined);
        } finally {
          await reuse.release(id, connection);
        }
        results.set(id, result);
        interrupt.finish(id);
        print(progressLine(index, plan.length, endDescription(node, result), endStatus(result)));
        checkpoint();
        return failedStatus(result) ? 'failed' : 'ok';
      },
      skip: (id) => {
        const unitTest = unitTests[id] ?? savedQueries[id];
        if (unitTest) {
          results.set(id, {
            ...newResult({ unique_id: id, relation_name: null }, 'main'),
            status: 'skipped',
          });
          print(
            progressLine(
              ++startedCount,
              plan.length,
              `SKIP ${unitTest.resource_type} ${unitTest.name}`,
              'SKIP',
            ),
          );
          return;
        }
        const node = manifest.nodes[id]!;
        results.set(id, skippedResult(node));
        const index = ++startedCount;
        const what =
          node.resource_type === 'test' ? `test ${node.name}` : `relation ${node.schema}.${node.alias}`;
        print(progressLine(index, plan.length, `SKIP ${what}`, 'SKIP'));
      },
    });
    published = await gate.finish(manifest.nodes, [...results.values()]);
    unchanged.save();
    loaded.compiledCode.save();
    const endError = await runProjectHooks(
      'on-run-end',
      hookList(loaded.project.on_run_end, 'dbt_project.yml on-run-end'),
      { compiler, adapter, context: hookContext, print },
    );
    if (endError) hookErrors.push(endError);
  } catch (error) {
    if (!(error instanceof RunStartError)) throw error;
    hookErrors.push(error.message);
    for (const id of plan)
      if (!results.has(id))
        results.set(id, { ...newResult({ unique_id: id, relation_name: null }, 'main'), status: 'skipped' });
  } finally {
    checkpoints.cancel(); // run_results.json is written whole below
    uninstall();
    // publish nothing after an unexpected error; a stage left behind is discarded by the next run
    await gate?.abandon().catch(() => undefined);
    for (const connection of connections) await connection?.close().catch(() => undefined);
    await adapter.close();
  }
  for (const message of hookErrors) print(`${timestamp()}  Error: ${message}`);

  const ordered = plan.map((id) => results.get(id)!).filter(Boolean);
  const elapsedSeconds = (performance.now() - started) / 1000;
  printLanding(print, landing);
  const publishing = published ? publishLines(published) : [];
  printSummary(
    print,
    manifest.nodes,
    unitTests,
    ordered,
    elapsedSeconds,
    pricePerTb(loaded.target),
    publishing,
  );
  writeRunResults(compiler.targetDir, loaded.invocationId, ordered, elapsedSeconds, args, {
    landing: { quarantined: quarantinedTotal(landing), sources: landing },
    ...(published ? { publish: published } : {}),
  });
  writeManifest(compiler.targetDir, manifest);
  faultPoint('after');
  const failed = hookErrors.length > 0 || published?.status === 'conflict' || ordered.some(failedStatus);
  return { results: ordered, exitCode: failed ? 1 : 0, elapsedSeconds };
}

/** The args recorded in run_results.json (`mdw retry` reads them back). */
function runArgs(request: RunRequest, threads: number): Record<string, unknown> {
  const range = request.eventTimeRange;
  return {
    which: request.command,
    select: request.select ?? [],
    exclude: request.exclude ?? [],
    full_refresh: request.fullRefresh,
    threads,
    ...(range
      ? { event_time_start: formatEventTime(range.start), event_time_end: formatEventTime(range.end) }
      : {}),
  };
}

/** An error, a failed test, or a microbatch model with failed batches: downstream is skipped. */
function failedStatus(result: NodeResult): boolean {
  return result.status === 'error' || result.status === 'fail' || result.status === 'partial success';
}

/** Copy a reused view's rows for its readers; the view's node carries the time it takes. */
async function keepViewRows(
  reuse: ViewReuse,
  id: string,
  result: NodeResult,
  connection: Connection,
): Promise<void> {
  const started = performance.now();
  const kept = await countingRowsRead(connection, result, () =>
    reuse.afterBuild(id, result.status === 'success', connection),
  );
  if (!kept) return;
  result.execution_time += (performance.now() - started) / 1000;
  const rows = kept.rows === null ? 'rows' : `${formatCount(kept.rows)} rows`;
  result.adapter_response._message = `${result.adapter_response._message ?? 'OK'} (${rows} kept for ${kept.readers} readers)`;
}

/** Expose every source with an external location as a view; remember which ones failed. */
async function prepareSources(
  adapter: Adapter,
  connection: Connection,
  loaded: LoadedProject,
  plan: string[],
  landing: LandingReport[],
): Promise<Map<string, string>> {
  const needed = new Set<string>();
  for (const id of plan)
    for (const parent of loaded.manifest.nodes[id]?.depends_on.nodes ?? []) needed.add(parent);
  const errors = new Map<string, string>();
  for (const source of Object.values(loaded.manifest.sources)) {
    if (!source.external?.location || !needed.has(source.unique_id)) continue;
    try {
      const label = `${source.source_name}.${source.name}`;
      const limits = quarantineLimits(label, source.external, loaded.vars);
      const report = await adapter.createExternalSource(connection, source, loaded.project.root, limits);
      if (report) landing.push(report);
    } catch (error) {
      errors.set(source.unique_id, errorMessage(error));
    }
  }
  return errors;
}

/** Quarantined landing lines, after the summary: they never pass unnoticed. */
function printLanding(print: Print, landing: LandingReport[]): void {
  const total = quarantinedTotal(landing);
  if (total === 0) return;
  print(
    `${timestamp()}  Quarantined ${formatCount(total)} landing line${total === 1 ? '' : 's'} the CSV reader could not read:`,
  );
  for (const line of summaryLines(landing)) print(`${timestamp()}    ${line}`);
}

function upstreamSourceError(node: ManifestNode, errors: Map<string, string>): string | null {
  for (const parent of node.depends_on.nodes) {
    const error = errors.get(parent);
    if (error) return error;
  }
  return null;
}

/**
 * Parents of each planned node inside the plan. Ephemeral models are looked through.
 * In `build`, a node also waits for the tests upstream of it whose every input is upstream
 * of it too (a failing test skips everything downstream, as dbt build does; test-gates.ts).
 */
function planParents(
  manifest: LoadedProject['manifest'],
  graph: Graph,
  plan: Set<string>,
  testsGate: boolean,
): (id: string) => string[] {
  const direct = new Map<string, string[]>();
  const resolve = (id: string, seen: Set<string>): string[] => {
    const found: string[] = [];
    for (const parent of graph.parents(id)) {
      if (seen.has(parent)) continue;
      seen.add(parent);
      if (plan.has(parent)) found.push(parent);
      else if (manifest.nodes[parent]?.config.materialized === 'ephemeral')
        found.push(...resolve(parent, seen));
    }
    return found;
  };
  for (const id of plan) direct.set(id, resolve(id, new Set()));
  if (testsGate) {
    const gates = testGates({
      graph,
      plan,
      isTest: (id) => manifest.nodes[id]?.resource_type === 'test',
      isExecutable: (id) => manifest.nodes[id] !== undefined && manifest.nodes[id]!.resource_type !== 'test',
    });
    for (const [id, tests] of gates) direct.get(id)!.push(...tests);
  }
  return (id) => direct.get(id) ?? [];
}

function relationLabel(node: ManifestNode): string {
  return `${node.schema}.${node.alias}`;
}

function startDescription(node: ManifestNode): string {
  switch (node.resource_type) {
    case 'test':
      return `START test ${node.name}`;
    case 'seed':
      return `START seed file ${relationLabel(node)}`;
    case 'snapshot':
      return `START snapshot ${relationLabel(node)}`;
    default:
      return `START sql ${modelKind(node)} model ${relationLabel(node)}`;
  }
}

function endDescription(node: ManifestNode, result: NodeResult): string {
  if (node.resource_type === 'test') {
    if (result.status === 'pass') return `PASS ${node.name}`;
    if (result.status === 'error') return `ERROR ${node.name}`;
    return `${result.status.toUpperCase()} ${result.failures} ${node.name}`;
  }
  const failed = result.status === 'error';
  switch (node.resource_type) {
    case 'seed':
      return failed
        ? `ERROR loading seed file ${relationLabel(node)}`
        : `OK loaded seed file ${relationLabel(node)}`;
    case 'snapshot':
      return failed ? `ERROR snapshotting ${relationLabel(node)}` : `OK snapshotted ${relationLabel(node)}`;
    default: {
      const what = `sql ${modelKind(node)} model ${relationLabel(node)}`;
      if (result.status === 'partial success' && result.batch_results) {
        const { successful, failed: failedBatches } = result.batch_results;
        return `PARTIAL SUCCESS (${successful.length}/${successful.length + failedBatches.length}) ${what}`;
      }
      return failed ? `ERROR creating ${what}` : `OK created ${what}`;
    }
  }
}

/** dbt names a microbatch model's materialization `microbatch` in its progress lines. */
function modelKind(node: ManifestNode): string {
  return isMicrobatch(node.config) ? 'microbatch' : String(node.config.materialized);
}

function endStatus(result: NodeResult): string {
  const bytes = result.adapter_response.data_scanned_in_bytes;
  const scanned = bytes === undefined ? '' : `${formatBytes(bytes)} scanned `;
  const seconds = `${scanned}in ${result.execution_time.toFixed(2)}s`;
  if (result.adapter_response.code === 'REUSED') return `${result.adapter_response._message} ${seconds}`;
  switch (result.status) {
    case 'pass':
      return `PASS ${seconds}`;
    case 'warn':
      return `WARN ${result.failures} ${seconds}`;
    case 'fail':
      return `FAIL ${result.failures} ${seconds}`;
    case 'error':
      return `ERROR ${seconds}`;
    case 'partial success':
      return `PARTIAL SUCCESS ${seconds}`;
    default:
      return `${result.adapter_response._message ?? 'OK'} ${seconds}`;
  }
}

function skippedResult(
  node: Pick<ManifestNode, 'unique_id' | 'relation_name'>,
  message: string | null = null,
): NodeResult {
  return { ...newResult(node, 'main'), status: 'skipped', message };
}

function describeCounts(
  nodes: Record<string, ManifestNode>,
  sources: Record<string, unknown>,
  unitTests: Record<string, UnitTestDefinition>,
): string {
  const counts = new Map<string, number>();
  for (const node of Object.values(nodes)) {
    const key = node.resource_type === 'test' ? 'data test' : node.resource_type;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const unitCount = Object.keys(unitTests).length;
  if (unitCount > 0) counts.set('unit test', unitCount);
  const sourceCount = Object.keys(sources).length;
  if (sourceCount > 0) counts.set('source', sourceCount);
  return [...counts].map(([kind, n]) => `${n} ${kind}${n === 1 ? '' : 's'}`).join(', ');
}

/** The target's USD per TB scanned (`bytes_scanned_price`), for the cost estimate. */
function pricePerTb(target: Readonly<Record<string, unknown>>): number {
  const price = Number(target.bytes_scanned_price);
  return Number.isFinite(price) && price >= 0 && target.bytes_scanned_price !== undefined
    ? price
    : DEFAULT_PRICE_PER_TB;
}

function printSummary(
  print: Print,
  nodes: Record<string, ManifestNode>,
  unitTests: Record<string, UnitTestDefinition>,
  results: NodeResult[],
  seconds: number,
  price: number,
  publishing: readonly string[] = [],
): void {
  const kinds = new Map<string, number>();
  for (const result of results) {
    const node = nodes[result.unique_id];
    if (!node) {
      const kind = unitTests[result.unique_id] ? 'unit test' : 'saved query';
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      continue;
    }
    const kind =
      node.resource_type === 'model'
        ? `${node.config.materialized} model`
        : node.resource_type === 'test'
          ? 'data test'
          : node.resource_type;
    kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  const what = [...kinds].map(([kind, n]) => `${n} ${kind}${n === 1 ? '' : 's'}`).join(', ');
  print('');
  print(`${timestamp()}  Finished running ${what} in ${formatElapsed(seconds)}.`);
  const cost = scanSummary(
    results.map((r) => r.adapter_response.data_scanned_in_bytes),
    price,
  );
  if (cost) print(`${timestamp()}  ${cost}`);
  const read = rowsReadSummary(results);
  if (read) print(`${timestamp()}  ${read}`);
  const counts = countStatuses(results);
  const problems = results.filter((r) => failedStatus(r) || r.status === 'warn');
  print('');
  if (counts.error === 0 && counts.warn === 0) {
    print(`${timestamp()}  Completed successfully`);
  } else if (counts.error === 0) {
    print(`${timestamp()}  Completed with ${counts.warn} warning${counts.warn === 1 ? '' : 's'}:`);
  } else {
    print(
      `${timestamp()}  Completed with ${counts.error} error${counts.error === 1 ? '' : 's'} and ${counts.warn} warning${counts.warn === 1 ? '' : 's'}:`,
    );
  }
  for (const result of problems) {
    const unitTest = unitTests[result.unique_id];
    if (unitTest) {
      const label = result.status === 'fail' ? 'Failure' : 'Error';
      print('');
      print(`${timestamp()}  ${label} in unit_test ${unitTest.name} (${unitTest.original_file_path})`);
      if (result.message) print(`${timestamp()}    ${result.message}`);
      const diff = (result as UnitTestResult).diff;
      if (diff) {
        print('');
        for (const line of diff.split('\n')) print(`${timestamp()}  ${line}`);
      }
      continue;
    }
    const node = nodes[result.unique_id]!;
    const label =
      result.status === 'warn'
        ? 'Warning'
        : result.status === 'fail'
          ? 'Failure'
          : result.status === 'partial success'
            ? 'Partial success'
            : 'Error';
    print('');
    print(`${timestamp()}  ${label} in ${node.resource_type} ${node.name} (${node.original_file_path})`);
    if (result.message) print(`${timestamp()}    ${result.message}`);
  }
  if (publishing.length > 0) print('');
  for (const line of publishing) print(`${timestamp()}  ${line}`);
  print('');
  print(
    `${timestamp()}  Done. PASS=${counts.pass} WARN=${counts.warn} ERROR=${counts.error} SKIP=${counts.skip} NO-OP=${counts.noop} TOTAL=${counts.total}`,
  );
}
