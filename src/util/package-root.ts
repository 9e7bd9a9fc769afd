/** The installed package's root folder (the one holding package.json), from src/ or dist/src/. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  // Walk up: src/util (run from source) or dist/src/util (compiled); both end at the root.
  while (!existsSync(join(dir, 'package.json')) || !existsSync(join(dir, 'include'))) {
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('mdw installation is incomplete: package.json and include/ not found');
    dir = parent;
  }
  cached = dir;
  return dir;
}
