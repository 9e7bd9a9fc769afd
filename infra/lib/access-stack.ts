/**
 * Access: the runner role the mdw container assumes. It may read the landing data, read and
 * write the lakehouse and query results, use the data key, run queries in this workgroup
 * only, and change tables in the layer databases only — nothing else in the account.
 */
import { Aspects, Stack, type StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { JustifiedWildcards, type WildcardJustification } from './nag.js';
import { type BucketPurpose, bucketName } from './storage-stack.js';

export interface AccessStackProps extends StackProps {
  /** environment name: the buckets are found by their deterministic names */
  envName: string;
  key: kms.IKey;
  workGroupName: string;
  databaseNames: readonly string[];
}

/** Glue calls dbt-athena / mdw make to read and (re)create tables, views and partitions. */
export const GLUE_ACTIONS = [
  'glue:GetDatabase',
  'glue:GetDatabases',
  'glue:GetTable',
  'glue:GetTables',
  'glue:CreateTable',
  'glue:UpdateTable',
  'glue:DeleteTable',
  'glue:GetPartition',
  'glue:GetPartitions',
  'glue:BatchGetPartition',
  'glue:CreatePartition',
  'glue:BatchCreatePartition',
  'glue:UpdatePartition',
  'glue:DeletePartition',
  'glue:BatchDeletePartition',
] as const;

export const ATHENA_ACTIONS = [
  'athena:StartQueryExecution',
  'athena:GetQueryExecution',
  'athena:GetQueryResults',
  'athena:StopQueryExecution',
  'athena:GetWorkGroup',
] as const;

/** Athena writes results and table data with the caller's rights, multipart for large files. */
const S3_OBJECT_ACTIONS = [
  's3:GetObject',
  's3:PutObject',
  's3:DeleteObject',
  's3:AbortMultipartUpload',
  's3:ListMultipartUploadParts',
];

/** The runner's wildcards, all ending below one bucket or one database. */
export const RUNNER_WILDCARDS: readonly WildcardJustification[] = [
  {
    actions: GLUE_ACTIONS,
    reason:
      'dbt creates and replaces tables (temporary ones too) at run time; each wildcard stops at one layer database.',
  },
  {
    actions: S3_OBJECT_ACTIONS,
    reason:
      'Object keys (table data, query results, landing files) are chosen at run time; each wildcard stops at one bucket.',
  },
];

export class AccessStack extends Stack {
  readonly runnerRole: iam.Role;

  constructor(scope: Construct, id: string, props: AccessStackProps) {
    super(scope, id, props);
    const bucketArn = (purpose: BucketPurpose) =>
      `arn:${this.partition}:s3:::${bucketName(props.envName, purpose)}`;
    const landing = bucketArn('landing');
    const lakehouse = bucketArn('lakehouse');
    const results = bucketArn('query-results');
    this.runnerRole = new iam.Role(this, 'RunnerRole', {
      description: 'mdw runner: builds the warehouse through Athena (ECS task role)',
      assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    });
    const policy = new iam.Policy(this, 'RunnerPolicy', {
      statements: [
        new iam.PolicyStatement({
          sid: 'AthenaInWorkGroup',
          actions: [...ATHENA_ACTIONS],
          resources: [
            this.formatArn({ service: 'athena', resource: 'workgroup', resourceName: props.workGroupName }),
          ],
        }),
        new iam.PolicyStatement({
          sid: 'AthenaDefaultCatalog',
          actions: ['athena:GetDataCatalog'],
          resources: [
            this.formatArn({ service: 'athena', resource: 'datacatalog', resourceName: 'AwsDataCatalog' }),
          ],
        }),
        new iam.PolicyStatement({
          sid: 'GlueLayerDatabases',
          actions: [...GLUE_ACTIONS],
          resources: [
            this.formatArn({ service: 'glue', resource: 'catalog' }),
            ...props.databaseNames.map((db) =>
              this.formatArn({ service: 'glue', resource: 'database', resourceName: db }),
            ),
            ...props.databaseNames.map((db) =>
              this.formatArn({ service: 'glue', resource: 'table', resourceName: `${db}/*` }),
            ),
          ],
        }),
        new iam.PolicyStatement({
          sid: 'ListBuckets',
          actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
          resources: [landing, lakehouse, results],
        }),
        new iam.PolicyStatement({
          sid: 'ReadLanding',
          actions: ['s3:GetObject'],
          resources: [`${landing}/*`],
        }),
        new iam.PolicyStatement({
          sid: 'WriteLakehouseAndResults',
          actions: S3_OBJECT_ACTIONS,
          resources: [`${lakehouse}/*`, `${results}/*`],
        }),
        new iam.PolicyStatement({
          sid: 'DataKey',
          actions: ['kms:Decrypt', 'kms:Encrypt', 'kms:GenerateDataKey'],
          resources: [props.key.keyArn],
        }),
      ],
    });
    policy.attachToRole(this.runnerRole);
    Aspects.of(this).add(new JustifiedWildcards(RUNNER_WILDCARDS));
  }
}
