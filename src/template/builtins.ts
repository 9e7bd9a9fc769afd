/**
 * mdw's built-in macros (package 'dbt'): the .sql files in include/macros at the package root.
 * The compiled module is dist/src/template/builtins.js, three levels below the root.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MacroSourceFile } from './types.js';

export const BUILTIN_PACKAGE = 'dbt';

function builtinDir(): string {
  // compiled: dist/src/template → ../../../include; run from source: src/template → ../../include
  for (const relative of ['../../../include/macros/', '../../include/macros/']) {
    const dir = fileURLToPath(new URL(relative, import.meta.url));
    if (existsSync(dir)) return dir;
  }
  throw new Error('mdw built-in macros not found (include/macros is missing from the installation)');
}

export function loadBuiltinMacroFiles(): MacroSourceFile[] {
  const dir = builtinDir();
  return readdirSync(dir)
    .filter((name) => name.endsWith('.sql'))
    .sort()
    .map((name) => ({
      path: `include/macros/${name}`,
      contents: readFileSync(dir + name, 'utf8'),
      packageName: BUILTIN_PACKAGE,
    }));
}
