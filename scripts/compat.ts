/**
 * `npm run compat -- <folder of dbt projects>`: run dbt-core + dbt-duckdb (the cached venv) and
 * mdw side by side on each project folder in it (deps if it has packages, seed, build), then
 * compare statuses by unique_id and every relation's row count and order-independent checksum.
 * Prints one line per project:
 *   <project>  OK|DIFF|DBT-FAILED  nodes=<n> same-status=<n> relations=<n> same-rows=<n>
 *     [nondeterministic=<n> (names)]  <first difference>
 * Both sides' databases are files named compat.duckdb in separate folders, so relations that
 * hold the database name (current_database(), relation.database) agree. A relation that differs
 * is rebuilt once more by dbt; if dbt disagrees with itself it is nondeterministic and compared
 * on row count and column list only (see compat-relations.ts), and the line says so.
 * Exit 0 when every project matches. MDW_COMPAT_KEEP=1 keeps the temporary copies.
 */
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import {
  type CommandResult,
  ensureDbtVenv,
  type FixtureCopy,
  readJson,
  relationDigest,
  relationExists,
  relationsFromManifest,
  runDbt,
  runMdw,
  withDatabase,
  withoutTestHash,
} from '../test/dbt/helpers.js';
import {
  compareRelations,
  differingRelations,
  type RelationDigest,
  testsOnUnstableData,
} from './compat-relations.js';
import { alignUnitTestOrder } from './compat-unit-order.js';

const ANSI_ESCAPES = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

interface Side {
  copy: FixtureCopy;
  statuses: Map<string, string>;
  failure: string | null;
}

/** A copy of the project with a profile on its own DuckDB file (the project's profile name). */
function copyProject(src: string, root: string, side: string): FixtureCopy {
  const projectDir = path.join(root, side);
  cpSync(src, projectDir, {
    recursive: true,
    dereference: true,
    filter: (from) => !['target', 'logs', '.user.yml', '.git'].includes(path.basename(from)),
  });
  const project = parseYaml(
    readFileSync(path.join(projectDir, 'dbt_project.yml'), 'utf8').replace(/\{\{[^}]*\}\}/g, 'x'),
  ) as {
    profile?: string;
    name: string;
  };
  // the same file name on both sides: the database name is the file's stem
  mkdirSync(path.join(root, `${side}-db`), { recursive: true });
  const dbPath = path.join(root, `${side}-db`, 'compat.duckdb');
  const profile = project.profile ?? project.name;
  writeFileSync(
    path.join(projectDir, 'profiles.yml'),
    `${profile}:\n  target: dev\n  outputs:\n    dev:\n      type: duckdb\n      path: ${JSON.stringify(dbPath)}\n      threads: 1\n`,
  );
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DBT_SEND_ANONYMOUS_USAGE_STATS: 'false',
    DO_NOT_TRACK: '1',
    NO_COLOR: '1',
  };
  delete env.DBT_PROFILES_DIR;
  delete env.DBT_PROJECT_DIR;
  return { projectDir, dbPath, env };
}

async function runSide(
  which: 'dbt' | 'mdw',
  venvBin: string,
  copy: FixtureCopy,
  hasPackages: boolean,
): Promise<Side> {
  const statuses = new Map<string, string>();
  const commands = [...(hasPackages ? ['deps'] : []), 'seed', 'build'];
  let failure: string | null = null;
  for (const command of commands) {
    rmSync(path.join(copy.projectDir, 'target', 'run_results.json'), { force: true });
    const r: CommandResult =
      which === 'dbt' ? await runDbt(venvBin, copy, command) : await runMdw(copy, command);
    const rr = path.join(copy.projectDir, 'target', 'run_results.json');
    if (command !== 'deps' && existsSync(rr)) {
      for (const result of readJson<{ results: { unique_id: string; status: string }[] }>(rr).results)
        statuses.set(withoutTestHash(result.unique_id), result.status);
    }
    if (r.code === 2 || (command === 'deps' && r.code !== 0)) {
      const text = `${r.stdout}\n${r.stderr}`.replace(ANSI_ESCAPES, '');
      const line = text
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => /error|mdw:/i.test(l))
        .slice(0, 2)
        .join(' ');
      failure = `${command} exited ${r.code}: ${line.slice(0, 300)}`;
      break;
    }
  }
  return { copy, statuses, failure };
}

async function digests(
  copy: FixtureCopy,
  manifest: string,
  only?: Set<string>,
): Promise<Map<string, RelationDigest>> {
  const out = new Map<string, RelationDigest>();
  if (!existsSync(copy.dbPath) || !existsSync(manifest)) return out;
  const relations = relationsFromManifest(manifest).filter((rel) => !only || only.has(rel.unique_id));
  await withDatabase(copy.dbPath, copy.projectDir, async (conn) => {
    for (const rel of relations) {
      if (!(await relationExists(conn, rel.schema, rel.identifier))) continue;
      try {
        const d = await relationDigest(conn, rel.schema, rel.identifier, {
          snapshot: rel.resource_type === 'snapshot',
        });
        const columns = d.columns.map((column) => column.name.toLowerCase());
        out.set(rel.unique_id, { rows: d.totalRows, checksum: d.checksum, columns });
      } catch (error) {
        out.set(rel.unique_id, { error: (error as Error).message.split('\n')[0] ?? '' });
      }
    }
  });
  return out;
}

/** Each test's parents (hash-less unique_id, as the statuses are keyed), from dbt's manifest. */
function testParents(manifest: string): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  if (!existsSync(manifest)) return parents;
  const nodes = readJson<{ nodes: Record<string, { depends_on?: { nodes?: string[] } }> }>(manifest).nodes;
  for (const [id, node] of Object.entries(nodes))
    if (id.startsWith('test.')) parents.set(withoutTestHash(id), node.depends_on?.nodes ?? []);
  return parents;
}

/**
 * dbt's second build of the models that differ from mdw's (`dbt run --select` by name), digested
 * again: the relations where dbt disagrees with itself are nondeterministic.
 */
async function dbtAgain(
  venvBin: string,
  copy: FixtureCopy,
  manifest: string,
  ids: string[],
): Promise<Map<string, RelationDigest>> {
  const models = ids.filter((id) => id.startsWith('model.'));
  if (models.length === 0) return new Map();
  const names = readJson<{ nodes: Record<string, { name: string }> }>(manifest).nodes;
  const select = [...new Set(models.map((id) => names[id]?.name).filter((n): n is string => !!n))];
  await runDbt(venvBin, copy, 'run', ['--select', ...select]);
  return digests(copy, manifest, new Set(models));
}

async function compareProject(dir: string, venvBin: string): Promise<{ line: string; ok: boolean }> {
  const name = path.basename(dir);
  const root = mkdtempSync(path.join(tmpdir(), `mdw-compat-${name}-`));
  try {
    const hasPackages = ['packages.yml', 'dependencies.yml'].some((f) => existsSync(path.join(dir, f)));
    const dbt = await runSide('dbt', venvBin, copyProject(dir, root, 'dbt'), hasPackages);
    const mdw = await runSide('mdw', venvBin, copyProject(dir, root, 'mdw'), hasPackages);
    alignUnitTestOrder(dbt.statuses, mdw.statuses);
    const ids = [...dbt.statuses.keys()];
    const sameStatus = ids.filter((id) => mdw.statuses.get(id) === dbt.statuses.get(id));
    const manifest = path.join(dbt.copy.projectDir, 'target', 'manifest.json');
    const a = await digests(dbt.copy, manifest);
    const b = await digests(mdw.copy, manifest);
    const again = await dbtAgain(venvBin, dbt.copy, manifest, differingRelations(a, b));
    const relations = compareRelations(a, b, again);
    const statusDiffs = ids.filter((id) => mdw.statuses.get(id) !== dbt.statuses.get(id));
    const onUnstable = new Set(
      testsOnUnstableData(statusDiffs, testParents(manifest), new Set(relations.nondeterministic)),
    );
    const differences: string[] = [];
    for (const id of statusDiffs)
      if (!onUnstable.has(id))
        differences.push(`${id}: dbt ${dbt.statuses.get(id)}, mdw ${mdw.statuses.get(id) ?? 'no result'}`);
    for (const id of mdw.statuses.keys())
      if (!dbt.statuses.has(id)) differences.push(`${id}: only mdw (${mdw.statuses.get(id)})`);
    differences.push(...relations.differences);
    if (mdw.failure && !dbt.failure) differences.unshift(`mdw ${mdw.failure}`);
    const verdict = dbt.failure && ids.length === 0 ? 'DBT-FAILED' : differences.length === 0 ? 'OK' : 'DIFF';
    const unstable = relations.nondeterministic;
    const counts = [
      `nodes=${ids.length} same-status=${sameStatus.length} relations=${a.size} same-rows=${relations.same.length}`,
      ...(unstable.length
        ? [
            `nondeterministic=${unstable.length} (rows and columns only: ${unstable.map((id) => id.split('.').pop()).join(', ')})`,
          ]
        : []),
      ...[...onUnstable].map(
        (id) =>
          `status on nondeterministic data: ${id.split('.').pop()} (dbt ${dbt.statuses.get(id)}, mdw ${mdw.statuses.get(id) ?? 'no result'})`,
      ),
    ].join(' ');
    const note = verdict === 'DBT-FAILED' ? `dbt ${dbt.failure}` : (differences[0] ?? '');
    return { line: `${name}  ${verdict}  ${counts}  ${note}`.trimEnd(), ok: verdict === 'OK' };
  } finally {
    if (!process.env.MDW_COMPAT_KEEP) rmSync(root, { recursive: true, force: true });
    else console.error(`kept ${root}`);
  }
}

async function main(): Promise<number> {
  const folder = process.argv[2];
  if (!folder || !existsSync(folder)) {
    console.error('usage: npm run compat -- <folder holding dbt projects, one per subfolder>');
    return 2;
  }
  const projects = existsSync(path.join(folder, 'dbt_project.yml'))
    ? [path.resolve(folder)]
    : readdirSync(folder)
        .sort()
        .map((entry) => path.resolve(folder, entry))
        .filter((dir) => existsSync(path.join(dir, 'dbt_project.yml')));
  const venvBin = await ensureDbtVenv();
  let allOk = true;
  mkdirSync(tmpdir(), { recursive: true });
  for (const dir of projects) {
    const { line, ok } = await compareProject(dir, venvBin);
    console.log(line);
    allOk &&= ok;
  }
  return allOk ? 0 : 1;
}

process.exitCode = await main();
