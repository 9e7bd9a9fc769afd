/** `mdw source freshness [-s source:x] [--output-path FILE]` — dbt's source freshness. */
import { resolve } from 'node:path';
import { createAdapter } from '../adapters/index.js';
import { runFreshness } from '../run/freshness.js';
import { ConfigError } from '../util/errors.js';
import { redact } from '../util/secrets.js';
import { type ParsedArgs, stringFlag } from './args.js';
import { load, selectionArgs } from './project.js';

export async function sourceCommand(args: ParsedArgs): Promise<number> {
  const sub = args.positionals[0];
  if (sub !== 'freshness') {
    throw new ConfigError(`mdw source takes one subcommand, 'freshness' (got ${sub ? `'${sub}'` : 'none'}).`);
  }
  const loaded = load(args, (line) => console.log(line));
  const adapter = await createAdapter(loaded.target, loaded.project.root);
  const connection = await adapter.connect();
  try {
    const outputPath = stringFlag(args, 'output-path');
    return await runFreshness({
      loaded,
      adapter,
      connection,
      ...selectionArgs(args),
      outputPath: outputPath ? resolve(outputPath) : undefined,
      print: (line) => console.log(redact(line)),
    });
  } finally {
    await connection.close();
    await adapter.close();
  }
}
