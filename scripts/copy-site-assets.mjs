#!/usr/bin/env node
// Part of `npm run build`: puts the docs site's static files next to the compiled generator
// (dist/src/docs/site/), with the graph and chart libraries copied from their npm packages
// (devDependencies, pinned) so the packed CLI needs neither them nor a CDN at run time.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const from = join(root, 'src', 'docs', 'site');
const to = join(root, 'dist', 'src', 'docs', 'site');
const require = createRequire(join(root, 'package.json'));

// The browser builds (classic scripts, so the site also works from file://).
const VENDOR = {
  'cytoscape.min.js': ['cytoscape', 'dist/cytoscape.min.js'],
  'chart.umd.min.js': ['chart.js', 'dist/chart.umd.min.js'],
};

/** A package's folder (its `exports` may hide the files we want from require.resolve). */
function packageDir(name) {
  let dir = dirname(require.resolve(name));
  while (dir !== dirname(dir)) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === name) return dir;
    dir = dirname(dir);
  }
  throw new Error(`no package.json for ${name}`);
}

mkdirSync(join(to, 'vendor'), { recursive: true });
for (const name of readdirSync(from)) copyFileSync(join(from, name), join(to, name));
for (const [name, [pkg, file]] of Object.entries(VENDOR)) {
  let dir;
  try {
    dir = packageDir(pkg);
  } catch {
    console.error(`copy-site-assets: ${pkg} is missing; run npm ci (it is a devDependency).`);
    process.exit(1);
  }
  copyFileSync(join(dir, file), join(to, 'vendor', name));
}
