/** `mdw run | seed | snapshot | test | build` */
import { publishMode } from '../run/publish.js';
import { executeRun, type RunCommand } from '../run/runner.js';
import { redact } from '../util/secrets.js';
import type { ParsedArgs } from './args.js';
import { load, selectionArgs } from './project.js';

export async function runCommand(command: RunCommand, args: ParsedArgs): Promise<number> {
  const loaded = load(args, (line) => console.log(line));
  const outcome = await executeRun({
    loaded,
    command,
    ...selectionArgs(args),
    fullRefresh: args.flags['full-refresh'] === true,
    failFast: args.flags['fail-fast'] === true,
    storeFailures: args.flags['store-failures'] === true,
    viewReuse: args.flags['no-view-reuse'] !== true,
    publish: publishMode(args.flags['no-wap'] === true, loaded.vars),
    print: (line) => console.log(redact(line)),
  });
  return outcome.exitCode;
}
