/**
 * Catalog: one Glue database per layer schema and the raw external CSV tables. The tables
 * come from infra/generated/raw-tables.json, written by the main package's `npm run
 * gen:raw-ddl` from the sources' YAML — the same generator as the Athena DDL scripts.
 */
import { readFileSync } from 'node:fs';
import { Stack, type StackProps } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import type { Construct } from 'constructs';

/** Every schema mdw writes: profile schema `mdw` + each layer's custom schema. */
export const LAYER_DATABASES = ['mdw_raw', 'mdw_stg', 'mdw_snp', 'mdw_std', 'mdw_cur', 'mdw_dqm'] as const;

export interface RawColumn {
  name: string;
  type: string;
  comment: string;
}

/** The generator's engine-neutral table definition (src/adapters/athena/raw-tables.ts). */
export interface RawTableDefinition {
  database: string;
  name: string;
  comment: string;
  columns: RawColumn[];
  partitionKeys: RawColumn[];
  location: string;
  inputFormat: string;
  outputFormat: string;
  serde: { library: string; parameters: Record<string, string> };
  tableProperties: Record<string, string>;
}

export interface RawTablesFile {
  placeholder: string;
  tables: RawTableDefinition[];
}

export function readRawTables(path: string): RawTablesFile {
  return JSON.parse(readFileSync(path, 'utf8')) as RawTablesFile;
}

export interface CatalogStackProps extends StackProps {
  rawTables: RawTablesFile;
  /** s3://<landing>/grocery, replaces the generator's placeholder */
  rawS3Uri: string;
  /** s3://<lakehouse>/: default location of the non-raw databases */
  dataDir: string;
}

export class CatalogStack extends Stack {
  readonly databaseNames: readonly string[] = LAYER_DATABASES;

  constructor(scope: Construct, id: string, props: CatalogStackProps) {
    super(scope, id, props);
    const databases = new Map<string, glue.CfnDatabase>();
    for (const name of LAYER_DATABASES) {
      databases.set(
        name,
        new glue.CfnDatabase(this, `Database-${name}`, {
          catalogId: this.account,
          databaseInput: {
            name,
            description: `mdw layer schema ${name}`,
            // raw tables carry their own landing locations; the others live in the lakehouse
            locationUri: name === 'mdw_raw' ? undefined : `${props.dataDir}${name}/`,
          },
        }),
      );
    }
    const fill = (text: string) => text.replaceAll(props.rawTables.placeholder, props.rawS3Uri);
    for (const table of props.rawTables.tables) {
      const database = databases.get(table.database);
      if (!database) {
        throw new Error(`Raw table ${table.name} is in '${table.database}', which is not a layer database.`);
      }
      const column = (c: RawColumn) => ({ name: c.name, type: c.type, comment: c.comment || undefined });
      const cfnTable = new glue.CfnTable(this, `Table-${table.database}-${table.name}`, {
        catalogId: this.account,
        databaseName: table.database,
        tableInput: {
          name: table.name,
          description: table.comment || undefined,
          tableType: 'EXTERNAL_TABLE',
          parameters: {
            EXTERNAL: 'TRUE',
            classification: 'csv',
            ...Object.fromEntries(Object.entries(table.tableProperties).map(([k, v]) => [k, fill(v)])),
          },
          partitionKeys: table.partitionKeys.map(column),
          storageDescriptor: {
            columns: table.columns.map(column),
            location: fill(table.location),
            inputFormat: table.inputFormat,
            outputFormat: table.outputFormat,
            serdeInfo: { serializationLibrary: table.serde.library, parameters: table.serde.parameters },
          },
        },
      });
      cfnTable.addResourceDependency(database);
    }
  }
}
