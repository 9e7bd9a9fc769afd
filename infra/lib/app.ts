/**
 * Wires one environment's stacks together and registers cdk-nag's AwsSolutions checks, so a
 * finding that is not acknowledged (with a reason, in code) fails `cdk synth`.
 */
import { join, resolve } from 'node:path';
import { type App, CfnOutput, type Environment, Stack, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AccessStack } from './access-stack.js';
import { CatalogStack, readRawTables } from './catalog-stack.js';
import { envConfig } from './config.js';
import { ATHENA_OUTPUTS, type OutputKey } from './outputs.js';
import { QueryStack } from './query-stack.js';
import { RunStack } from './run-stack.js';
import { StorageStack } from './storage-stack.js';

export interface BuildOptions {
  /** the infra/ folder (generated/raw-tables.json; its parent is the Docker build context) */
  infraDir: string;
  /** skip cdk-nag (only for tests that look at one property in isolation) */
  nag?: boolean;
}

export interface MdwStacks {
  storage: StorageStack;
  catalog: CatalogStack;
  query: QueryStack;
  access: AccessStack;
  run: RunStack;
}

export function buildApp(app: App, options: BuildOptions): MdwStacks {
  // Log delivery is granted by bucket policy, not an ACL (the access-log bucket enforces
  // bucket-owner object ownership, which disables ACLs).
  app.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
  // Exports between these stacks protect the producer from deletion while in use.
  app.node.setContext('@aws-cdk/core:defaultCrossStackReferences', 'strong');
  const config = envConfig(app.node.tryGetContext('env') ?? 'dev');
  // Account/region from the CLI's credentials when present; env-agnostic (offline) otherwise.
  const env: Environment | undefined =
    process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION
      ? { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION }
      : undefined;
  const prefix = `Mdw-${config.name}`;
  const tags = { project: 'mdw', environment: config.name };
  const common = { env, tags };

  const storage = new StorageStack(app, `${prefix}-Storage`, { ...common, config });
  const catalog = new CatalogStack(app, `${prefix}-Catalog`, {
    ...common,
    rawTables: readRawTables(join(options.infraDir, 'generated', 'raw-tables.json')),
    rawS3Uri: storage.rawS3Uri,
    dataDir: storage.dataDir,
  });
  const query = new QueryStack(app, `${prefix}-Query`, {
    ...common,
    config,
    stagingDir: storage.stagingDir,
    key: storage.key,
  });
  const access = new AccessStack(app, `${prefix}-Access`, {
    ...common,
    envName: config.name,
    key: storage.key,
    workGroupName: query.workGroupName,
    databaseNames: catalog.databaseNames,
  });
  access.addStackDependency(storage, 'the runner policy names the buckets');
  access.addStackDependency(query, 'the runner policy names the workgroup');
  access.addStackDependency(catalog, 'the runner policy names the layer databases');
  const alarmEmail = app.node.tryGetContext('alarmEmail');
  const run = new RunStack(app, `${prefix}-Run`, {
    ...common,
    config,
    projectRoot: resolve(options.infraDir, '..'),
    runnerRole: access.runnerRole,
    alarmEmail: typeof alarmEmail === 'string' && alarmEmail !== '' ? alarmEmail : undefined,
    environment: athenaEnvironment(storage, query),
  });
  outputs(storage, query, access, run);
  if (options.nag !== false) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { storage, catalog, query, access, run };
}

/** The settings dbt/profiles.yml's athena target reads (scripts/outputs-to-env turns the
 * deploy outputs into the same variables for a laptop). */
function athenaEnvironment(storage: StorageStack, query: QueryStack): Record<string, string> {
  return {
    MDW_ATHENA_REGION: Stack.of(query).region,
    MDW_ATHENA_WORK_GROUP: query.workGroupName,
    MDW_ATHENA_S3_STAGING_DIR: storage.stagingDir,
    MDW_ATHENA_S3_DATA_DIR: storage.dataDir,
    MDW_RAW_S3_URI: storage.rawS3Uri,
  };
}

/** Stack outputs: the athena target's settings (named in outputs.ts) and the run handles. */
function outputs(storage: StorageStack, query: QueryStack, access: AccessStack, run: RunStack): void {
  const settings = athenaEnvironment(storage, query);
  const owner = (key: OutputKey) =>
    key === 'MdwAthenaRegion' || key === 'MdwAthenaWorkGroup' ? query : storage;
  for (const [key, variable] of Object.entries(ATHENA_OUTPUTS) as [OutputKey, string][]) {
    new CfnOutput(owner(key), key, {
      value: settings[variable]!,
      description: `${variable} of the athena target`,
    });
  }
  new CfnOutput(storage, 'LandingBucket', { value: storage.landingBucket.bucketName });
  new CfnOutput(access, 'RunnerRoleArn', { value: access.runnerRole.roleArn });
  new CfnOutput(run, 'DailyStateMachineArn', { value: run.dailyStateMachine.stateMachineArn });
  new CfnOutput(run, 'BackfillStateMachineArn', { value: run.backfillStateMachine.stateMachineArn });
  new CfnOutput(run, 'AlarmTopicArn', { value: run.alarmTopic.topicArn });
}
