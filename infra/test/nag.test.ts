import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { App, Stack } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { buildApp } from '../lib/app.js';
import { infraDir, synthesized, tempDir } from './support.js';

interface Report {
  pluginReports: { pluginName: string; conclusion?: string; violations?: { ruleName: string }[] }[];
}

const report = (outdir: string): Report =>
  JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8')) as Report;

describe('cdk-nag AwsSolutions', () => {
  for (const env of ['dev', 'prod'] as const) {
    it(`${env}: synth passes with zero unacknowledged findings`, () => {
      const { outdir } = synthesized(env);
      const violations = report(outdir).pluginReports.flatMap((r) => r.violations ?? []);
      assert.deepEqual(violations, []);
    });
  }

  it('a deliberate violation (an unencrypted, unlogged, non-TLS bucket) fails synth and is reported', () => {
    const outdir = tempDir('mdw-cdk-violation-');
    const app = new App({ outdir, context: { env: 'dev' } });
    buildApp(app, { infraDir });
    new s3.Bucket(new Stack(app, 'Violation'), 'Careless', {});
    assert.throws(() => app.synth(), /Validation failed/);
    const rules = report(outdir).pluginReports.flatMap((r) => (r.violations ?? []).map((v) => v.ruleName));
    assert.ok(rules.includes('AwsSolutions-S1'), `server access logs rule missing in ${rules.join(', ')}`);
    assert.ok(rules.includes('AwsSolutions-S10'), `TLS-only rule missing in ${rules.join(', ')}`);
  });
});
