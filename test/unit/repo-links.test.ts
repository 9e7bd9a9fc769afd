/**
 * The repository explains itself: every relative link in README.md and docs/*.md resolves to a
 * file in the repository, and no tracked file points at a path outside it.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../support/project.js';

/**
 * Pages other branches are adding (linked from docs/index.md ahead of the merge). Once a file
 * exists it is checked like any other; after the merge this list should be empty.
 */
const PAGES_WRITTEN_ELSEWHERE = new Set(['docs/architecture.md', 'docs/reliability.md', 'docs/lint.md']);

/** Folders that hold generated or installed files, never the repository's own. */
const NOT_OURS = new Set([
  '.git',
  'node_modules',
  'dist',
  'data',
  'warehouse',
  'target',
  'logs',
  'test-artifacts',
  'dbt_packages',
  '.cache',
]);

/** Every file of the checkout, relative to it (works without git, e.g. in a copied tree). */
function repositoryFiles(root: string, folder = ''): string[] {
  return readdirSync(join(root, folder), { withFileTypes: true }).flatMap((entry) => {
    const path = folder ? `${folder}/${entry.name}` : entry.name;
    if (NOT_OURS.has(entry.name)) return []; // .git is a file in a worktree
    if (entry.isDirectory()) return entry.name.startsWith('.venv') ? [] : repositoryFiles(root, path);
    if (
      path.startsWith('test/fixtures/dbt-schemas/') ||
      path === 'package-lock.json' ||
      /\.(duckdb|wal|tgz)$/.test(path)
    )
      return [];
    return entry.isFile() ? [path] : [];
  });
}

function markdownFiles(): string[] {
  const docs = readdirSync(join(REPO_ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => join('docs', name));
  return ['README.md', 'dbt/README.md', 'bench/README.md', ...docs].filter((f) =>
    existsSync(join(REPO_ROOT, f)),
  );
}

/** Targets of `[text](target)` and `![alt](target)`, code spans and fenced blocks excluded. */
export function linkTargets(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1]!);
}

describe('repository links', () => {
  it('finds links the way a reader would (and skips code)', () => {
    assert.deepEqual(
      linkTargets('see [a](docs/a.md), ![d](erd.svg "t") and `[x](no.md)`\n```\n[y](no2.md)\n```'),
      ['docs/a.md', 'erd.svg'],
    );
  });

  for (const file of markdownFiles()) {
    it(`${file}: every relative link resolves to a file in the repository`, () => {
      const broken: string[] = [];
      for (const target of linkTargets(readFileSync(join(REPO_ROOT, file), 'utf8'))) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) {
          assert.ok(!target.startsWith('file:'), `${file} links a local file by URL: ${target}`);
          continue;
        }
        const path = normalize(join(dirname(file), decodeURIComponent(target.split('#')[0]!)));
        if (path.startsWith('..') || relative(REPO_ROOT, join(REPO_ROOT, path)).startsWith('..')) {
          broken.push(`${target} (outside the repository)`);
        } else if (!existsSync(join(REPO_ROOT, path)) && !PAGES_WRITTEN_ELSEWHERE.has(path)) {
          broken.push(target);
        }
      }
      assert.deepEqual(broken, []);
    });
  }

  it('no file of the repository names a path outside it', () => {
    const outside = /\.\.\/shared\/|\/work\/(?:shared|main|wt)\b|\/root\/|\/home\/[a-z]/;
    const offenders = repositoryFiles(REPO_ROOT).filter(
      (f) => f !== 'test/unit/repo-links.test.ts' && outside.test(readFileSync(join(REPO_ROOT, f), 'utf8')),
    );
    assert.deepEqual(offenders, []);
  });
});
