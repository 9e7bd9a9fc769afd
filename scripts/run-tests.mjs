#!/usr/bin/env node
// Runs `node --test` on every *.test.js under the given folders, listed explicitly:
// Node 22+ rejects a folder argument and Node 20 does not expand globs, but both take file lists.
// Usage: node scripts/run-tests.mjs [--test-concurrency=N] dist/test/unit [more folders...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const flags = process.argv.slice(2).filter((a) => a.startsWith('--'));
const folders = process.argv.slice(2).filter((a) => !a.startsWith('--'));

function testFiles(folder) {
  return readdirSync(folder)
    .sort()
    .flatMap((name) => {
      const path = join(folder, name);
      if (statSync(path).isDirectory()) return testFiles(path);
      return name.endsWith('.test.js') ? [path] : [];
    });
}

const files = folders.flatMap(testFiles);
if (files.length === 0) {
  console.error(`run-tests: no *.test.js files under ${folders.join(', ') || '(no folder given)'}`);
  process.exit(2);
}
const result = spawnSync(process.execPath, ['--test', ...flags, ...files], { stdio: 'inherit' });
process.exit(result.status ?? 1);
