/** `cdk synth` through the real CLI, offline and without any AWS credentials. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { infraDir, tempDir } from './support.js';

describe('cdk synth (CLI)', () => {
  it('synthesizes the prod environment with no credentials, config or network', () => {
    const home = tempDir('mdw-cdk-home-');
    const outdir = join(home, 'cdk.out');
    // Only what node needs: no AWS_* variables, an empty HOME (no ~/.aws), no instance metadata.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: home,
      AWS_EC2_METADATA_DISABLED: 'true',
      CDK_DISABLE_VERSION_CHECK: '1',
      // any docker call (an image build at synth) would fail: synth must only stage the context
      CDK_DOCKER: join(home, 'no-docker'),
    };
    const cli = join(infraDir, 'node_modules', 'aws-cdk', 'bin', 'cdk');
    const result = spawnSync(
      process.execPath,
      [cli, 'synth', '--quiet', '--no-notices', '-c', 'env=prod', '-o', outdir],
      {
        cwd: infraDir,
        env,
        encoding: 'utf8',
      },
    );
    assert.equal(result.status, 0, result.stderr);
    for (const stack of ['Storage', 'Catalog', 'Query', 'Access', 'Run']) {
      assert.ok(existsSync(join(outdir, `Mdw-prod-${stack}.template.json`)), stack);
    }
  });

  it('refuses an unknown environment with one sentence and exit 2', () => {
    const result = spawnSync(process.execPath, [join(infraDir, 'dist', 'bin', 'app.js')], {
      cwd: infraDir,
      env: { PATH: process.env.PATH, CDK_CONTEXT_JSON: JSON.stringify({ env: 'staging' }) },
      encoding: 'utf8',
    });
    assert.equal(result.status, 2);
    assert.equal(result.stderr.trim(), "Unknown environment 'staging': pass -c env=dev or -c env=prod.");
  });
});
