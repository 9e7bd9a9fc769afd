/**
 * The repository explains itself: every relative link in README.md and docs/*.md resolves to a
 * file in the repository, and no tracked file points at a path outside it.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, it } from 'node:test';
import { REPO_ROOT } from '../support/project.js';

/**
 * Pages other branches are adding (linked from docs/index.md ahead of the merge). Once a file
 * exists it is checked like any other; after the merge this list should be empty.
 */
const PAGES_WRITTEN_ELSEWHERE = new Set([
  'docs/architecture.md',
  'docs/reliability.md',
  'docs/lint.md',
  'docs/trino.md',
]);

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

  it('no tracked file names a path outside the repository', () => {
    const files = execFileSync('git', ['ls-files'], { cwd: REPO_ROOT, encoding: 'utf8' })
      .split('\n')
      .filter((f) => f && !f.startsWith('test/fixtures/dbt-schemas/') && f !== 'package-lock.json')
      .filter((f) => existsSync(join(REPO_ROOT, f)));
    const outside = /\.\.\/shared\/|\/work\/(?:shared|main|wt)\b|\/root\/|\/home\/[a-z]/;
    const offenders = files.filter(
      (f) => f !== 'test/unit/repo-links.test.ts' && outside.test(readFileSync(join(REPO_ROOT, f), 'utf8')),
    );
    assert.deepEqual(offenders, []);
  });
});
