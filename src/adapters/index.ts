import type { TargetConfig } from '../project/types.js';
import { ConfigError } from '../util/errors.js';
import type { Adapter } from './types.js';

/** The adapter for a profile target; engines load lazily so `mdw ls` never loads DuckDB. */
export async function createAdapter(
  target: TargetConfig,
  projectRoot: string,
  options: { reader?: boolean } = {},
): Promise<Adapter> {
  switch (target.type) {
    case 'duckdb': {
      const { createDuckDbAdapter } = await import('./duckdb/index.js');
      return createDuckDbAdapter(target, projectRoot, { reader: options.reader });
    }
    default:
      throw new ConfigError(
        `Target '${target.name}' has type '${target.type}', which mdw does not support yet (supported: duckdb).`,
      );
  }
}
