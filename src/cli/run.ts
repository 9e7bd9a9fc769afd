/** `mdw run | seed | snapshot | test | build` */
import { eventTimeRange } from '../materialize/microbatch.js';
import { publishMode } from '../run/publish.js';
import { executeRun, type RunCommand } from '../run/runner.js';
import { ConfigError } from '../util/errors.js';
import { redact } from '../util/secrets.js';
import type { ParsedArgs } from './args.js';
import { load, resourceTypeFlags, selectionArgs } from './project.js';

const RUN_RESOURCE_TYPES = ['model', 'seed', 'snapshot', 'test', 'unit_test', 'saved_query'];

export async function runCommand(command: RunCommand, args: ParsedArgs): Promise<number> {
  if (args.flags['dry-run'] === true && command !== 'build' && command !== 'run') {
    throw new ConfigError(`--dry-run works with mdw build and mdw run, not mdw ${command}.`);
  }
  const range = eventTimeRange(args.flags['event-time-start'], args.flags['event-time-end']);
  if (range && command !== 'build' && command !== 'run') {
    throw new ConfigError(
      `--event-time-start and --event-time-end work with mdw build and mdw run, not mdw ${command}.`,
    );
  }
  const loaded = load(args, (line) => console.log(line));
  const outcome = await executeRun({
    loaded,
    command,
    ...selectionArgs(args),
    resourceTypes: resourceTypeFlags(args, RUN_RESOURCE_TYPES, RUN_RESOURCE_TYPES),
    fullRefresh: args.flags['full-refresh'] === true,
    eventTimeRange: range,
    failFast: args.flags['fail-fast'] === true,
    storeFailures: args.flags['store-failures'] === true,
    viewReuse: args.flags['no-view-reuse'] !== true && args.flags['dry-run'] !== true,
    publish: publishMode(args.flags['no-wap'] === true, loaded.vars),
    ...(args.flags['dry-run'] === true
      ? { dryRun: (text: string) => process.stdout.write(redact(text)) }
      : {}),
    print: (line) => console.log(redact(line)),
  });
  return outcome.exitCode;
}
