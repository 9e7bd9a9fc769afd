/**
 * The targets the conformance suite runs on: MDW_CONFORMANCE_TARGETS=local (default), a comma
 * list of names below. A target is a profile (written into the fixture copy's profiles.yml),
 * an optional setup/teardown (start a service...), the table formats its tables come in, and
 * the capabilities it lacks, each with the reason printed where a case is skipped.
 */
import { join } from 'node:path';
import { TrinoClient } from '../../src/adapters/trino/client.js';

/** What a case may need beyond plain SQL. */
export type Capability =
  | 'iceberg-maintenance'
  | 'partition-transforms'
  | 'hooks'
  | 'grants-warning'
  | 'external-csv';

/** How a model's `table_type` is set for a round: plain engine tables or Iceberg tables. */
export type TableFormat = 'native' | 'iceberg';

export interface ConformanceTarget {
  name: string;
  /** profiles.yml content for a project copy in `dir` (profile name `conformance`, schema `conformance`) */
  profile(dir: string): string;
  /** table formats the incremental cases run in (each one is a separate round of builds) */
  tableFormats: TableFormat[];
  /** capabilities the target does not have, with the reason */
  lacks: Partial<Record<Capability, string>>;
  /** Trino folds unquoted and quoted identifiers to lower case; DuckDB keeps their case */
  foldsIdentifierCase?: boolean;
  /** `string_agg(expr, sep order by …)` in the target's dialect, for the checks */
  stringAgg(expr: string, separator: string, orderBy: string): string;
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
}

const local: ConformanceTarget = {
  name: 'local',
  profile: (dir) => `conformance:
  target: local
  outputs:
    local:
      type: duckdb
      path: ${JSON.stringify(join(dir, 'warehouse', 'mdw.duckdb'))}
      schema: conformance
      threads: 2
`,
  tableFormats: ['native', 'iceberg'],
  lacks: {},
  stringAgg: (expr, separator, orderBy) => `string_agg(${expr}, '${separator}' order by ${orderBy})`,
};

/**
 * The local Trino of `npm run test:trino` (MDW_TRINO_URL), its Iceberg catalog. The schemas
 * the fixtures write are dropped before each fixture, because the server's lakehouse outlives
 * a run.
 */
const trino: ConformanceTarget = {
  name: 'trino',
  profile: () => {
    const url = new URL(trinoServer());
    return `conformance:
  target: trino
  outputs:
    trino:
      type: trino
      method: none
      host: ${url.hostname}
      port: ${url.port}
      user: mdw-conformance
      database: iceberg
      schema: conformance
      threads: 2
`;
  },
  tableFormats: ['iceberg'],
  lacks: {
    'iceberg-maintenance':
      "the lakehouse fixture plants orphans in the local warehouse folder and reads DuckDB's partition values (days as numbers); test/trino/iceberg.test.ts runs mdw iceberg and show --as-of on Trino",
    hooks:
      'the check reads the hook log in insertion order (rowid), which Trino tables do not keep; the hooks themselves run in the build',
  },
  foldsIdentifierCase: true,
  stringAgg: (expr, separator, orderBy) =>
    `array_join(array_agg(${expr} order by ${orderBy}), '${separator}')`,
  setup: () => dropConformanceSchemas(),
};

function trinoServer(): string {
  const url = process.env.MDW_TRINO_URL;
  if (!url)
    throw new Error('The trino conformance target needs MDW_TRINO_URL: run it with `npm run test:trino`.');
  return url;
}

async function dropConformanceSchemas(): Promise<void> {
  const client = new TrinoClient({ server: trinoServer(), user: 'mdw-conformance', catalog: 'iceberg' });
  const schemas = await client.execute(
    "select schema_name from iceberg.information_schema.schemata where schema_name like 'conformance%'",
  );
  for (const [schema] of schemas.rows) {
    const objects = await client.execute(
      `select table_name, table_type from iceberg.information_schema.tables where table_schema = '${String(schema)}'`,
    );
    for (const [name, type] of objects.rows)
      await client.execute(
        `drop ${type === 'VIEW' ? 'view' : 'table'} iceberg."${String(schema)}"."${String(name)}"`,
      );
    await client.execute(`drop schema iceberg."${String(schema)}"`);
  }
}

const TARGETS: Record<string, ConformanceTarget> = { local, trino };

/** The targets named by MDW_CONFORMANCE_TARGETS (default: local); an unknown name is an error. */
export function selectedTargets(): ConformanceTarget[] {
  const names = (process.env.MDW_CONFORMANCE_TARGETS ?? 'local')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  return names.map((name) => {
    const target = TARGETS[name];
    if (!target) {
      throw new Error(
        `MDW_CONFORMANCE_TARGETS names '${name}', which is not a conformance target (known: ${Object.keys(TARGETS).join(', ')}).`,
      );
    }
    return target;
  });
}
