/**
 * The deploy outputs that configure mdw's athena target, named after the environment
 * variables dbt/profiles.yml reads, and their conversion from `cdk deploy --outputs-file`.
 */

/** CloudFormation output key → environment variable of the athena target. */
export const ATHENA_OUTPUTS = {
  MdwAthenaRegion: 'MDW_ATHENA_REGION',
  MdwAthenaWorkGroup: 'MDW_ATHENA_WORK_GROUP',
  MdwAthenaS3StagingDir: 'MDW_ATHENA_S3_STAGING_DIR',
  MdwAthenaS3DataDir: 'MDW_ATHENA_S3_DATA_DIR',
  MdwRawS3Uri: 'MDW_RAW_S3_URI',
} as const;

export type OutputKey = keyof typeof ATHENA_OUTPUTS;
export type OutputsFile = Record<string, Record<string, string>>;

/** Outputs of one environment's stacks (`Mdw-<env>-*`) → MDW_* settings. */
export function athenaSettings(outputs: OutputsFile, env: string): Record<string, string> {
  const prefix = `Mdw-${env}-`;
  const stacks = Object.entries(outputs).filter(([name]) => name.startsWith(prefix));
  if (stacks.length === 0) {
    const found = Object.keys(outputs).join(', ') || 'none';
    throw new Error(
      `No ${prefix}* stack in the outputs file (stacks found: ${found}); deploy with --outputs-file first.`,
    );
  }
  const merged: Record<string, string> = Object.assign({}, ...stacks.map(([, values]) => values));
  const settings: Record<string, string> = {};
  for (const [key, variable] of Object.entries(ATHENA_OUTPUTS)) {
    const value = merged[key];
    if (typeof value !== 'string' || value === '') {
      throw new Error(
        `Output ${key} (${variable}) is missing from the ${prefix}* stacks: deploy all stacks (cdk deploy --all).`,
      );
    }
    settings[variable] = value;
  }
  return settings;
}

/** `KEY=value` lines: for `set -a; . file`, `docker run --env-file` or a CI secret store. */
export function renderEnvFile(settings: Record<string, string>, env: string): string {
  const lines = Object.entries(settings).map(([key, value]) => `${key}=${value}`);
  return `# mdw athena target settings of environment ${env} (from cdk deploy outputs)\n${lines.join('\n')}\n`;
}

/** A profiles.yml target with the values written in, for machines without the variables. */
export function renderProfile(settings: Record<string, string>, env: string): string {
  const quote = (value: string | undefined) => JSON.stringify(value ?? '');
  return [
    `# mdw athena target of environment ${env} (from cdk deploy outputs); paste under mdw.outputs`,
    `athena_${env}:`,
    '  type: athena',
    `  region_name: ${quote(settings.MDW_ATHENA_REGION)}`,
    `  work_group: ${quote(settings.MDW_ATHENA_WORK_GROUP)}`,
    `  s3_staging_dir: ${quote(settings.MDW_ATHENA_S3_STAGING_DIR)}`,
    `  s3_data_dir: ${quote(settings.MDW_ATHENA_S3_DATA_DIR)}`,
    '  s3_data_naming: schema_table_unique',
    '  database: awsdatacatalog',
    '  schema: mdw',
    '  threads: 4',
    '  num_retries: 3',
    '',
  ].join('\n');
}
