/** Security and operations properties of the storage, catalog, query and access stacks. */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Match } from 'aws-cdk-lib/assertions';
import { readRawTables } from '../lib/catalog-stack.js';
import { ENVIRONMENTS } from '../lib/config.js';
import { ATHENA_ENGINE_V3 } from '../lib/query-stack.js';
import { infraDir, synthesized } from './support.js';

type Json = Record<string, any>;
const resourcesOf = (template: { findResources(type: string): Json }, type: string): Json[] =>
  Object.values(template.findResources(type)).map((r) => r.Properties ?? {});
/** Joins an Fn::Join / plain value into text with `<ref>` for references: readable assertions. */
const text = (value: unknown): string => {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(text).join(',');
  const json = value as Json;
  if (json?.['Fn::Join']) return (json['Fn::Join'][1] as unknown[]).map(text).join(json['Fn::Join'][0]);
  if (json?.Ref) return `<${json.Ref}>`;
  if (json?.['Fn::GetAtt']) return `<${json['Fn::GetAtt'].join('.')}>`;
  if (json?.['Fn::ImportValue']) return `<import ${text(json['Fn::ImportValue'])}>`;
  return JSON.stringify(value);
};

for (const env of ['dev', 'prod'] as const) {
  const config = ENVIRONMENTS[env];
  describe(`${env}: storage`, () => {
    const storage = () => synthesized(env).template('storage');
    const dataBuckets = () =>
      resourcesOf(storage(), 'AWS::S3::Bucket').filter((b) => text(b.BucketName ?? '').startsWith('mdw-'));

    it('has landing, lakehouse and query-results buckets, KMS-encrypted with a rotating key', () => {
      const names = dataBuckets().map((b) => text(b.BucketName));
      assert.deepEqual(names.sort(), [
        `mdw-${env}-lakehouse-<AWS::AccountId>-<AWS::Region>`,
        `mdw-${env}-landing-<AWS::AccountId>-<AWS::Region>`,
        `mdw-${env}-query-results-<AWS::AccountId>-<AWS::Region>`,
      ]);
      for (const bucket of dataBuckets()) {
        const rule = bucket.BucketEncryption.ServerSideEncryptionConfiguration[0];
        assert.equal(rule.ServerSideEncryptionByDefault.SSEAlgorithm, 'aws:kms');
        assert.match(text(rule.ServerSideEncryptionByDefault.KMSMasterKeyID), /^<DataKey\w+\.Arn>$/);
      }
      storage().hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    });

    it('blocks public access on every bucket, and every bucket policy denies non-TLS requests', () => {
      const buckets = resourcesOf(storage(), 'AWS::S3::Bucket');
      assert.equal(buckets.length, 4);
      for (const bucket of buckets) {
        assert.deepEqual(bucket.PublicAccessBlockConfiguration, {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
      }
      const policies = resourcesOf(storage(), 'AWS::S3::BucketPolicy');
      assert.equal(policies.length, 4);
      for (const policy of policies) {
        assert.ok(
          policy.PolicyDocument.Statement.some(
            (s: Json) =>
              s.Effect === 'Deny' &&
              s.Action === 's3:*' &&
              s.Condition?.Bool?.['aws:SecureTransport'] === 'false',
          ),
          `bucket policy of ${text(policy.Bucket)} allows plain HTTP`,
        );
      }
    });

    it('versions the lakehouse (and landing) and expires old noncurrent versions', () => {
      for (const purpose of ['lakehouse', 'landing']) {
        const bucket = dataBuckets().find((b) => text(b.BucketName).startsWith(`mdw-${env}-${purpose}-`))!;
        assert.equal(bucket.VersioningConfiguration?.Status, 'Enabled', purpose);
        assert.ok(
          bucket.LifecycleConfiguration.Rules.some(
            (r: Json) =>
              r.NoncurrentVersionExpiration?.NoncurrentDays === config.noncurrentVersionExpiry.toDays(),
          ),
          `${purpose} keeps noncurrent versions forever`,
        );
      }
    });

    it('expires query results and logs every data bucket into the access-log bucket', () => {
      const results = dataBuckets().find((b) => text(b.BucketName).startsWith(`mdw-${env}-query-results-`))!;
      assert.ok(
        results.LifecycleConfiguration.Rules.some(
          (r: Json) => r.ExpirationInDays === config.queryResultsExpiry.toDays() && r.Status === 'Enabled',
        ),
      );
      for (const bucket of dataBuckets()) {
        assert.match(text(bucket.LoggingConfiguration?.DestinationBucketName), /^<AccessLogs\w+>$/);
      }
    });

    it(`${env === 'prod' ? 'retains' : 'deletes'} data on stack deletion`, () => {
      const policies = Object.values(storage().findResources('AWS::S3::Bucket')).map((b) => b.DeletionPolicy);
      assert.deepEqual(new Set(policies), new Set([env === 'prod' ? 'Retain' : 'Delete']));
    });
  });

  describe(`${env}: catalog`, () => {
    const catalog = () => synthesized(env).template('catalog');
    it('has a Glue database for every layer schema', () => {
      const names = resourcesOf(catalog(), 'AWS::Glue::Database').map((d) => d.DatabaseInput.Name);
      assert.deepEqual(names.sort(), ['mdw_cur', 'mdw_dqm', 'mdw_raw', 'mdw_snp', 'mdw_std', 'mdw_stg']);
    });

    it('creates every generated raw table as an external CSV table in the landing bucket', () => {
      const generated = readRawTables(join(infraDir, 'generated', 'raw-tables.json')).tables;
      const tables = resourcesOf(catalog(), 'AWS::Glue::Table');
      assert.deepEqual(tables.map((t) => t.TableInput.Name).sort(), generated.map((t) => t.name).sort());
      for (const table of tables) {
        const input = table.TableInput;
        const definition = generated.find((t) => t.name === input.Name)!;
        assert.equal(table.DatabaseName, 'mdw_raw');
        assert.equal(input.TableType, 'EXTERNAL_TABLE');
        assert.equal(input.Parameters['skip.header.line.count'], '1');
        assert.equal(
          input.StorageDescriptor.SerdeInfo.SerializationLibrary,
          'org.apache.hadoop.hive.serde2.OpenCSVSerde',
        );
        assert.deepEqual(
          input.StorageDescriptor.Columns.map((c: Json) => [c.Name, c.Type]),
          definition.columns.map((c) => [c.name, 'string']),
        );
        assert.match(
          text(input.StorageDescriptor.Location),
          new RegExp(`^s3://<import .*Landing.*>/grocery/${input.Name}/$`),
        );
      }
    });

    it('projects the daily sales partitions (date yyyyMMdd) so no partition repair is needed', () => {
      const sales = resourcesOf(catalog(), 'AWS::Glue::Table').find(
        (t) => t.TableInput.Name === 'sales',
      )!.TableInput;
      assert.deepEqual(
        sales.PartitionKeys.map((k: Json) => [k.Name, k.Type]),
        [['partition', 'string']],
      );
      assert.equal(sales.Parameters['projection.enabled'], 'true');
      assert.equal(sales.Parameters['projection.partition.type'], 'date');
      assert.equal(sales.Parameters['projection.partition.format'], 'yyyyMMdd');
      assert.match(
        text(sales.Parameters['storage.location.template']),
        /^s3:\/\/<import .*Landing.*>\/grocery\/sales\/partition=\$\{partition\}\/$/,
      );
    });
  });

  describe(`${env}: query`, () => {
    it('runs an engine v3 workgroup with enforced, KMS-encrypted results and a scan cutoff', () => {
      const query = synthesized(env).template('query');
      const [workGroup] = resourcesOf(query, 'AWS::Athena::WorkGroup');
      const configuration = workGroup!.WorkGroupConfiguration;
      assert.equal(workGroup!.Name, `mdw-${env}`);
      assert.equal(configuration.EnforceWorkGroupConfiguration, true);
      assert.equal(configuration.EngineVersion.SelectedEngineVersion, ATHENA_ENGINE_V3);
      assert.equal(configuration.BytesScannedCutoffPerQuery, config.bytesScannedCutoffPerQuery);
      assert.equal(configuration.ResultConfiguration.EncryptionConfiguration.EncryptionOption, 'SSE_KMS');
      assert.match(text(configuration.ResultConfiguration.EncryptionConfiguration.KmsKey), /DataKey/);
      assert.match(
        text(configuration.ResultConfiguration.OutputLocation),
        /^s3:\/\/<import .*QueryResults.*>\/athena\/$/,
      );
    });
  });

  describe(`${env}: access`, () => {
    const access = () => synthesized(env).template('access');
    const statements = (): Json[] =>
      resourcesOf(access(), 'AWS::IAM::Policy').flatMap((p) => p.PolicyDocument.Statement);
    const bySid = (sid: string) => statements().find((s) => s.Sid === sid)!;
    const resources = (statement: Json) => [statement.Resource].flat().map(text);

    it('lets only ECS tasks assume the runner role, with no managed policies', () => {
      access().hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: {
          Statement: [Match.objectLike({ Principal: { Service: 'ecs-tasks.amazonaws.com' } })],
        },
        ManagedPolicyArns: Match.absent(),
      });
    });

    it('grants no wildcard actions and no unscoped resources', () => {
      for (const statement of statements()) {
        assert.equal(statement.Effect, 'Allow');
        for (const action of [statement.Action].flat()) assert.ok(!action.includes('*'), action);
        for (const resource of resources(statement)) assert.notEqual(resource, '*', statement.Sid);
      }
    });

    it('scopes Athena to the workgroup and Glue to the layer databases and their tables', () => {
      assert.deepEqual(resources(bySid('AthenaInWorkGroup')), [
        `arn:<AWS::Partition>:athena:<AWS::Region>:<AWS::AccountId>:workgroup/mdw-${env}`,
      ]);
      assert.deepEqual(resources(bySid('AthenaDefaultCatalog')), [
        'arn:<AWS::Partition>:athena:<AWS::Region>:<AWS::AccountId>:datacatalog/AwsDataCatalog',
      ]);
      const glue = resources(bySid('GlueLayerDatabases'));
      const layers = ['mdw_raw', 'mdw_stg', 'mdw_snp', 'mdw_std', 'mdw_cur', 'mdw_dqm'];
      const prefix = 'arn:<AWS::Partition>:glue:<AWS::Region>:<AWS::AccountId>:';
      assert.deepEqual(
        glue.sort(),
        [
          `${prefix}catalog`,
          ...layers.map((db) => `${prefix}database/${db}`),
          ...layers.map((db) => `${prefix}table/${db}/*`),
        ].sort(),
      );
    });

    it('reads the landing bucket only, writes the lakehouse and results, and uses the data key', () => {
      const bucket = (purpose: string) =>
        `arn:<AWS::Partition>:s3:::mdw-${env}-${purpose}-<AWS::AccountId>-<AWS::Region>`;
      const landing = bySid('ReadLanding');
      assert.deepEqual([landing.Action].flat(), ['s3:GetObject']);
      assert.deepEqual(resources(landing), [`${bucket('landing')}/*`]);
      assert.deepEqual(resources(bySid('WriteLakehouseAndResults')), [
        `${bucket('lakehouse')}/*`,
        `${bucket('query-results')}/*`,
      ]);
      assert.deepEqual(resources(bySid('ListBuckets')), [
        bucket('landing'),
        bucket('lakehouse'),
        bucket('query-results'),
      ]);
      assert.match(resources(bySid('DataKey')).join(), /^<import .*DataKey.*>$/);
    });
  });
}
