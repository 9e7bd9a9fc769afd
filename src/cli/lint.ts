/**
 * `mdw lint` — the warehouse's conventions checked on every selected model.
 *   -o text|json|sarif   report format (stdout)
 *   --fix                rewrite files for fixable rules, then report what is left
 *   --fix --check        change nothing; exit 1 when --fix would change a file
 *   --warehouse          also judge the built Iceberg tables (partitions, file sizes)
 * Exit 1 when an error-severity diagnostic remains, 2 on bad usage or configuration.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LintResult, lintProject } from '../lint/engine.js';
import { fixedFiles } from '../lint/fix.js';
import { jsonReport } from '../lint/report/json.js';
import { sarifReport } from '../lint/report/sarif.js';
import { textReport } from '../lint/report/text.js';
import { ConfigError } from '../util/errors.js';
import { MDW_VERSION } from '../version.js';
import { type ParsedArgs, stringFlag } from './args.js';
import { load, selectionArgs } from './project.js';

const FORMATS = ['text', 'json', 'sarif'];

export async function lintCommand(args: ParsedArgs): Promise<number> {
  const output = stringFlag(args, 'output') ?? 'text';
  if (!FORMATS.includes(output))
    throw new ConfigError(`--output must be one of ${FORMATS.join(', ')}; got '${output}'.`);
  const fix = args.flags.fix === true;
  const check = args.flags.check === true;
  if (check && !fix) throw new ConfigError('--check goes with --fix (mdw lint --fix --check).');
  const { select, exclude } = selectionArgs(args);
  const options = { select, exclude, warehouse: args.flags.warehouse === true };
  const warn = (line: string) => console.error(line);
  let loaded = load(args, warn);
  let result = await lintProject(loaded, options);
  if (fix) {
    const changes = fixedFiles(result.diagnostics, result.sources);
    if (check) {
      for (const file of changes.keys()) console.error(`would fix ${file}`);
      if (changes.size > 0) {
        console.error(`${changes.size} file(s) would be changed by mdw lint --fix.`);
        return 1;
      }
    } else if (changes.size > 0) {
      for (const [file, text] of changes) {
        writeFileSync(join(loaded.project.root, file), text);
        console.error(`fixed ${file}`);
      }
      loaded = load(args, () => {});
      result = await lintProject(loaded, options);
    }
  }
  process.stdout.write(report(result, output));
  return result.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
}

function report(result: LintResult, output: string): string {
  if (output === 'json') return jsonReport(result.diagnostics, result.models);
  if (output === 'sarif') return sarifReport(result.diagnostics, MDW_VERSION);
  return textReport(result.diagnostics, result.models);
}
