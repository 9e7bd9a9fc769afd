/** Lint fixtures: the clean base project with one case's files laid over it, in a temp folder. */
import { cpSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadProject } from '../../src/project/loader.js';
import { REPO_ROOT } from './project.js';

export const LINT_FIXTURES = join(REPO_ROOT, 'test', 'fixtures', 'lint');

/** A copy of base/ plus cases/<id>/<variant>/ (when given), with a profile in the copy. */
export function lintProjectCopy(caseId?: string, variant?: 'fail' | 'pass'): string {
  const dir = mkdtempSync(join(tmpdir(), 'mdw-lint-'));
  cpSync(join(LINT_FIXTURES, 'base'), dir, { recursive: true });
  if (caseId && variant) {
    const overlay = join(LINT_FIXTURES, 'cases', caseId, variant);
    if (existsSync(overlay)) cpSync(overlay, dir, { recursive: true });
  }
  writeFileSync(
    join(dir, 'profiles.yml'),
    `lintfx:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${JSON.stringify(join(dir, 'target', 'lintfx.duckdb'))}\n      schema: main\n      threads: 1\n`,
  );
  return dir;
}

export function loadLintProject(dir: string) {
  return loadProject({ projectDir: dir, profilesDir: dir, partialParse: false });
}
