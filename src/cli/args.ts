/** A small argv parser with dbt's flag names; no dependency so start-up stays fast. */
import { ConfigError } from '../util/errors.js';

export interface FlagSpec {
  /** takes values until the next flag (dbt's `-s a b c`) */
  multi?: boolean;
  /** takes exactly one value */
  value?: boolean;
  alias?: string;
}

export interface ParsedArgs {
  command: string | null;
  positionals: string[];
  flags: Record<string, string | string[] | boolean>;
}

export const COMMON_FLAGS: Record<string, FlagSpec> = {
  'project-dir': { value: true },
  'profiles-dir': { value: true },
  target: { value: true, alias: 't' },
  vars: { value: true },
  select: { multi: true, alias: 's' },
  models: { multi: true, alias: 'm' },
  exclude: { multi: true },
  'resource-type': { multi: true },
  'exclude-resource-type': { multi: true },
  'indirect-selection': { value: true },
  selector: { value: true },
  threads: { value: true },
  'full-refresh': {},
  'fail-fast': { alias: 'x' },
  'store-failures': {},
  'no-partial-parse': {},
  'no-view-reuse': {},
  'no-wap': {},
  'dry-run': {},
  'as-of': { value: true },
  'event-time-start': { value: true },
  'event-time-end': { value: true },
  where: { value: true },
  to: { value: true },
  'target-file-size': { value: true },
  'older-than': { value: true },
  'retain-last': { value: true },
  output: { value: true, alias: 'o' },
  inline: { value: true },
  limit: { value: true },
  help: { alias: 'h' },
  version: { alias: 'v' },
  // generate
  scale: { value: true },
  out: { value: true },
  from: { value: true },
  seed: { value: true },
  daily: {},
  dirty: {},
  day: { value: true },
  quiet: { alias: 'q' },
  // lint
  fix: {},
  check: {},
  warehouse: {},
  // run-operation
  args: { value: true },
  // source freshness
  'output-path': { value: true },
  // docs serve
  port: { value: true },
  host: { value: true },
};

export function parseArgs(argv: string[], specs: Record<string, FlagSpec> = COMMON_FLAGS): ParsedArgs {
  const byAlias = new Map<string, string>();
  for (const [name, spec] of Object.entries(specs)) if (spec.alias) byAlias.set(spec.alias, name);
  const result: ParsedArgs = { command: null, positionals: [], flags: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-') || arg === '-') {
      if (result.command === null) result.command = arg;
      else result.positionals.push(arg);
      continue;
    }
    const [rawName, inlineValue] = arg.startsWith('--')
      ? splitInline(arg.slice(2))
      : [arg.slice(1), undefined];
    const name = arg.startsWith('--') ? rawName : (byAlias.get(rawName) ?? rawName);
    const spec = specs[name];
    if (!spec) throw new ConfigError(`Unknown flag '${arg}'. Run 'mdw --help' for the list of flags.`);
    if (spec.multi) {
      const values = inlineValue !== undefined ? [inlineValue] : [];
      while (inlineValue === undefined && i + 1 < argv.length && !argv[i + 1]!.startsWith('-'))
        values.push(argv[++i]!);
      if (values.length === 0) throw new ConfigError(`Flag '${arg}' needs at least one value.`);
      const existing = result.flags[name];
      result.flags[name] = [...(Array.isArray(existing) ? existing : []), ...values];
    } else if (spec.value) {
      const value = inlineValue ?? argv[++i];
      if (value === undefined) throw new ConfigError(`Flag '${arg}' needs a value.`);
      result.flags[name] = value;
    } else {
      result.flags[name] = true;
    }
  }
  return result;
}

function splitInline(text: string): [string, string | undefined] {
  const eq = text.indexOf('=');
  return eq < 0 ? [text, undefined] : [text.slice(0, eq), text.slice(eq + 1)];
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const value = args.flags[name];
  return typeof value === 'string' ? value : undefined;
}

export function listFlag(args: ParsedArgs, name: string): string[] | undefined {
  const value = args.flags[name];
  return Array.isArray(value) ? value : undefined;
}

export function numberFlag(args: ParsedArgs, name: string): number | undefined {
  const value = stringFlag(args, name);
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isFinite(number)) throw new ConfigError(`Flag '--${name}' expects a number, got '${value}'.`);
  return number;
}
