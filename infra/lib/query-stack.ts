/**
 * Query: the Athena workgroup mdw runs in. Engine v3, results forced to the encrypted results
 * bucket (clients cannot override location or encryption), and a per-query scan cutoff.
 */
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import type { EnvConfig } from './config.js';

export const ATHENA_ENGINE_V3 = 'Athena engine version 3';

export interface QueryStackProps extends StackProps {
  config: EnvConfig;
  /** s3://<results>/athena/ */
  stagingDir: string;
  key: kms.IKey;
}

export class QueryStack extends Stack {
  readonly workGroupName: string;

  constructor(scope: Construct, id: string, props: QueryStackProps) {
    super(scope, id, props);
    this.workGroupName = `mdw-${props.config.name}`;
    new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: `mdw ${props.config.name}: dbt builds and ad-hoc queries`,
      state: 'ENABLED',
      // dev teardown also drops saved queries and history; prod keeps them
      recursiveDeleteOption: props.config.name === 'dev',
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.config.bytesScannedCutoffPerQuery,
        engineVersion: { selectedEngineVersion: ATHENA_ENGINE_V3 },
        resultConfiguration: {
          outputLocation: props.stagingDir,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.key.keyArn },
        },
      },
    });
  }
}
