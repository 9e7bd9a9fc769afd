/**
 * Shared by the Iceberg suites: the pinned PyIceberg venv and a way to run its checks.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export interface CommandResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCommand(command: string, args: string[], timeoutMs = 10 * 60_000): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let venv: Promise<string> | undefined;

/** bin/ of the PyIceberg venv (scripts/python-venv-iceberg.sh; MDW_ICEBERG_VENV overrides the folder). */
export function ensureIcebergVenv(): Promise<string> {
  venv ??= (async () => {
    const script = path.join(repoRoot, 'scripts', 'python-venv-iceberg.sh');
    const args = process.env.MDW_ICEBERG_VENV ? [process.env.MDW_ICEBERG_VENV] : [];
    const r = await runCommand('bash', [script, ...args], 20 * 60_000);
    if (r.code !== 0) throw new Error(`scripts/python-venv-iceberg.sh failed:\n${r.stderr.slice(-4000)}`);
    const bin = r.stdout.trim().split('\n').pop() ?? '';
    if (!existsSync(path.join(bin, 'python'))) throw new Error(`no python in ${bin}`);
    return bin;
  })();
  return venv;
}

/** Runs test/iceberg/pyiceberg_check.py and parses the JSON it prints. */
export async function pyiceberg(
  command: 'read' | 'write' | 'spec',
  warehouse: string,
  table: string,
  extra: string[] = [],
): Promise<any> {
  const bin = await ensureIcebergVenv();
  const script = path.join(repoRoot, 'test', 'iceberg', 'pyiceberg_check.py');
  const r = await runCommand(path.join(bin, 'python'), [script, command, warehouse, table, ...extra]);
  if (r.code !== 0)
    throw new Error(`pyiceberg_check.py ${command} ${table} failed:\n${r.stderr.slice(-4000)}`);
  return JSON.parse(r.stdout);
}
