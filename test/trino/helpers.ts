/**
 * The Trino server the suite runs against: `npm run test:trino` starts one through
 * scripts/trino.sh (or reuses the one .ci/run started) and passes its URL and the lakehouse
 * folder its `iceberg` catalog serves in MDW_TRINO_URL / MDW_TRINO_WAREHOUSE.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { TrinoClient, type TrinoClientOptions } from '../../src/adapters/trino/client.js';

export function trinoUrl(): string {
  const url = process.env.MDW_TRINO_URL;
  if (!url) throw new Error('MDW_TRINO_URL is not set: run this suite with `npm run test:trino`.');
  return url;
}

export function trinoWarehouse(): string {
  const dir = process.env.MDW_TRINO_WAREHOUSE;
  if (!dir) throw new Error('MDW_TRINO_WAREHOUSE is not set: run this suite with `npm run test:trino`.');
  return dir;
}

export function client(options: Partial<TrinoClientOptions> = {}): TrinoClient {
  return new TrinoClient({ server: trinoUrl(), user: 'mdw-test', catalog: 'iceberg', ...options });
}

/** A schema name no other run uses (the server and its lakehouse are shared). */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
}

const repo = resolve(import.meta.dirname, '..', '..', '..');

export async function rows(sql: string): Promise<unknown[][]> {
  return (await client().execute(sql)).rows;
}

export async function scalar(sql: string): Promise<unknown> {
  return (await rows(sql))[0]?.[0];
}

export interface ProfileOptions {
  schema: string;
  /** the profile's catalog (default iceberg) */
  database?: string;
  /** `database` (dbt-trino's key) or its alias `catalog` */
  catalogKey?: 'database' | 'catalog';
  threads?: number;
  /** more profile lines, already indented under the output */
  extra?: string;
}

/** A profile `shop` with one trino output for the suite's server. */
export function trinoProfile(options: ProfileOptions): string {
  const url = new URL(trinoUrl());
  return (
    `shop:\n  target: trino\n  outputs:\n    trino:\n      type: trino\n      method: none\n` +
    `      host: ${url.hostname}\n      port: ${url.port}\n      user: mdw-test\n` +
    `      ${options.catalogKey ?? 'database'}: ${options.database ?? 'iceberg'}\n` +
    `      schema: ${options.schema}\n      threads: ${options.threads ?? 2}\n${options.extra ?? ''}`
  );
}

/**
 * Session properties that make one writer see every partition (as on Athena), so a write of
 * more than 100 partitions exceeds max-partitions-per-writer at its default; with Trino's
 * default write partitioning the rows would be spread over writers.
 */
export const ONE_WRITER =
  `      session_properties:\n        use_preferred_write_partitioning: false\n        scale_writers: false\n` +
  `        task_min_writer_count: 1\n        task_max_writer_count: 1\n`;

/** A dbt project in a temporary folder, built with this checkout's `mdw`. */
export class TrinoProject {
  readonly dir: string;

  constructor(prefix: string) {
    this.dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
    this.write('dbt_project.yml', 'name: shop\nversion: "1.0"\nprofile: shop\n');
  }

  write(path: string, text: string): void {
    mkdirSync(dirname(join(this.dir, path)), { recursive: true });
    writeFileSync(join(this.dir, path), text);
  }

  mdw(...args: string[]): { status: number | null; output: string } {
    const run = spawnSync(
      process.execPath,
      [join(repo, 'bin', 'mdw.js'), ...args, '--project-dir', this.dir, '--profiles-dir', this.dir],
      { encoding: 'utf8', timeout: 600_000 },
    );
    return { status: run.status, output: `${run.stdout}\n${run.stderr}` };
  }

  /** Drops the schemas (in the iceberg and hive catalogs) and removes the folder. */
  async remove(schemas: readonly string[]): Promise<void> {
    await dropSchemas(schemas);
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Drops every table and view of these schemas, then the schemas, in the iceberg and hive catalogs. */
export async function dropSchemas(schemas: readonly string[]): Promise<void> {
  for (const s of schemas) {
    for (const catalog of ['iceberg', 'hive']) {
      const objects = await rows(
        `select table_name, table_type from ${catalog}.information_schema.tables where table_schema = '${s}'`,
      ).catch(() => []);
      for (const [name, type] of objects)
        await client()
          .execute(`drop ${type === 'VIEW' ? 'view' : 'table'} ${catalog}."${s}"."${String(name)}"`)
          .catch(() => {});
      await client()
        .execute(`drop schema if exists ${catalog}."${s}"`)
        .catch(() => {});
    }
  }
}
