/**
 * ListTableMetadata / GetTableMetadata: Athena's view of the Glue catalog (names, columns,
 * partition keys, parameters), read from Glue as Athena does.
 */
import type { Table } from '@aws-sdk/client-glue';
import type { AwsBackends } from './aws.js';
import { AthenaApiError, stringField } from './protocol.js';
import { HIVE_CATALOG } from './translate.js';

type Body = Record<string, unknown>;

const metadataError = (message: string) => new AthenaApiError('MetadataException', message);

function checkCatalog(body: Body): void {
  const catalog = stringField(body, 'CatalogName', true);
  if (catalog.toLowerCase() !== HIVE_CATALOG) throw metadataError(`Catalog ${catalog} not found.`);
}

export function tableMetadata(table: Table): Record<string, unknown> {
  const column = (c: { Name?: string; Type?: string; Comment?: string }) => ({
    Name: c.Name,
    Type: c.Type,
    ...(c.Comment ? { Comment: c.Comment } : {}),
  });
  return {
    Name: table.Name,
    ...(table.CreateTime ? { CreateTime: table.CreateTime.getTime() / 1000 } : {}),
    TableType: table.TableType,
    Columns: (table.StorageDescriptor?.Columns ?? []).map(column),
    PartitionKeys: (table.PartitionKeys ?? []).map(column),
    Parameters: table.Parameters ?? {},
  };
}

export async function listTableMetadata(aws: AwsBackends, body: Body): Promise<unknown> {
  checkCatalog(body);
  const database = stringField(body, 'DatabaseName', true).toLowerCase();
  const tables = await aws.listTables(database);
  if (!tables) throw metadataError(`Database ${database} not found.`);
  const expression = stringField(body, 'Expression');
  // Athena's Expression is a pattern where * matches any run of characters
  const pattern = expression
    ? new RegExp(`^${expression.split('*').map(escapeRegExp).join('.*')}$`, 'i')
    : undefined;
  const selected = tables.filter((t) => !pattern || pattern.test(t.Name ?? '')).map(tableMetadata);
  const max = Number(body.MaxResults ?? 50);
  const offset = Number(stringField(body, 'NextToken') ?? '0');
  return {
    TableMetadataList: selected.slice(offset, offset + max),
    ...(offset + max < selected.length ? { NextToken: String(offset + max) } : {}),
  };
}

export async function getTableMetadata(aws: AwsBackends, body: Body): Promise<unknown> {
  checkCatalog(body);
  const database = stringField(body, 'DatabaseName', true).toLowerCase();
  const name = stringField(body, 'TableName', true).toLowerCase();
  const table = await aws.getTable(database, name);
  if (!table) throw metadataError(`Table ${name} not found in database ${database}.`);
  return { TableMetadata: tableMetadata(table) };
}

const escapeRegExp = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
