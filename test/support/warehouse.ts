/** Helpers for tests that build the grocery warehouse (dbt/) on generated data. */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { type CliResult, MDW_BIN, REPO_ROOT } from './project.js';

export interface WarehouseRun {
  /** a copy of dbt/ (so target/ stays out of the repository) */
  projectDir: string;
  rawDir: string;
  warehouseDir: string;
}

export function newWarehouse(label: string): WarehouseRun {
  const root = mkdtempSync(join(tmpdir(), `mdw-wh-${label}-`));
  const projectDir = join(root, 'dbt');
  cpSync(join(REPO_ROOT, 'dbt'), projectDir, {
    recursive: true,
    filter: (source) => !/[\\/](target|logs)([\\/]|$)/.test(source.slice(REPO_ROOT.length)),
  });
  return { projectDir, rawDir: join(root, 'raw'), warehouseDir: join(root, 'warehouse') };
}

/** `env` is added to this process's environment (and the run's folders). */
export function mdw(run: WarehouseRun, args: string[], env: Record<string, string> = {}): CliResult {
  const result = spawnSync(
    process.execPath,
    [MDW_BIN, ...args, '--project-dir', run.projectDir, '--profiles-dir', run.projectDir],
    {
      encoding: 'utf8',
      env: { ...process.env, ...env, MDW_RAW_DIR: run.rawDir, MDW_WAREHOUSE_DIR: run.warehouseDir },
      timeout: Number(process.env.MDW_TEST_CLI_TIMEOUT_MS ?? 600_000),
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export function generate(run: WarehouseRun, args: string[]): CliResult {
  const result = spawnSync(process.execPath, [MDW_BIN, 'generate', '--out', run.rawDir, ...args], {
    encoding: 'utf8',
    timeout: 600_000,
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

export interface RunResultEntry {
  unique_id: string;
  status: string;
  failures: number | null;
  message: string | null;
  adapter_response: {
    rows_affected?: number | null;
    _message?: string;
    rows_read?: number;
    rows_read_by_source?: Record<string, number>;
  };
}

export function runResults(run: WarehouseRun): RunResultEntry[] {
  return JSON.parse(readFileSync(join(run.projectDir, 'target', 'run_results.json'), 'utf8')).results;
}

/** Run queries against the warehouse file (read-only) and return rows as objects. */
export async function query(run: WarehouseRun, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(join(run.warehouseDir, 'mdw.duckdb'), {
    access_mode: 'READ_ONLY',
  });
  try {
    const connection = await instance.connect();
    const reader = await connection.runAndReadAll(sql);
    const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
    connection.closeSync();
    return rows;
  } finally {
    instance.closeSync();
  }
}

/** An order-independent checksum of a relation's rows (every column as text). */
export async function tableChecksum(
  run: WarehouseRun,
  relation: string,
): Promise<{ rows: number; checksum: string }> {
  const [row] = await query(
    run,
    `select count(*)::bigint as rows, coalesce(bit_xor(hash(t::varchar)), 0)::varchar as checksum from ${relation} as t`,
  );
  return { rows: Number(row!.rows), checksum: String(row!.checksum) };
}

export function removeWarehouse(run: WarehouseRun): void {
  rmSync(join(run.projectDir, '..'), { recursive: true, force: true });
}
