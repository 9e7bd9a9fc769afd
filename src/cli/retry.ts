/**
 * `mdw retry` (dbt's command): re-runs the nodes that failed, errored or were skipped in the
 * last invocation recorded in target/run_results.json, with that invocation's command and
 * --full-refresh; everything that succeeded is left alone, so a failed day is resumed, not
 * restarted. Vars and the target come from this call's flags, as for any command.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { eventTimeRange, type MicrobatchWindow, windowFromPair } from '../materialize/microbatch.js';
import { executeRun, type RunCommand } from '../run/runner.js';
import { ConfigError } from '../util/errors.js';
import { redact } from '../util/secrets.js';
import type { ParsedArgs } from './args.js';
import { load, selectionArgs } from './project.js';

const RETRIED = new Set(['error', 'fail', 'skipped', 'runtime error', 'partial success']);
const COMMANDS: readonly RunCommand[] = ['run', 'seed', 'snapshot', 'test', 'build'];

interface PreviousRun {
  args?: { which?: string; full_refresh?: boolean; event_time_start?: string; event_time_end?: string };
  results?: { unique_id: string; status: string; batch_results?: { failed?: unknown[] } }[];
}

export async function retryCommand(args: ParsedArgs): Promise<number> {
  const loaded = load(args, (line) => console.log(line));
  const file = join(loaded.project.root, loaded.project.target_path, 'run_results.json');
  const shown = relative(process.cwd(), file) || file;
  if (!existsSync(file)) {
    throw new ConfigError(`Nothing to retry: ${shown} does not exist (run mdw build first).`);
  }
  let previous: PreviousRun;
  try {
    previous = JSON.parse(readFileSync(file, 'utf8')) as PreviousRun;
  } catch {
    throw new ConfigError(`Nothing to retry: ${shown} is not valid JSON.`);
  }
  const command = previous.args?.which as RunCommand | undefined;
  if (!command || !COMMANDS.includes(command)) {
    throw new ConfigError(
      `Nothing to retry: ${shown} records a '${command ?? 'unknown'}' invocation; mdw retry re-runs ${COMMANDS.join(', ')}.`,
    );
  }
  const names = (previous.results ?? [])
    .filter((result) => RETRIED.has(result.status))
    .map((result) => {
      const unitTest = loaded.manifest.unit_tests?.[result.unique_id];
      return unitTest ? `unit_test:${unitTest.name}` : loaded.manifest.nodes[result.unique_id]?.name;
    })
    .filter((name): name is string => name !== undefined);
  if (names.length === 0) {
    console.log(
      `Nothing to retry: the last ${command} in ${shown} had no errors, failures or skipped nodes.`,
    );
    return 0;
  }
  // a microbatch model re-runs only its failed windows; one never started plans them afresh
  const windows = new Map<string, MicrobatchWindow[]>();
  for (const result of previous.results ?? []) {
    if (!RETRIED.has(result.status) || !result.batch_results) continue;
    const failed = (result.batch_results.failed ?? []).map(windowFromPair);
    if (failed.every((window) => window !== null))
      windows.set(result.unique_id, failed as MicrobatchWindow[]);
  }
  const range =
    previous.args?.event_time_start && previous.args.event_time_end
      ? eventTimeRange(previous.args.event_time_start, previous.args.event_time_end)
      : null;
  const outcome = await executeRun({
    loaded,
    command,
    select: [...new Set(names)],
    threads: selectionArgs(args).threads,
    fullRefresh: previous.args?.full_refresh === true,
    eventTimeRange: range,
    microbatchWindows: windows,
    failFast: args.flags['fail-fast'] === true,
    storeFailures: args.flags['store-failures'] === true,
    viewReuse: args.flags['no-view-reuse'] !== true,
    print: (line) => console.log(redact(line)),
  });
  return outcome.exitCode;
}
