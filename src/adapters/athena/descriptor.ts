/** The Athena target (dbt-athena's profile): Iceberg tables and views in Glue, raw CSV tables on S3. */
import type { EngineDescriptor } from '../engine.js';
import { quoteIdentifier } from '../sql-helpers.js';

export const athena: EngineDescriptor = {
  type: 'athena',
  profileKeys: {
    // required, but checked by the adapter so that every missing setting is named at once
    s3_staging_dir: { kinds: ['string'] },
    s3_data_dir: { kinds: ['string'] },
    s3_data_naming: { kinds: ['string'] },
    region_name: { kinds: ['string'] },
    work_group: { kinds: ['string'] },
    aws_profile_name: { kinds: ['string'] },
    num_retries: { kinds: ['number'] },
    num_boto3_retries: { kinds: ['number'] },
    poll_interval: { kinds: ['number'] },
    database: { kinds: ['string'] },
    // mdw's own: seconds before a running query is stopped, and USD per TB for the cost estimate
    query_timeout: { kinds: ['number'] },
    bytes_scanned_price: { kinds: ['number'] },
  },
  quoteIdentifier,
  defaultDatabase: (output) => String(output.database ?? 'awsdatacatalog'),
  configKeys: [
    'table_type',
    'external_location',
    'write_compression',
    's3_data_dir',
    's3_data_naming',
    'table_properties',
    'partitioned_by',
    'bucketed_by',
    'bucket_count',
    'field_delimiter',
    'format',
    'lf_tags_config',
    'lf_grants',
    'force_batch',
    'unique_tmp_table_suffix',
    'temp_schema',
    'native_drop',
    'glue_version',
  ],
  macrosDir: 'src/adapters/athena/macros',
  // Athena speaks Trino's SQL: its macros delegate to trino__ ones.
  macrosOf: ['trino'],
  dryRun: true,
  async load() {
    const { createAthenaAdapter } = await import('./adapter.js');
    return createAthenaAdapter;
  },
};
