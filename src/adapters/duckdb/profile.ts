/** The duckdb profile output → where the database lives and how the instance is configured. */
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import type { TargetConfig } from '../../manifest/types.js';
import { ConfigError } from '../../util/errors.js';
import { sqlString } from '../sql-helpers.js';

export interface DuckDbProfile {
  /** absolute database file path, or ':memory:' */
  path: string;
  /** the catalog name DuckDB gives the database (file stem, or 'memory') */
  catalog: string;
  /** options for DuckDBInstance.create */
  instanceOptions: Record<string, string>;
  /** `SET` statements run on every new connection */
  setStatements: string[];
  /** folder of the Iceberg lakehouse (catalog.db + tables): `iceberg_warehouse`, else beside the database file */
  icebergWarehouse: string | null;
  warnings: string[];
}

const SETTING_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * DuckDB options mdw sets on every instance; a profile's `settings:` override them.
 * partitioned_write_max_open_files: a partitioned write keeps at most this many files open.
 * DuckDB's default (100) is below a daily table's few months of days: a full build then closed
 * and reopened partitions, a day came out as a dozen small files, and every later read of the
 * table planned over them.
 */
export const DUCKDB_DEFAULT_OPTIONS: Readonly<Record<string, string>> = {
  partitioned_write_max_open_files: '512',
};

export function resolveDuckDbProfile(target: TargetConfig, projectRoot: string): DuckDbProfile {
  const warnings: string[] = [];
  const configured =
    target.path === undefined || target.path === null || target.path === ''
      ? ':memory:'
      : String(target.path);
  const path = configured === ':memory:' ? configured : absolutePath(configured, projectRoot);
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });

  // The profile's `threads` is how many nodes run at once, not DuckDB's own worker threads
  // (as in dbt-duckdb): DuckDB keeps its default (every core) unless `settings: threads` says.
  const instanceOptions: Record<string, string> = { ...DUCKDB_DEFAULT_OPTIONS };
  if (target.memory_limit !== undefined && target.memory_limit !== null) {
    instanceOptions.memory_limit = String(target.memory_limit);
  }
  if (typeof target.temp_directory === 'string' && target.temp_directory !== '') {
    instanceOptions.temp_directory = absolutePath(target.temp_directory, projectRoot);
  }

  const setStatements: string[] = [];
  const settings = target.settings;
  if (settings !== undefined && settings !== null) {
    if (typeof settings !== 'object' || Array.isArray(settings)) {
      throw new ConfigError(`Profile ${target.profile_name}: 'settings' must be a map of DuckDB options.`);
    }
    for (const [name, value] of Object.entries(settings as Record<string, unknown>)) {
      if (!SETTING_NAME.test(name)) {
        throw new ConfigError(
          `Profile ${target.profile_name}: '${name}' is not a valid DuckDB setting name.`,
        );
      }
      const literal =
        typeof value === 'number' || typeof value === 'boolean' ? String(value) : sqlString(String(value));
      setStatements.push(`set ${name} = ${literal}`);
    }
  }

  const extensions = target.extensions;
  if (Array.isArray(extensions) ? extensions.length > 0 : Boolean(extensions)) {
    warnings.push(
      `Profile ${target.profile_name}: DuckDB 'extensions' are ignored (extensions cannot be downloaded here).`,
    );
  }

  const icebergWarehouse =
    typeof target.iceberg_warehouse === 'string' && target.iceberg_warehouse !== ''
      ? absolutePath(target.iceberg_warehouse, projectRoot)
      : path === ':memory:'
        ? null
        : dirname(path);
  return { path, catalog: catalogName(path), instanceOptions, setStatements, icebergWarehouse, warnings };
}

function absolutePath(path: string, projectRoot: string): string {
  if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(1));
  return isAbsolute(path) ? path : resolve(projectRoot, path);
}

/** DuckDB's convention: the attached database is named after the file stem. */
export function catalogName(path: string): string {
  if (path === ':memory:') return 'memory';
  const name = basename(path);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}
