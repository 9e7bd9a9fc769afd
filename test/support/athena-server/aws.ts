/**
 * The S3 and Glue calls the Athena server makes itself (to moto, Glue through the proxy):
 * writing result files, creating external tables as Athena does, and looking up a table's kind.
 */
import {
  AlreadyExistsException,
  CreateDatabaseCommand,
  CreateTableCommand,
  EntityNotFoundException,
  GetTableCommand,
  GetTablesCommand,
  GlueClient,
  type Table,
  type TableInput,
} from '@aws-sdk/client-glue';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';

export interface AwsEndpoints {
  s3: string;
  glue: string;
  region: string;
}

export type TableKind = 'ICEBERG' | 'HIVE' | 'VIEW';

export class AwsBackends {
  private readonly s3: S3Client;
  private readonly glue: GlueClient;

  constructor(endpoints: AwsEndpoints) {
    const credentials = {
      accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'mdwtest',
      secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'mdwtestsecret',
    };
    this.s3 = new S3Client({
      endpoint: endpoints.s3,
      region: endpoints.region,
      forcePathStyle: true,
      credentials,
    });
    this.glue = new GlueClient({ endpoint: endpoints.glue, region: endpoints.region, credentials });
  }

  async putObject(uri: string, body: string, contentType: string): Promise<void> {
    const { bucket, key } = parseS3Uri(uri);
    await this.s3.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }

  /** Athena's catalog always has a `default` database. */
  async ensureDatabase(name: string): Promise<void> {
    try {
      await this.glue.send(new CreateDatabaseCommand({ DatabaseInput: { Name: name } }));
    } catch (error) {
      if (!(error instanceof AlreadyExistsException)) throw error;
    }
  }

  async tableKind(database: string, table: string): Promise<TableKind | undefined> {
    const found = await this.getTable(database, table);
    if (!found) return undefined;
    if (found.TableType === 'VIRTUAL_VIEW') return 'VIEW';
    return found.Parameters?.table_type?.toUpperCase() === 'ICEBERG' ? 'ICEBERG' : 'HIVE';
  }

  async partitionKeys(database: string, table: string): Promise<string[]> {
    const found = await this.getTable(database, table);
    return (found?.PartitionKeys ?? []).map((k) => k.Name!);
  }

  /** Glue CreateTable; the failure texts are those of Athena's Hive DDL. */
  async createTable(database: string, input: Record<string, unknown>, ifNotExists: boolean): Promise<void> {
    try {
      await this.glue.send(
        new CreateTableCommand({ DatabaseName: database, TableInput: input as unknown as TableInput }),
      );
    } catch (error) {
      if (error instanceof AlreadyExistsException) {
        if (ifNotExists) return;
        throw new Error(`AlreadyExistsException: Table ${database}.${String(input.Name)} already exists.`);
      }
      if (error instanceof EntityNotFoundException)
        throw new Error(`SemanticException [Error 10072]: Database does not exist: ${database}`);
      throw error;
    }
  }

  /** Every table of a database (Glue pages followed); undefined when the database is missing. */
  async listTables(database: string): Promise<Table[] | undefined> {
    const tables: Table[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.glue.send(new GetTablesCommand({ DatabaseName: database, NextToken: token }));
        tables.push(...(page.TableList ?? []));
        token = page.NextToken;
      } while (token);
    } catch (error) {
      if (error instanceof EntityNotFoundException) return undefined;
      throw error;
    }
    return tables;
  }

  async getTable(database: string, table: string) {
    try {
      return (await this.glue.send(new GetTableCommand({ DatabaseName: database, Name: table }))).Table;
    } catch (error) {
      if (error instanceof EntityNotFoundException) return undefined;
      throw error;
    }
  }
}

export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const match = /^s3a?:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!match) throw new Error(`not an S3 location: ${uri}`);
  return { bucket: match[1], key: match[2] };
}
