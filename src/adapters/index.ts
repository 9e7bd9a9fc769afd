import type { TargetConfig } from '../manifest/types.js';
import { ConfigError } from '../util/errors.js';
import type { AdapterOptions } from './engine.js';
import { engineTypes, findEngine } from './registry.js';
import type { Adapter } from './types.js';

/** The adapter for a profile target; engines load lazily so `mdw ls` never loads DuckDB. */
export async function createAdapter(
  target: TargetConfig,
  projectRoot: string,
  options: AdapterOptions = {},
): Promise<Adapter> {
  const engine = findEngine(target.type);
  if (!engine) {
    throw new ConfigError(
      `Target '${target.name}' has type '${target.type}', which mdw does not support (supported: ${engineTypes().join(', ')}).`,
    );
  }
  if (options.dryRun && !engine.dryRun) {
    throw new ConfigError(
      `--dry-run prints the statements of ${engineTypes()
        .filter((type) => findEngine(type)?.dryRun)
        .join(', ')} targets only; target '${target.name}' has type '${target.type}'.`,
    );
  }
  const factory = await engine.load();
  return factory(target, projectRoot, options);
}
