/**
 * Shared helpers for the fixture suites: test/dbt/parity.test.ts (mdw vs real dbt) and
 * test/integration/fixtures.test.ts (mdw alone). No test in this file.
 *
 * Contract used: the CLI `node bin/mdw.js <command> --project-dir DIR --profiles-dir DIR`,
 * dbt's artifacts (target/manifest.json, target/run_results.json) and the fixtures'
 * profiles.yml, whose duckdb path is `{{ env_var('MDW_FIXTURE_DB', ...) }}`.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/** dist/test/dbt/helpers.js → the repository root. */
export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** test/fixtures, or MDW_FIXTURES_DIR (to try a modified copy of the fixtures). */
export const fixturesRoot = process.env.MDW_FIXTURES_DIR
  ? path.resolve(process.env.MDW_FIXTURES_DIR)
  : path.join(repoRoot, 'test', 'fixtures');
export const mdwBin = path.join(repoRoot, 'bin', 'mdw.js');

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/** Run a command, capturing its output; never rejects (a spawn error becomes code null). */
export function runCommand(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CommandResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const child = spawn(cmd, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const timer = opts.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGKILL');
        }, opts.timeoutMs)
      : null;
    child.on('error', (error) => {
      stderr += `\nspawn error: ${error.message}`;
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut });
    });
  });
}

const ANSI_ESCAPES = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** The last `max` characters of a command's output, for assertion messages. */
export function outputTail(r: CommandResult, max = 4000): string {
  const all = `${r.stdout}\n--- stderr ---\n${r.stderr}`.replace(ANSI_ESCAPES, '');
  const tail = all.length > max ? `…${all.slice(-max)}` : all;
  return `exit=${r.code}${r.signal ? ` signal=${r.signal}` : ''}${r.timedOut ? ' (TIMED OUT)' : ''} in ${r.ms} ms\n${tail}`;
}

/** Names of the fixture projects under test/fixtures/. */
export const ALL_FIXTURES = ['tiny', 'shop', 'packages', 'microbatch'];

/** The fixtures to run: all, or those named in MDW_FIXTURES (comma-separated). */
export const FIXTURES: string[] = process.env.MDW_FIXTURES
  ? process.env.MDW_FIXTURES.split(',')
      .map((s) => s.trim())
      .filter((s) => ALL_FIXTURES.includes(s))
  : ALL_FIXTURES;

export interface FixtureCopy {
  /** the project copy (cwd of every command; holds target/) */
  projectDir: string;
  /** the DuckDB file the profile points at through MDW_FIXTURE_DB */
  dbPath: string;
  /** environment for dbt / mdw commands on this copy */
  env: NodeJS.ProcessEnv;
}

/** A fresh temporary folder, removed by `cleanup()` unless MDW_KEEP_TMP is set. */
export function makeTempRoot(label: string): { root: string; cleanup: () => void } {
  const root = mkdtempSync(path.join(tmpdir(), `mdw-${label}-`));
  return {
    root,
    cleanup: () => {
      if (process.env.MDW_KEEP_TMP) {
        console.error(`MDW_KEEP_TMP: kept ${root}`);
        return;
      }
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * Copy test/fixtures/<name> to <root>/<side>/<name> (without build outputs). The database goes to
 * <root>/<side>-db/<name>.duckdb: both sides use the same file name, so DuckDB gives both
 * databases the same catalog name (dbt-duckdb and mdw name the database after the file).
 */
export function copyFixture(name: string, root: string, side: string): FixtureCopy {
  const src = path.join(fixturesRoot, name);
  const projectDir = path.join(root, side, name);
  mkdirSync(path.dirname(projectDir), { recursive: true });
  cpSync(src, projectDir, {
    recursive: true,
    filter: (from) => {
      const base = path.basename(from);
      return (
        !['target', 'logs', 'dbt_packages', '.user.yml'].includes(base) && !/\.duckdb(\.wal)?$/.test(base)
      );
    },
  });
  const dbDir = path.join(root, `${side}-db`);
  mkdirSync(dbDir, { recursive: true });
  const dbPath = path.join(dbDir, `${name}.duckdb`);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MDW_FIXTURE_DB: dbPath,
    DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
    DO_NOT_TRACK: '1',
    DBT_USE_COLORS: 'false',
    NO_COLOR: '1',
  };
  delete env.DBT_PROFILES_DIR;
  delete env.DBT_PROJECT_DIR;
  delete env.DBT_TARGET_PATH;
  return { projectDir, dbPath, env };
}

/** Does the fixture ship second-round input files (test/fixtures/<name>/changes/)? */
export function hasChanges(copy: FixtureCopy): boolean {
  return existsSync(path.join(copy.projectDir, 'changes'));
}

/** Copy changes/seeds/* over seeds/ and changes/landing/* over landing/ (second round). */
export function applyChanges(copy: FixtureCopy): void {
  for (const sub of ['seeds', 'landing']) {
    const from = path.join(copy.projectDir, 'changes', sub);
    if (existsSync(from)) cpSync(from, path.join(copy.projectDir, sub), { recursive: true });
  }
}

const MDW_TIMEOUT_MS = 5 * 60_000;

/** `node bin/mdw.js <command> --project-dir P --profiles-dir P [...extra]`, cwd = the project copy. */
export function runMdw(copy: FixtureCopy, command: string, extra: string[] = []): Promise<CommandResult> {
  return runCommand(
    process.execPath,
    [
      mdwBin,
      ...command.split(' '),
      '--project-dir',
      copy.projectDir,
      '--profiles-dir',
      copy.projectDir,
      ...extra,
    ],
    { cwd: copy.projectDir, env: copy.env, timeoutMs: MDW_TIMEOUT_MS },
  );
}

/** `<venv>/bin/dbt <command> --project-dir P --profiles-dir P [...extra]`, cwd = the project copy. */
export function runDbt(
  venvBin: string,
  copy: FixtureCopy,
  command: string,
  extra: string[] = [],
): Promise<CommandResult> {
  return runCommand(
    path.join(venvBin, 'dbt'),
    [
      // 'source freshness': dbt's subcommand comes before the options
      ...command.split(' '),
      '--project-dir',
      copy.projectDir,
      '--profiles-dir',
      copy.projectDir,
      '--no-use-colors',
      ...extra,
    ],
    { cwd: copy.projectDir, env: copy.env, timeoutMs: MDW_TIMEOUT_MS },
  );
}

// ---------------------------------------------------------------------------------------------
// dbt artifacts

export interface RunResult {
  unique_id: string;
  status: string;
  message?: string | null;
  failures?: number | null;
}

export function readJson<T = any>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

export function readRunResults(copy: FixtureCopy): RunResult[] {
  const file = path.join(copy.projectDir, 'target', 'run_results.json');
  if (!existsSync(file)) throw new Error(`no ${file}`);
  const doc = readJson<{ results: RunResult[] }>(file);
  return doc.results;
}

/** Count results by "<resource_type>:<status>", e.g. { "model:success": 10, "test:pass": 38 }. */
export function countStatuses(results: RunResult[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of results) {
    const key = `${r.unique_id.split('.')[0]}:${r.status}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}

/** test.pkg.name.0123456789 → test.pkg.name (the hash suffix depends on dbt's hashing details). */
export function withoutTestHash(uniqueId: string): string {
  return uniqueId.startsWith('test.') ? uniqueId.replace(/\.[0-9a-f]{10}$/, '') : uniqueId;
}

export interface ManifestRelation {
  unique_id: string;
  resource_type: 'model' | 'seed' | 'snapshot';
  schema: string;
  identifier: string;
}

/** Every materialized model, seed and snapshot of a manifest.json (ephemeral models excluded). */
export function relationsFromManifest(manifestPath: string): ManifestRelation[] {
  const manifest = readJson<{ nodes: Record<string, any> }>(manifestPath);
  const out: ManifestRelation[] = [];
  for (const node of Object.values(manifest.nodes)) {
    if (!['model', 'seed', 'snapshot'].includes(node.resource_type)) continue;
    if (node.config?.enabled === false) continue;
    if (node.config?.materialized === 'ephemeral') continue;
    out.push({
      unique_id: node.unique_id,
      resource_type: node.resource_type,
      schema: node.schema,
      identifier: node.alias ?? node.name,
    });
  }
  return out.sort((a, b) => a.unique_id.localeCompare(b.unique_id));
}

// ---------------------------------------------------------------------------------------------
// DuckDB

/** Open a database file read-only; views reading relative CSV paths resolve against `searchDir`. */
export async function withDatabase<T>(
  dbPath: string,
  searchDir: string | null,
  fn: (conn: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const instance = await DuckDBInstance.create(dbPath, { access_mode: 'READ_ONLY' });
  const conn = await instance.connect();
  try {
    if (searchDir) await conn.run(`SET file_search_path = ${sqlString(searchDir)}`);
    return await fn(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** An in-memory DuckDB (for independent queries on the fixture CSVs). */
export async function withMemoryDatabase<T>(fn: (conn: DuckDBConnection) => Promise<T>): Promise<T> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    return await fn(conn);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

export async function queryRows(conn: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  const reader = await conn.runAndReadAll(sql);
  return reader.getRowObjectsJson() as Record<string, unknown>[];
}

/** A single number from `select <expr>` (BIGINT/HUGEINT/DECIMAL come back as strings in JSON). */
export async function queryNumber(conn: DuckDBConnection, sql: string): Promise<number> {
  const reader = await conn.runAndReadAll(sql);
  const value = reader.getRowsJson()[0]?.[0];
  return value === null || value === undefined ? Number.NaN : Number(value);
}

export function sqlString(s: string): string {
  return `'${s.replace(/'/g, "''")}'`;
}

export function ident(s: string): string {
  return `"${s.replace(/"/g, '""')}"`;
}

export async function relationExists(conn: DuckDBConnection, schema: string, name: string): Promise<boolean> {
  const n = await queryNumber(
    conn,
    `select count(*) from information_schema.tables where table_catalog = current_database()
       and table_schema = ${sqlString(schema)} and table_name = ${sqlString(name)}`,
  );
  return n > 0;
}

export async function countRows(
  conn: DuckDBConnection,
  schema: string,
  name: string,
  where = '',
): Promise<number> {
  return queryNumber(
    conn,
    `select count(*) from ${ident(schema)}.${ident(name)}${where ? ` where ${where}` : ''}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Order-independent, type-tolerant relation digest

/** Columns dbt adds to snapshot tables; their values are run-time dependent. */
export const SNAPSHOT_META_COLUMNS = [
  'dbt_scd_id',
  'dbt_updated_at',
  'dbt_valid_from',
  'dbt_valid_to',
  'dbt_is_deleted',
];

export interface ColumnInfo {
  name: string;
  type: string;
}

export interface RelationDigest {
  columns: ColumnInfo[];
  /** all rows (for snapshots: all versions) */
  totalRows: number;
  /** rows compared (for snapshots: the current versions only) */
  rows: number;
  checksum: string;
  /** the normalized row texts, sorted (small fixtures: used to show differences) */
  rowTexts: string[];
  /**
   * Snapshots: the shape of dbt_valid_from / dbt_valid_to / dbt_is_deleted / dbt_scd_id
   * (their values depend on the run's time, their shape does not).
   */
  snapshotMeta?: Record<string, number | string>;
}

/** Coarse type family: the checksum tolerates differences inside a family, the suite reports them. */
export function typeFamily(type: string): string {
  const t = type.toUpperCase();
  if (
    /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|DECIMAL|NUMERIC|FLOAT|REAL|DOUBLE)/.test(
      t,
    )
  )
    return 'number';
  if (/^(VARCHAR|TEXT|STRING|CHAR|BPCHAR)/.test(t)) return 'string';
  if (t.startsWith('TIMESTAMP')) return 'timestamp';
  if (t === 'DATE') return 'date';
  if (t.startsWith('TIME')) return 'time';
  if (t === 'BOOLEAN') return 'boolean';
  return t;
}

/**
 * SQL text of one column for the row checksum.
 * - Every value is cast to VARCHAR so that the digest does not depend on how a client library
 *   decodes types.
 * - Numbers are normalized through DECIMAL(38,10) with trailing zeros (and a trailing '.') trimmed:
 *   1.50 (DECIMAL(10,2)), 1.5 (DOUBLE) and 1.500 (DECIMAL(38,3), e.g. a sum) all become '1.5', and
 *   12 (INTEGER) equals 12.0 (DOUBLE). Seeds are typed by the loader (dbt infers float8 for CSV
 *   decimals) and aggregates widen decimal precision, so the same value legitimately prints
 *   differently; rounding at 10 decimals also hides last-bit noise of floating-point sums, whose
 *   order of addition is not fixed. Column *types* are compared separately (by family).
 * - NULL becomes \N, so NULL and '' differ; columns are joined with the unit separator (0x1F).
 */
export function normalizedColumnSql(col: ColumnInfo): string {
  const ref = ident(col.name);
  if (typeFamily(col.type) === 'number') {
    return `coalesce(rtrim(rtrim(try_cast(${ref} as decimal(38, 10))::varchar, '0'), '.'), ${ref}::varchar, '\\N')`;
  }
  return `coalesce(${ref}::varchar, '\\N')`;
}

export async function relationColumns(
  conn: DuckDBConnection,
  schema: string,
  name: string,
): Promise<ColumnInfo[]> {
  const rows = await queryRows(
    conn,
    `select column_name, data_type from information_schema.columns
     where table_catalog = current_database() and table_schema = ${sqlString(schema)} and table_name = ${sqlString(name)}
     order by ordinal_position`,
  );
  return rows.map((r) => ({ name: String(r.column_name), type: String(r.data_type) }));
}

/**
 * Digest of a relation: row count and md5 over the md5s of its normalized rows, aggregated in
 * the order of the row hashes (so the physical row order does not matter, duplicates still count).
 * `columnOrder`, when given, fixes which columns and in which order go into the row text (so two
 * sides with the same columns in another order compare on values; the order is checked apart).
 * Snapshots: only the current versions (dbt_valid_to is null) and no dbt_* meta column.
 */
export async function relationDigest(
  conn: DuckDBConnection,
  schema: string,
  name: string,
  opts: { snapshot?: boolean; columnOrder?: string[] } = {},
): Promise<RelationDigest> {
  const columns = await relationColumns(conn, schema, name);
  const byName = new Map(columns.map((c) => [c.name.toLowerCase(), c]));
  let compared = columns.filter(
    (c) => !(opts.snapshot && SNAPSHOT_META_COLUMNS.includes(c.name.toLowerCase())),
  );
  if (opts.columnOrder) {
    compared = opts.columnOrder.map((n) => byName.get(n.toLowerCase())).filter((c): c is ColumnInfo => !!c);
  }
  const rel = `${ident(schema)}.${ident(name)}`;
  const where = opts.snapshot && byName.has('dbt_valid_to') ? ' where dbt_valid_to is null' : '';
  const rowText = compared.length ? compared.map(normalizedColumnSql).join(` || chr(31) || `) : `''`;
  const totalRows = await countRows(conn, schema, name);
  const summary = await queryRows(
    conn,
    `select count(*) as n, md5(coalesce(string_agg(h, '' order by h), '')) as checksum
     from (select md5(${rowText}) as h from ${rel}${where})`,
  );
  const texts = await queryRows(conn, `select ${rowText} as t from ${rel}${where} order by t`);
  return {
    columns,
    totalRows,
    rows: Number(summary[0]?.n ?? 0),
    checksum: String(summary[0]?.checksum ?? ''),
    rowTexts: texts.map((r) => String(r.t)),
    ...(opts.snapshot ? { snapshotMeta: await snapshotMetaShape(conn, rel, byName) } : {}),
  };
}

/** Counts that any correct snapshot run gives the same, whatever the clock said. */
async function snapshotMetaShape(
  conn: DuckDBConnection,
  rel: string,
  columns: Map<string, ColumnInfo>,
): Promise<Record<string, number | string>> {
  const shape: Record<string, number | string> = {};
  for (const meta of SNAPSHOT_META_COLUMNS) {
    const col = columns.get(meta);
    shape[`${meta} type`] = col ? typeFamily(col.type) : 'missing';
  }
  if (!columns.has('dbt_valid_from') || !columns.has('dbt_valid_to')) return shape;
  const deleted = columns.has('dbt_is_deleted')
    ? `, count(*) filter (where dbt_is_deleted::varchar in ('True', 'true')) as deleted_rows`
    : '';
  const [row] = await queryRows(
    conn,
    `select count(*) filter (where dbt_valid_to is null) as current_rows,
            count(*) filter (where dbt_valid_to is not null) as closed_rows,
            count(*) filter (where dbt_valid_from is null) as rows_without_valid_from,
            count(*) filter (where dbt_valid_to < dbt_valid_from) as rows_ending_before_start,
            count(*) - count(distinct dbt_scd_id) as repeated_scd_ids${deleted}
     from ${rel}`,
  );
  for (const [k, v] of Object.entries(row ?? {})) shape[k] = Number(v);
  return shape;
}

/** Human-readable difference of two sorted multisets of row texts (first few rows of each side). */
export function describeRowDifference(a: string[], b: string[], labels: [string, string], max = 5): string {
  const count = (xs: string[]) => {
    const m = new Map<string, number>();
    for (const x of xs) m.set(x, (m.get(x) ?? 0) + 1);
    return m;
  };
  const ca = count(a);
  const cb = count(b);
  const onlyA: string[] = [];
  const onlyB: string[] = [];
  for (const [k, n] of ca) for (let i = cb.get(k) ?? 0; i < n; i++) onlyA.push(k);
  for (const [k, n] of cb) for (let i = ca.get(k) ?? 0; i < n; i++) onlyB.push(k);
  const show = (xs: string[]) =>
    xs
      .slice(0, max)
      .map((x) => `    ${x.split(String.fromCharCode(31)).join(' | ')}`)
      .join('\n') + (xs.length > max ? `\n    … ${xs.length - max} more` : '');
  return `${onlyA.length} row(s) only in ${labels[0]}:\n${show(onlyA)}\n${onlyB.length} row(s) only in ${labels[1]}:\n${show(onlyB)}`;
}

// ---------------------------------------------------------------------------------------------
// Python venv with dbt (scripts/python-venv.sh, pinned versions)

let venvPromise: Promise<string> | null = null;

/**
 * Create/refresh the dbt venv (once per process) and return its bin directory.
 * MDW_DBT_VENV overrides the venv folder (default: ${MDW_CACHE_DIR:-~/.cache/mdw}/venv-dbt).
 */
export function ensureDbtVenv(): Promise<string> {
  venvPromise ??= (async () => {
    const script = path.join(repoRoot, 'scripts', 'python-venv.sh');
    const args = process.env.MDW_DBT_VENV ? [process.env.MDW_DBT_VENV] : [];
    const r = await runCommand('bash', [script, ...args], { cwd: repoRoot, timeoutMs: 20 * 60_000 });
    if (r.code !== 0) throw new Error(`scripts/python-venv.sh failed:\n${outputTail(r)}`);
    const bin = r.stdout.trim().split('\n').pop() ?? '';
    if (!existsSync(path.join(bin, 'dbt'))) throw new Error(`no dbt in ${bin}:\n${outputTail(r)}`);
    return bin;
  })();
  return venvPromise;
}
