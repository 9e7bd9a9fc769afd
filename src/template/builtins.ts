/**
 * mdw's built-in macros (package 'dbt'): the engine-neutral .sql files in include/macros, plus
 * the target engine's own `<type>__x` implementations from its macros folder (adapters/registry.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { engineMacroDirs } from '../adapters/registry.js';
import { packageRoot } from '../util/package-root.js';
import type { MacroSourceFile } from './types.js';

export const BUILTIN_PACKAGE = 'dbt';

const SHARED_MACROS = 'include/macros';

export function loadBuiltinMacroFiles(adapterType: string): MacroSourceFile[] {
  const root = packageRoot();
  const files: MacroSourceFile[] = [];
  for (const relative of [SHARED_MACROS, ...engineMacroDirs(adapterType)]) {
    const dir = join(root, relative);
    if (!existsSync(dir)) {
      throw new Error(`mdw built-in macros not found (${relative} is missing from the installation)`);
    }
    for (const name of readdirSync(dir)
      .filter((entry) => entry.endsWith('.sql'))
      .sort()) {
      files.push({
        path: `${relative}/${name}`,
        contents: readFileSync(join(dir, name), 'utf8'),
        packageName: BUILTIN_PACKAGE,
      });
    }
  }
  return files;
}
