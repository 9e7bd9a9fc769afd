import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ATHENA_OUTPUTS, athenaSettings, renderEnvFile, renderProfile } from '../lib/outputs.js';
import { infraDir, synthesized, tempDir } from './support.js';

const deployed = {
  'Mdw-dev-Storage': {
    MdwAthenaS3StagingDir: 's3://mdw-dev-query-results-1-eu-west-1/athena/',
    MdwAthenaS3DataDir: 's3://mdw-dev-lakehouse-1-eu-west-1/',
    MdwRawS3Uri: 's3://mdw-dev-landing-1-eu-west-1/grocery',
    LandingBucket: 'mdw-dev-landing-1-eu-west-1',
  },
  'Mdw-dev-Query': { MdwAthenaRegion: 'eu-west-1', MdwAthenaWorkGroup: 'mdw-dev' },
  'Mdw-prod-Query': { MdwAthenaRegion: 'us-east-1', MdwAthenaWorkGroup: 'mdw-prod' },
};

describe('deploy outputs → athena target settings', () => {
  it('every athena setting is an output of the synthesized stacks', () => {
    const { assembly, stacks } = synthesized('dev');
    const keys = Object.values(stacks).flatMap((stack) =>
      Object.keys(assembly.getStackByName(stack.stackName).template.Outputs ?? {}),
    );
    for (const key of Object.keys(ATHENA_OUTPUTS)) assert.ok(keys.includes(key), `output ${key} missing`);
  });

  it('maps one environment to MDW_* variables and a profile target', () => {
    const settings = athenaSettings(deployed, 'dev');
    assert.deepEqual(settings, {
      MDW_ATHENA_REGION: 'eu-west-1',
      MDW_ATHENA_WORK_GROUP: 'mdw-dev',
      MDW_ATHENA_S3_STAGING_DIR: 's3://mdw-dev-query-results-1-eu-west-1/athena/',
      MDW_ATHENA_S3_DATA_DIR: 's3://mdw-dev-lakehouse-1-eu-west-1/',
      MDW_RAW_S3_URI: 's3://mdw-dev-landing-1-eu-west-1/grocery',
    });
    assert.match(renderEnvFile(settings, 'dev'), /\nMDW_ATHENA_WORK_GROUP=mdw-dev\n/);
    assert.match(
      renderProfile(settings, 'dev'),
      /\n {2}s3_staging_dir: "s3:\/\/mdw-dev-query-results-1-eu-west-1\/athena\/"\n/,
    );
  });

  it('names the missing output, or the missing environment, in one sentence', () => {
    assert.throws(
      () => athenaSettings(deployed, 'prod'),
      /^Error: Output MdwAthenaS3StagingDir \(MDW_ATHENA_S3_STAGING_DIR\) is missing from the Mdw-prod-\* stacks/,
    );
    assert.throws(
      () => athenaSettings(deployed, 'test'),
      /No Mdw-test-\* stack in the outputs file \(stacks found: Mdw-dev-Storage, Mdw-dev-Query, Mdw-prod-Query\)/,
    );
  });

  it('the script writes the env file, and exits 2 with one line on a bad file', () => {
    const dir = tempDir('mdw-outputs-');
    const file = join(dir, 'outputs.json');
    writeFileSync(file, JSON.stringify(deployed));
    const script = join(infraDir, 'dist', 'scripts', 'outputs-to-env.js');
    const ok = spawnSync(process.execPath, [script, file, '--env', 'dev'], { encoding: 'utf8' });
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^# mdw athena target settings of environment dev/);
    assert.match(ok.stdout, /\nMDW_RAW_S3_URI=s3:\/\/mdw-dev-landing-1-eu-west-1\/grocery\n/);
    writeFileSync(file, '{ not json');
    const bad = spawnSync(process.execPath, [script, file], { encoding: 'utf8' });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^Cannot read .*outputs\.json as JSON: /);
    assert.equal(bad.stderr.trim().split('\n').length, 1);
  });
});
