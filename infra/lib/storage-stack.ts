/**
 * Storage: the landing bucket (raw CSV drops), the lakehouse bucket (Iceberg tables of every
 * layer) and the Athena query-results bucket, all KMS-encrypted with one rotating key,
 * TLS-only, never public, with server access logs into a separate log bucket.
 */
import { Aws, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { EnvConfig } from './config.js';

/** Landing prefix of the grocery CSVs (var raw_s3_uri = s3://<landing>/grocery). */
export const RAW_PREFIX = 'grocery';
/** Athena writes query results below this prefix of the results bucket. */
export const RESULTS_PREFIX = 'athena';

export type BucketPurpose = 'landing' | 'lakehouse' | 'query-results';

/**
 * Deterministic bucket names (unique per account, region and environment), so the access
 * stack scopes its policy by name instead of importing each bucket from this stack.
 */
export function bucketName(env: string, purpose: BucketPurpose): string {
  return `mdw-${env}-${purpose}-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
}

export interface StorageStackProps extends StackProps {
  config: EnvConfig;
}

export class StorageStack extends Stack {
  readonly key: kms.Key;
  readonly landingBucket: s3.Bucket;
  readonly lakehouseBucket: s3.Bucket;
  readonly resultsBucket: s3.Bucket;
  readonly accessLogsBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: StorageStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.key = new kms.Key(this, 'DataKey', {
      description: `mdw ${config.name}: data at rest (buckets, query results, alarm topic)`,
      enableKeyRotation: true,
      removalPolicy: config.removalPolicy,
    });

    // S3 log delivery cannot write to KMS-encrypted buckets: S3-managed keys here.
    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogs', {
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [{ id: 'expire-access-logs', expiration: config.accessLogExpiry }],
      removalPolicy: config.removalPolicy,
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the access-log target bucket; logging it into itself would loop.',
    });

    const secureBucket = (id: string, purpose: BucketPurpose, extra: Partial<s3.BucketProps>): s3.Bucket =>
      new s3.Bucket(this, id, {
        bucketName: bucketName(config.name, purpose),
        encryption: s3.BucketEncryption.KMS,
        encryptionKey: this.key,
        bucketKeyEnabled: true,
        enforceSSL: true,
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
        serverAccessLogsBucket: this.accessLogsBucket,
        serverAccessLogsPrefix: `${id.toLowerCase()}/`,
        removalPolicy: config.removalPolicy,
        ...extra,
      });

    const abortUploads: s3.LifecycleRule = {
      id: 'abort-incomplete-uploads',
      abortIncompleteMultipartUploadAfter: Duration.days(7),
    };
    this.landingBucket = secureBucket('Landing', 'landing', {
      versioned: true,
      lifecycleRules: [
        abortUploads,
        { id: 'expire-noncurrent', noncurrentVersionExpiration: config.noncurrentVersionExpiry },
      ],
    });
    this.lakehouseBucket = secureBucket('Lakehouse', 'lakehouse', {
      versioned: true,
      lifecycleRules: [
        abortUploads,
        { id: 'expire-noncurrent', noncurrentVersionExpiration: config.noncurrentVersionExpiry },
      ],
    });
    this.resultsBucket = secureBucket('QueryResults', 'query-results', {
      lifecycleRules: [abortUploads, { id: 'expire-results', expiration: config.queryResultsExpiry }],
    });
  }

  get rawS3Uri(): string {
    return `s3://${this.landingBucket.bucketName}/${RAW_PREFIX}`;
  }

  get stagingDir(): string {
    return `s3://${this.resultsBucket.bucketName}/${RESULTS_PREFIX}/`;
  }

  get dataDir(): string {
    return `s3://${this.lakehouseBucket.bucketName}/`;
  }
}
