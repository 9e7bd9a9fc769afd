/**
 * What the Athena materializations need from AWS, behind one interface: statements (Athena),
 * table lookups and the atomic table swap (Glue), data clean-up and uploads (S3). The live
 * implementation calls the SDK; the dry-run one (`--dry-run`) prints every statement and action
 * in order and calls nothing, so it needs no credentials.
 */
import { randomUUID } from 'node:crypto';
import {
  DeleteTableCommand,
  EntityNotFoundException,
  GetTableCommand,
  type GlueClient,
  type Table,
  type TableInput,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import {
  DeleteObjectsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { AthenaColumn, AthenaQueryResult, AthenaQueryRunner } from './client.js';
import { type AwsContext, explainAwsError } from './errors.js';

export type TableKind = 'view' | 'iceberg' | 'table';

export interface TableInfo {
  kind: TableKind;
  /** s3:// folder of the table's data ('' for views) */
  location: string;
}

export interface AthenaWarehouse {
  readonly dryRun: boolean;
  query(sql: string, signal?: AbortSignal): Promise<AthenaQueryResult>;
  getTable(schema: string, name: string): Promise<TableInfo | null>;
  /**
   * Points `target` at `replacement`'s data in one catalog update (checked against the
   * target's version), then removes the replacement's catalog entry: readers see the old
   * table or the new one, never none.
   */
  swapTable(schema: string, target: string, replacement: string): Promise<void>;
  /** Deletes every object under an s3:// folder; returns how many. */
  deletePrefix(uri: string): Promise<number>;
  /** What an s3:// folder holds directly: its sub-folder names and whether it holds files too. */
  listFolder(uri: string): Promise<{ folders: string[]; hasFiles: boolean }>;
  putObject(uri: string, body: string): Promise<void>;
  /**
   * The catalog's version of a relation, which changes whenever its rows may have: an Iceberg
   * table's current metadata file (each commit writes a new one), a view's text. Null for a
   * missing relation and for a Hive table (files can be added under it without a catalog change).
   */
  catalogVersion(schema: string, name: string): Promise<string | null>;
  /** Every object under an s3:// folder as `key size etag` lines, sorted (no object is read). */
  listObjects(uri: string): Promise<string[]>;
  /** a fresh id for unique data folders (fixed in a dry run, so its output is stable) */
  uniqueId(): string;
  /** a comment line in a dry run's output (which node the statements are for) */
  note(text: string): void;
}

export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`Not an s3:// address: ${uri}`);
  return { bucket: match[1]!, key: match[2]! };
}

export class LiveWarehouse implements AthenaWarehouse {
  readonly dryRun = false;

  constructor(
    private readonly runner: AthenaQueryRunner,
    private readonly glue: GlueClient,
    private readonly s3: S3Client,
    private readonly context: AwsContext,
  ) {}

  query(sql: string, signal?: AbortSignal): Promise<AthenaQueryResult> {
    return this.runner.execute(sql, signal);
  }

  async getTable(schema: string, name: string): Promise<TableInfo | null> {
    const table = await this.glueTable(schema, name);
    if (!table) return null;
    if (table.TableType === 'VIRTUAL_VIEW') return { kind: 'view', location: '' };
    const format = table.Parameters?.table_type ?? table.Parameters?.TABLE_TYPE ?? '';
    return {
      kind: format.toUpperCase() === 'ICEBERG' ? 'iceberg' : 'table',
      location: table.StorageDescriptor?.Location ?? '',
    };
  }

  async swapTable(schema: string, target: string, replacement: string): Promise<void> {
    const [current, next] = await Promise.all([
      this.glueTable(schema, target),
      this.glueTable(schema, replacement),
    ]);
    if (!current || !next)
      throw new Error(`Cannot swap ${schema}.${target}: ${current ? replacement : target} is missing.`);
    const input: TableInput = {
      Name: current.Name,
      Description: next.Description,
      TableType: next.TableType,
      StorageDescriptor: next.StorageDescriptor,
      PartitionKeys: next.PartitionKeys,
      Parameters: {
        ...next.Parameters,
        ...(current.Parameters?.metadata_location
          ? { previous_metadata_location: current.Parameters.metadata_location }
          : {}),
      },
    };
    await this.awsCall('Glue', () =>
      this.glue.send(
        new UpdateTableCommand({
          DatabaseName: schema,
          TableInput: input,
          // optimistic: fails if someone else changed the table since it was read
          VersionId: current.VersionId,
        }),
      ),
    );
    await this.awsCall('Glue', () =>
      this.glue.send(new DeleteTableCommand({ DatabaseName: schema, Name: next.Name })),
    );
  }

  async deletePrefix(uri: string): Promise<number> {
    const { bucket, key } = parseS3Uri(uri);
    const prefix = key.endsWith('/') || key === '' ? key : `${key}/`;
    if (prefix === '') throw new Error(`Refusing to delete a whole bucket (${uri}).`);
    let deleted = 0;
    let token: string | undefined;
    do {
      const page = await this.awsCall('S3', () =>
        this.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })),
      );
      const keys = (page.Contents ?? []).map((object) => ({ Key: object.Key! }));
      if (keys.length > 0) {
        await this.awsCall('S3', () =>
          this.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } })),
        );
        deleted += keys.length;
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return deleted;
  }

  async listFolder(uri: string): Promise<{ folders: string[]; hasFiles: boolean }> {
    const { bucket, key } = parseS3Uri(uri);
    const prefix = key.endsWith('/') || key === '' ? key : `${key}/`;
    const folders: string[] = [];
    let hasFiles = false;
    let token: string | undefined;
    do {
      const page = await this.awsCall('S3', () =>
        this.s3.send(
          new ListObjectsV2Command({
            Bucket: bucket,
            Prefix: prefix,
            Delimiter: '/',
            ContinuationToken: token,
          }),
        ),
      );
      for (const folder of page.CommonPrefixes ?? [])
        folders.push(folder.Prefix!.slice(prefix.length).replace(/\/$/, ''));
      if ((page.Contents ?? []).some((object) => object.Key !== prefix)) hasFiles = true;
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return { folders, hasFiles };
  }

  async putObject(uri: string, body: string): Promise<void> {
    const { bucket, key } = parseS3Uri(uri);
    await this.awsCall('S3', () =>
      this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body })),
    );
  }

  async catalogVersion(schema: string, name: string): Promise<string | null> {
    const table = await this.glueTable(schema, name);
    if (!table) return null;
    if (table.TableType === 'VIRTUAL_VIEW')
      return `view ${table.ViewOriginalText ?? ''}\n${table.ViewExpandedText ?? ''}`;
    const metadata = table.Parameters?.metadata_location;
    return metadata ? `iceberg ${metadata}` : null;
  }

  async listObjects(uri: string): Promise<string[]> {
    const { bucket, key } = parseS3Uri(uri);
    const prefix = key.endsWith('/') || key === '' ? key : `${key}/`;
    const objects: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.awsCall('S3', () =>
        this.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token })),
      );
      for (const object of page.Contents ?? [])
        objects.push(`${object.Key} ${object.Size ?? ''} ${object.ETag ?? ''}`);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return objects.sort();
  }

  uniqueId(): string {
    return randomUUID();
  }

  note(): void {}

  private async glueTable(schema: string, name: string): Promise<Table | null> {
    try {
      const found = await this.glue.send(new GetTableCommand({ DatabaseName: schema, Name: name }));
      return found.Table ?? null;
    } catch (error) {
      if (error instanceof EntityNotFoundException || (error as Error).name === 'EntityNotFoundException')
        return null;
      throw explainAwsError(error, { ...this.context, service: 'Glue' });
    }
  }

  private async awsCall<T>(service: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw explainAwsError(error, { ...this.context, service });
    }
  }
}

/** `--dry-run`: every statement and action printed in order; nothing exists, nothing is called. */
export class DryRunWarehouse implements AthenaWarehouse {
  readonly dryRun = true;

  constructor(private readonly print: (text: string) => void) {}

  async query(sql: string): Promise<AthenaQueryResult> {
    this.print(`${sql.trim()};\n`);
    const columns: AthenaColumn[] = [];
    return { queryExecutionId: 'dry-run', columns, rows: [], updateCount: null, dataScannedBytes: 0 };
  }

  async getTable(): Promise<TableInfo | null> {
    return null;
  }

  async swapTable(schema: string, target: string, replacement: string): Promise<void> {
    this.print(
      `-- glue: point ${schema}.${target} at the data of ${schema}.${replacement}, then remove ${replacement}\n`,
    );
  }

  async deletePrefix(uri: string): Promise<number> {
    this.print(`-- s3: delete everything under ${uri}\n`);
    return 0;
  }

  /** nothing exists in a dry run: no folders, so no run is narrowed to new ones */
  async listFolder(): Promise<{ folders: string[]; hasFiles: boolean }> {
    return { folders: [], hasFiles: false };
  }

  async putObject(uri: string, body: string): Promise<void> {
    this.print(`-- s3: upload ${uri} (${Buffer.byteLength(body)} bytes)\n`);
  }

  /** nothing exists in a dry run (and it records no reuse state) */
  async catalogVersion(): Promise<string | null> {
    return null;
  }

  async listObjects(): Promise<string[]> {
    return [];
  }

  uniqueId(): string {
    return '{uuid}';
  }

  note(text: string): void {
    this.print(`-- ${text}\n`);
  }
}
