/** The `mdw` command line: parse flags, run one command, map errors to dbt's exit codes. */
import { errorMessage, isMdwError } from '../util/errors.js';
import { redact } from '../util/secrets.js';
import { type ParsedArgs, parseArgs } from './args.js';

type Command = (args: ParsedArgs) => Promise<number>;

const COMMANDS: Record<string, { summary: string; load: () => Promise<Command> }> = {
  debug: {
    summary: 'Show versions, project and profile, and test the connection',
    load: async () => (await import('./debug.js')).debugCommand,
  },
  parse: {
    summary: 'Parse the project and write target/manifest.json',
    load: async () => (await import('./parse.js')).parseCommand,
  },
  ls: {
    summary: 'List resources (--output name|path|json|selector, --resource-type)',
    load: async () => (await import('./ls.js')).lsCommand,
  },
  list: { summary: 'Alias of ls', load: async () => (await import('./ls.js')).lsCommand },
  compile: {
    summary: 'Render SQL into target/compiled/ (--inline "<sql>")',
    load: async () => (await import('./compile.js')).compileCommand,
  },
  show: {
    summary: 'Preview rows: --inline "<sql>" or -s <model> [--limit N] [--output json]',
    load: async () => (await import('./show.js')).showCommand,
  },
  seed: { summary: 'Load seed CSVs into tables', load: runner('seed') },
  run: { summary: 'Build models', load: runner('run') },
  test: { summary: 'Run data tests', load: runner('test') },
  snapshot: { summary: 'Run snapshots (SCD type 2)', load: runner('snapshot') },
  build: { summary: 'Seeds, snapshots, models and tests in DAG order', load: runner('build') },
  retry: {
    summary: 'Re-run what failed, errored or was skipped in the last target/run_results.json',
    load: async () => (await import('./retry.js')).retryCommand,
  },
  'run-operation': {
    summary: "Call a macro: run-operation <macro> [--args '{name: value}']",
    load: async () => (await import('./run-operation.js')).runOperationCommand,
  },
  source: {
    summary: 'source freshness: max(loaded_at_field) against warn_after/error_after → target/sources.json',
    load: async () => (await import('./source.js')).sourceCommand,
  },
  generate: {
    summary:
      'Write the grocery CSVs: [--scale 1] [--out data/raw] [--seed 42] [--daily] [--dirty] [--day YYYYMMDD]',
    load: async () => (await import('./generate.js')).generateCommand,
  },
  upload: {
    summary:
      'Copy the landing folder to the raw S3 prefix (athena): [--from data/raw] [--to s3://…] (skips unchanged files, resumes)',
    load: async () => (await import('./upload.js')).uploadCommand,
  },
  iceberg: {
    summary:
      'Iceberg tables: history|files [--where "col >= v and col < w"]|partitions <schema.table>, rollback --to <id>, optimize, expire-snapshots, remove-orphans, register <schema.table> <metadata-file>, recover, rollback-metadata <schema.table>',
    load: async () => (await import('./iceberg.js')).icebergCommand,
  },
  quickstart: {
    summary: 'What `npm start` runs: generate data if the landing folder is empty, then build everything',
    load: async () => (await import('./quickstart.js')).quickstartCommand,
  },
  lint: {
    summary:
      'Check naming, layer, SQL style and test conventions (--fix [--check], --warehouse, -o text|json|sarif)',
    load: async () => (await import('./lint.js')).lintCommand,
  },
  docs: {
    summary:
      'generate: target/catalog.json + the docs site in target/docs/; serve [--port 8080] [--host 127.0.0.1]',
    load: async () => (await import('./docs.js')).docsCommand,
  },
  deps: {
    summary: 'Install packages.yml / dependencies.yml packages into dbt_packages/ (writes package-lock.yml)',
    load: async () => (await import('./deps.js')).depsCommand,
  },
  clean: {
    summary: 'Delete target/ (the clean-targets)',
    load: async () => (await import('./clean.js')).cleanCommand,
  },
};

function runner(command: 'seed' | 'run' | 'test' | 'snapshot' | 'build'): () => Promise<Command> {
  return async () => {
    const { runCommand } = await import('./run.js');
    return (args) => runCommand(command, args);
  };
}

const FLAGS_HELP = `Flags (dbt's):
  --project-dir DIR      dbt project folder (default: ., else ./dbt)
  --profiles-dir DIR     folder of profiles.yml (default: DBT_PROFILES_DIR, the project, ~/.dbt)
  -t, --target NAME      profile target
  -s, --select SEL...    node selection (name, path:, tag:, resource_type:, +x, x+, @x, a,b)
  --exclude SEL...       nodes to leave out
  --selector NAME        a YAML selector of selectors.yml (its default: true one applies when nothing is selected)
  --vars YAML            variables, e.g. '{raw_dir: data/raw}'
  --threads N            nodes built in parallel
  --full-refresh         rebuild incremental models from scratch
  --event-time-start T   build/run: microbatch models build the batches from T (YYYY-MM-DD[ HH:MM:SS], UTC)
  --event-time-end T     ... up to T, exclusive; both flags or neither (other models ignore them)
  -x, --fail-fast        stop at the first failure
  --store-failures       keep failing test rows in audit tables
  --no-partial-parse     ignore target/partial_parse.json and parse every file
  --no-view-reuse        re-run a view's query for each reader (default: evaluate once per run)
  --no-wap               publish each Iceberg table as it is built, not all together after the
                         tests pass (default: write-audit-publish; var mdw_publish: per_table)
  --dry-run              build/run on athena: print every statement in order, run nothing (no credentials)
  -o, --output FORMAT    ls: name|path|json|selector; show: json; lint: text|json|sarif
  --fix                  lint: rewrite files for the fixable rules; with --check, only report them
  --warehouse            lint: also check the built Iceberg tables' partitions and file sizes
  --limit N              show: rows to preview (default 5)
  --as-of ID|TIME        show: query Iceberg tables as of a snapshot id or a time (time travel)
  --to ID                iceberg rollback: the snapshot to return to
  --target-file-size S   iceberg optimize: e.g. 128MB (default)
  --older-than AGE       iceberg expire-snapshots / remove-orphans: e.g. 7d, 1h, 0
  --retain-last N        iceberg expire-snapshots: always keep the N newest snapshots
  --port N, --host H     docs serve: where to listen (default 127.0.0.1:8080)
  --output-path FILE     source freshness: where sources.json goes (default target/sources.json)
  --args YAML            run-operation: the macro's keyword arguments, e.g. '{role: analyst}'`;

export function helpText(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS)
    .filter(([name]) => name !== 'list')
    .map(([name, { summary }]) => `  ${name.padEnd(width)}  ${summary}`);
  return `Usage: mdw <command> [flags]\n\nCommands:\n${lines.join('\n')}\n\n${FLAGS_HELP}\n`;
}

export async function main(argv: string[]): Promise<number> {
  try {
    const args = parseArgs(argv);
    if (args.flags.version === true && args.command === null) {
      const { MDW_VERSION } = await import('../version.js');
      console.log(`mdw ${MDW_VERSION}`);
      return 0;
    }
    if (args.command === null || args.flags.help === true || args.command === 'help') {
      process.stdout.write(helpText());
      return args.command === null && args.flags.help !== true ? 2 : 0;
    }
    const entry = COMMANDS[args.command];
    if (!entry) {
      console.error(`mdw: unknown command '${args.command}'. Commands: ${Object.keys(COMMANDS).join(', ')}.`);
      return 2;
    }
    const command = await entry.load();
    return await command(args);
  } catch (error) {
    if (isMdwError(error)) {
      console.error(`mdw: ${redact(error.message)}`);
      return error.exitCode;
    }
    console.error(`mdw: internal error: ${redact(errorMessage(error))}`);
    if (process.env.MDW_DEBUG) console.error(error);
    return 2;
  }
}
