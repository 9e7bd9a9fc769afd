/**
 * `npm run gen:raw-ddl`: regenerates scripts/database/*.sql and infra/generated/raw-tables.json
 * from the sources' YAML (dbt/models/raw/*.yml). Run from anywhere; paths are repo-relative.
 */
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMessage } from '../src/util/errors.js';
import { rawTableFiles } from './raw-table-files.js';

// dist/scripts/gen-raw-ddl.js → repository root
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

try {
  const files = rawTableFiles(repoRoot);
  // A table removed from the YAML must lose its script too.
  const ddlDir = join(repoRoot, 'scripts', 'database');
  mkdirSync(ddlDir, { recursive: true });
  for (const name of readdirSync(ddlDir)) {
    if (name.endsWith('.sql') && !files.has(`scripts/database/${name}`)) rmSync(join(ddlDir, name));
  }
  for (const [path, text] of files) {
    mkdirSync(dirname(join(repoRoot, path)), { recursive: true });
    writeFileSync(join(repoRoot, path), text);
    console.log(`wrote ${path}`);
  }
} catch (error) {
  console.error(errorMessage(error));
  process.exitCode = 2;
}
