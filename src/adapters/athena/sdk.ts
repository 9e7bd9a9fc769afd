/**
 * The SDK clients for a profile. Credentials come from the SDK's default chain (environment,
 * shared config and SSO, container and instance roles), from the named profile when
 * aws_profile_name is set. Endpoints follow the SDK's own settings (AWS_ENDPOINT_URL_ATHENA,
 * _GLUE, _S3 for local stacks); MDW_S3_FORCE_PATH_STYLE asks for path-style S3 addresses.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { S3Client } from '@aws-sdk/client-s3';
import type { AwsContext } from './errors.js';
import type { AthenaProfile } from './profile.js';

export interface AwsClients {
  athena: AthenaClient;
  glue: GlueClient;
  s3: S3Client;
}

export function createClients(profile: AthenaProfile): AwsClients {
  const common = {
    region: profile.region,
    ...(profile.awsProfile ? { profile: profile.awsProfile } : {}),
  };
  return {
    // one attempt per call: the query runner retries throttling itself, with a request token
    athena: new AthenaClient({ ...common, maxAttempts: 1 }),
    glue: new GlueClient({ ...common, maxAttempts: profile.numRetries + 1 }),
    s3: new S3Client({
      ...common,
      maxAttempts: profile.numRetries + 1,
      forcePathStyle: profile.forcePathStyle,
    }),
  };
}

/** What error sentences name: the region, the workgroup and an endpoint override if any. */
export function awsContext(profile: AthenaProfile, env: NodeJS.ProcessEnv = process.env): AwsContext {
  const endpoint = env.AWS_ENDPOINT_URL_ATHENA ?? env.AWS_ENDPOINT_URL;
  return { region: profile.region, workGroup: profile.workGroup, ...(endpoint ? { endpoint } : {}) };
}
