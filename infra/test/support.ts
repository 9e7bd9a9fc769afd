/** Synthesizes the app once per environment (cdk-nag on) for all tests of a process. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { buildApp, type MdwStacks } from '../lib/app.js';

// dist/test → infra/
export const infraDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface Synthesized {
  stacks: MdwStacks;
  assembly: CloudAssembly;
  outdir: string;
  template(stack: keyof MdwStacks): Template;
}

const cache = new Map<string, Synthesized>();
const tempDirs: string[] = [];
process.on('exit', () => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

/** A temporary folder removed when the test process exits (cloud assemblies hold a staged image context). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

export function synthesized(env: 'dev' | 'prod', context: Record<string, unknown> = {}): Synthesized {
  const key = `${env} ${JSON.stringify(context)}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const outdir = tempDir(`mdw-cdk-${env}-`);
  const app = new App({ outdir, context: { env, ...context } });
  const stacks = buildApp(app, { infraDir });
  const assembly = app.synth();
  const result: Synthesized = {
    stacks,
    assembly,
    outdir,
    template: (name) => Template.fromJSON(assembly.getStackByName(stacks[name].stackName).template),
  };
  cache.set(key, result);
  return result;
}
