#!/usr/bin/env node
// `npm run docs:erd`: regenerates docs/erd.svg, the ERD of dbt/'s dimensional model, from the
// manifest (relationships tests). test/unit/docs-erd.test.ts fails when the file drifts.
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildErd, renderErdSvg } from '../dist/src/docs/erd.js';
import { loadProject } from '../dist/src/project/loader.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const project = join(root, 'dbt');
const { manifest } = loadProject({ projectDir: project, profilesDir: project, partialParse: false });
const erd = buildErd(manifest);
writeFileSync(join(root, 'docs', 'erd.svg'), renderErdSvg(erd));
console.log(`docs/erd.svg: ${erd.entities.length} entities, ${erd.relationships.length} relationships`);
