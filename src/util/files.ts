import { readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

/** Every file below `dir` whose name ends with one of `extensions`, as project-relative POSIX paths, sorted. */
export function listFiles(root: string, dir: string, extensions: string[]): string[] {
  const start = join(root, dir);
  const found: string[] = [];
  const walk = (folder: string): void => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = readdirSync(folder, { withFileTypes: true });
    } catch {
      return; // a configured path that does not exist simply has no files (as in dbt)
    }
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (extensions.some((ext) => entry.name.endsWith(ext))) found.push(toPosix(relative(root, full)));
    }
  };
  walk(start);
  return found.sort();
}

export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
