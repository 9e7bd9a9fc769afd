/**
 * `mdw run-operation <macro> [--args '{...}']` — call a macro with run_query live, as dbt does:
 * its log() lines are printed, target/run_results.json holds one `macro.<package>.<name>` result,
 * exit 0 on success, 1 when the macro fails, 2 when no macro has that name.
 */
import { createAdapter } from '../adapters/index.js';
import { Compiler } from '../run/compile.js';
import { timestamp } from '../run/progress.js';
import { newResult, writeRunResults } from '../run/results.js';
import { ConfigError, errorMessage } from '../util/errors.js';
import { redact } from '../util/secrets.js';
import { didYouMean } from '../util/suggest.js';
import { type ParsedArgs, stringFlag } from './args.js';
import { load, parseVars } from './project.js';

export async function runOperationCommand(args: ParsedArgs): Promise<number> {
  const macroName = args.positionals[0];
  if (!macroName)
    throw new ConfigError(
      "mdw run-operation needs a macro name, e.g. mdw run-operation grant_select --args '{role: analyst}'.",
    );
  const macroArgs = parseArgsFlag(stringFlag(args, 'args'));
  const loaded = load(args, (line) => console.log(line));
  const print = (line: string) => console.log(redact(line));
  const macros = loaded.engine.listMacros();
  const [pkg, name] = macroName.includes('.') ? macroName.split('.', 2) : [null, macroName];
  const entry = macros.find((m) => m.name === name && (pkg === null || m.packageName === pkg));
  if (!entry || !/^[A-Za-z_]\w*$/.test(name!)) {
    throw new ConfigError(
      `dbt could not find a macro with the name '${macroName}' in any package.${didYouMean(
        name ?? macroName,
        macros.filter((m) => m.packageName === loaded.project.name).map((m) => m.name),
      )}`,
    );
  }
  const result = newResult(
    { unique_id: `macro.${entry.packageName}.${entry.name}`, relation_name: null },
    'MainThread',
  );
  result.failures = 0;
  const started = performance.now();
  const startedAt = new Date().toISOString();
  const adapter = await createAdapter(loaded.target, loaded.project.root);
  const connection = await adapter.connect();
  let exitCode = 0;
  try {
    const compiler = new Compiler(loaded);
    // keyword arguments written out, so any macro signature binds them as dbt does
    const call = `${pkg ? `${pkg}.` : ''}${name}(${Object.keys(macroArgs)
      .map((key, i) => `${key}=__mdw_operation_args[${i}]`)
      .join(', ')})`;
    const rendered = await compiler.renderOperation(
      `{% do __mdw_operation_done(${call}) %}`,
      { __mdw_operation_args: Object.values(macroArgs), __mdw_operation_done: () => '' },
      async (sql) => connection.query(sql),
    );
    for (const line of rendered.logs) print(`${timestamp()}  ${line}`);
    result.timing.push({ name: 'execute', started_at: startedAt, completed_at: new Date().toISOString() });
  } catch (error) {
    result.status = 'error';
    result.message = errorMessage(error);
    print(`${timestamp()}  Encountered an error while running operation: ${errorMessage(error)}`);
    exitCode = 1;
  } finally {
    await connection.close();
    await adapter.close();
  }
  result.execution_time = (performance.now() - started) / 1000;
  writeRunResults(
    `${loaded.project.root}/${loaded.project.target_path}`,
    loaded.invocationId,
    [result],
    result.execution_time,
    { which: 'run-operation', macro: macroName, args: macroArgs },
  );
  return exitCode;
}

/** --args is a YAML mapping of keyword arguments whose names are identifiers. */
function parseArgsFlag(text: string | undefined): Record<string, unknown> {
  const parsed = parseVars(text);
  for (const key of Object.keys(parsed)) {
    if (!/^[A-Za-z_]\w*$/.test(key))
      throw new ConfigError(`--args: '${key}' is not a valid argument name (letters, digits, underscores).`);
  }
  return parsed;
}
