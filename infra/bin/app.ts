#!/usr/bin/env node
/** `cdk synth|deploy -c env=dev|prod`: the mdw stacks of one environment, checked by cdk-nag. */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App } from 'aws-cdk-lib';
import { buildApp } from '../lib/app.js';

// dist/bin/app.js → infra/ → repository root
const infraDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const app = new App();
try {
  buildApp(app, { infraDir });
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
}
app.synth();
