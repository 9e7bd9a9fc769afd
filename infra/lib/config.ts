/**
 * Per-environment settings. `cdk synth -c env=prod` picks one; everything that differs
 * between a cheap dev account and production lives here so the stacks stay environment-free.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';

export type EnvName = 'dev' | 'prod';

export interface EnvConfig {
  name: EnvName;
  /** S3 buckets and the KMS key: dev can be torn down, prod data survives a stack delete */
  removalPolicy: RemovalPolicy;
  /** Athena result files are disposable; keep them only as long as anyone rereads them */
  queryResultsExpiry: Duration;
  /** replaced Iceberg data files and overwritten landing files stay recoverable this long */
  noncurrentVersionExpiry: Duration;
  /** S3 server access logs */
  accessLogExpiry: Duration;
  /** CloudWatch log groups (task output, state machine history, VPC flow logs) */
  logRetention: RetentionDays;
  /** Athena cancels any single query that scans more (cost guard) */
  bytesScannedCutoffPerQuery: number;
  /** daily run start, UTC */
  dailyRunHourUtc: number;
  /** a run longer than this raises the "long run" alarm */
  longRunThreshold: Duration;
  /** a run is stopped (and counted as failed) after this */
  runTimeout: Duration;
  /** Fargate task size */
  taskCpu: number;
  taskMemoryMiB: number;
  /** backfill days in flight at once: each day is a whole `mdw build`, whose incremental
   * merges must not race on the same Iceberg tables, so 1 unless the models allow more */
  backfillConcurrency: number;
  /** the daily schedule starts enabled */
  scheduleEnabled: boolean;
}

const GiB = 1024 ** 3;

export const ENVIRONMENTS: Record<EnvName, EnvConfig> = {
  dev: {
    name: 'dev',
    removalPolicy: RemovalPolicy.DESTROY,
    queryResultsExpiry: Duration.days(7),
    noncurrentVersionExpiry: Duration.days(7),
    accessLogExpiry: Duration.days(30),
    logRetention: RetentionDays.TWO_WEEKS,
    bytesScannedCutoffPerQuery: 10 * GiB,
    dailyRunHourUtc: 5,
    longRunThreshold: Duration.minutes(45),
    runTimeout: Duration.hours(2),
    taskCpu: 1024,
    taskMemoryMiB: 4096,
    backfillConcurrency: 1,
    scheduleEnabled: false,
  },
  prod: {
    name: 'prod',
    removalPolicy: RemovalPolicy.RETAIN,
    queryResultsExpiry: Duration.days(30),
    noncurrentVersionExpiry: Duration.days(90),
    accessLogExpiry: Duration.days(365),
    logRetention: RetentionDays.THREE_MONTHS,
    bytesScannedCutoffPerQuery: 100 * GiB,
    dailyRunHourUtc: 5,
    longRunThreshold: Duration.minutes(90),
    runTimeout: Duration.hours(4),
    taskCpu: 2048,
    taskMemoryMiB: 8192,
    backfillConcurrency: 1,
    scheduleEnabled: true,
  },
};

/** The `env` context value → its settings; one clear sentence for anything else. */
export function envConfig(name: unknown): EnvConfig {
  if (name === 'dev' || name === 'prod') return ENVIRONMENTS[name];
  throw new Error(`Unknown environment '${String(name)}': pass -c env=dev or -c env=prod.`);
}
