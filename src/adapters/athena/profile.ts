/**
 * A dbt-athena profile output → the settings the adapter runs with. The keys are dbt-athena's,
 * so an existing profiles.yml works unchanged; mdw adds `query_timeout` and `bytes_scanned_price`.
 * The shapes are checked by the descriptor (with file and line); the values here.
 */
import type { TargetConfig } from '../../manifest/types.js';
import { ConfigError } from '../../util/errors.js';

/** dbt-athena's s3_data_naming schemes: where a table's data goes under s3_data_dir. */
export const DATA_NAMING_SCHEMES = [
  'unique',
  'table',
  'table_unique',
  'schema_table',
  'schema_table_unique',
] as const;
export type DataNaming = (typeof DATA_NAMING_SCHEMES)[number];

export interface AthenaProfile {
  region: string;
  workGroup: string | undefined;
  /** where Athena writes query results (s3://bucket/prefix/) */
  stagingDir: string;
  /** where tables' data goes; dbt-athena falls back to the staging dir */
  dataDir: string;
  dataNaming: DataNaming;
  /** the data catalog (dbt-athena's `database`, default awsdatacatalog) */
  catalog: string;
  schema: string;
  /** a named profile of the shared AWS config; else the SDK's default credential chain */
  awsProfile: string | undefined;
  /** attempts after the first for throttled calls and throttled read queries */
  numRetries: number;
  /** the longest wait between two polls of a running query */
  pollIntervalMs: number;
  /** a query still running after this long is stopped (0: no limit) */
  queryTimeoutMs: number;
  /** USD per TB scanned, for the run summary's estimate */
  pricePerTb: number;
  threads: number;
  /** moto / local stacks: path-style S3 addresses */
  forcePathStyle: boolean;
}

export const DEFAULT_PRICE_PER_TB = 5;

export function resolveAthenaProfile(
  target: TargetConfig,
  env: NodeJS.ProcessEnv = process.env,
): AthenaProfile {
  const where = `Profile ${target.profile_name}, target ${target.name}`;
  const text = (key: string): string | undefined => {
    const value = target[key];
    return value === undefined || value === null || String(value).trim() === ''
      ? undefined
      : String(value).trim();
  };
  const number = (key: string, fallback: number): number => {
    const value = target[key];
    if (value === undefined || value === null || value === '') return fallback;
    const parsed = Number(value);
    if (!Number.isFinite(parsed) || parsed < 0)
      throw new ConfigError(`${where}: '${key}' must be a non-negative number (got '${String(value)}').`);
    return parsed;
  };
  // every missing setting at once, one sentence each (mdw debug shows them all)
  const region = text('region_name');
  const stagingDir = text('s3_staging_dir');
  const missing = [
    region ? null : `${where} needs 'region_name' (the AWS region of the Athena workgroup).`,
    stagingDir ? null : `${where} needs 's3_staging_dir' (the s3:// folder Athena writes query results to).`,
  ].filter((sentence) => sentence !== null);
  if (!region || !stagingDir || missing.length > 0) throw new ConfigError(missing.join(' '));
  checkS3Uri(stagingDir, 's3_staging_dir', where);
  const dataDir = text('s3_data_dir') ?? stagingDir;
  checkS3Uri(dataDir, 's3_data_dir', where);
  const naming = text('s3_data_naming') ?? 'schema_table_unique';
  if (!(DATA_NAMING_SCHEMES as readonly string[]).includes(naming))
    throw new ConfigError(
      `${where}: s3_data_naming '${naming}' is not one of ${DATA_NAMING_SCHEMES.join(', ')}.`,
    );
  return {
    region,
    workGroup: text('work_group'),
    stagingDir: withSlash(stagingDir),
    dataDir: withSlash(dataDir),
    dataNaming: naming as DataNaming,
    catalog: text('database') ?? 'awsdatacatalog',
    schema: target.schema,
    awsProfile: text('aws_profile_name'),
    numRetries: number('num_retries', 5),
    pollIntervalMs: number('poll_interval', 1) * 1000,
    queryTimeoutMs: number('query_timeout', 0) * 1000,
    pricePerTb: number('bytes_scanned_price', DEFAULT_PRICE_PER_TB),
    threads: target.threads,
    forcePathStyle: ['1', 'true'].includes(String(env.MDW_S3_FORCE_PATH_STYLE ?? '').toLowerCase()),
  };
}

function checkS3Uri(uri: string, key: string, where: string): void {
  if (!/^s3:\/\/[^/]+/.test(uri))
    throw new ConfigError(`${where}: '${key}' must be an s3:// address (got '${uri}').`);
}

function withSlash(uri: string): string {
  return uri.endsWith('/') ? uri : `${uri}/`;
}
