/** Properties files (.yml): read once per project; node patches wait for their node. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../util/errors.js';
import { listFiles } from '../../util/files.js';
import { checksum } from '../parse-cache.js';
import { parsePropertiesFile } from '../properties.js';
import { parseYaml } from '../yaml.js';
import type { ParseState } from './state.js';

export function readProperties(state: ParseState): void {
  const dirs = [
    ...state.project.model_paths,
    ...state.project.seed_paths,
    ...state.project.snapshot_paths,
    ...state.project.macro_paths,
  ];
  const files = new Set(dirs.flatMap((dir) => listFiles(state.project.root, dir, ['.yml', '.yaml'])));
  for (const path of files) {
    const text = readFileSync(join(state.project.root, path), 'utf8');
    const key = checksum('yaml', path, text);
    let parsed = state.cache.yaml(key);
    if (!parsed) {
      parsed = parsePropertiesFile(parseYaml(text, path));
      state.cache.storeYaml(key, parsed);
    }
    state.properties.push(parsed);
    state.warnings.push(...(parsed.notices ?? []));
    for (const patch of parsed.nodes) {
      const key = `${patch.kind}:${patch.name}`;
      const earlier = state.patches.get(key);
      if (earlier) {
        throw new ConfigError(
          `${patch.file}:${patch.line}: ${patch.kind.slice(0, -1)} '${patch.name}' is already described in ${earlier.file}:${earlier.line}.`,
        );
      }
      state.patches.set(key, patch);
    }
  }
}

/** Patches that matched no node: dbt warns about them. */
export function warnUnmatchedPatches(state: ParseState): void {
  for (const patch of state.patches.values()) {
    state.warnings.push(
      `${patch.file}:${patch.line}: ${patch.kind.slice(0, -1)} '${patch.name}' is described here but no such ${patch.kind.slice(0, -1)} exists.`,
    );
  }
}
