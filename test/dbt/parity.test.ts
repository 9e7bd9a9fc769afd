/**
 * Parity suite: build each fixture project (test/fixtures/<name>) with real dbt-core + dbt-duckdb
 * (db A) and with mdw (db B), then compare every model, seed and snapshot relation (row count and
 * an order-independent, type-tolerant checksum of the rows) and the run_results statuses.
 *
 * Needs python3.11 and PyPI (first run): scripts/python-venv.sh installs the pinned dbt into
 * ${MDW_CACHE_DIR:-~/.cache/mdw}/venv-dbt. Run with `npm run test:dbt`.
 * MDW_FIXTURES=shop runs one fixture; MDW_FIXTURES_DIR=DIR takes the fixtures from DIR (a modified copy).
 * MDW_KEEP_TMP=1 keeps the temporary project copies and databases for inspection.
 * MDW_PARITY_SELFTEST=1 builds the "mdw" side with dbt too: a check of the suite itself (all must pass).
 *
 * Round 1: seed + build. Round 2: the fixture's changes/ files are copied over seeds/ and
 * landing/ (if any), then seed + build + snapshot again: incremental merges, snapshot versions.
 * Each round compares dbt's column list (a column dbt has and mdw lacks fails), exact column
 * types, and the shape of the snapshot meta columns (dbt_valid_from, dbt_valid_to,
 * dbt_is_deleted, dbt_scd_id: current and closed versions, types). Fixtures with
 * macros/operations.sql also compare `run-operation` (exit code, the table it makes) and
 * `source freshness` (exit code, sources.json statuses and criteria); the shop fixture's
 * dbt_project.yml uses Jinja with `target` and `var()`.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { packageFixtureSources } from '../support/packages.js';
import {
  applyChanges,
  type CommandResult,
  copyFixture,
  countStatuses,
  describeRowDifference,
  ensureDbtVenv,
  FIXTURES,
  type FixtureCopy,
  fixturesRoot,
  type ManifestRelation,
  makeTempRoot,
  outputTail,
  type RelationDigest,
  type RunResult,
  readJson,
  relationDigest,
  relationExists,
  relationsFromManifest,
  runDbt,
  runMdw,
  SNAPSHOT_META_COLUMNS,
  withDatabase,
  withoutTestHash,
} from './helpers.js';

type Side = 'dbt' | 'mdw';

interface RoundOutcome {
  ok: boolean;
  /** run_results of each command, by command name */
  results: Record<string, RunResult[]>;
}

/** Run `commands` in order on one side; stop at the first non-zero exit. */
async function runRound(
  side: Side,
  venvBin: string,
  copy: FixtureCopy,
  commands: string[],
): Promise<{ outcome: RoundOutcome; failure: string | null }> {
  const outcome: RoundOutcome = { ok: true, results: {} };
  for (const command of commands) {
    // MDW_PARITY_SELFTEST=1: the "mdw" side is built by dbt too (checks the comparison itself)
    const useDbt = side === 'dbt' || process.env.MDW_PARITY_SELFTEST === '1';
    // a stale run_results.json from the previous command must not pass for this one's
    rmSync(path.join(copy.projectDir, 'target', 'run_results.json'), { force: true });
    const r: CommandResult = useDbt ? await runDbt(venvBin, copy, command) : await runMdw(copy, command);
    if (r.code !== 0) {
      outcome.ok = false;
      return { outcome, failure: `${side} ${command} exited ${r.code}, expected 0:\n${outputTail(r)}` };
    }
    if (command === 'deps') continue; // installs packages; writes no run_results
    const rr = path.join(copy.projectDir, 'target', 'run_results.json');
    if (!existsSync(rr)) {
      outcome.ok = false;
      return { outcome, failure: `${side} ${command}: no target/run_results.json\n${outputTail(r)}` };
    }
    // keep a copy per command (the next command overwrites it)
    copyFileSync(rr, path.join(copy.projectDir, 'target', `run_results.${command}.json`));
    outcome.results[command] = readJson<{ results: RunResult[] }>(rr).results;
  }
  return { outcome, failure: null };
}

async function digestAll(
  copy: FixtureCopy,
  relations: ManifestRelation[],
): Promise<Map<string, RelationDigest | null>> {
  return withDatabase(copy.dbPath, copy.projectDir, async (conn) => {
    const out = new Map<string, RelationDigest | null>();
    for (const rel of relations) {
      if (!(await relationExists(conn, rel.schema, rel.identifier))) {
        out.set(rel.unique_id, null);
        continue;
      }
      out.set(
        rel.unique_id,
        await relationDigest(conn, rel.schema, rel.identifier, {
          snapshot: rel.resource_type === 'snapshot',
        }),
      );
    }
    return out;
  });
}

/** Compare dbt's and mdw's databases relation by relation; returns the list of problems. */
async function compareDatabases(dbtCopy: FixtureCopy, mdwCopy: FixtureCopy): Promise<string[]> {
  const relations = relationsFromManifest(path.join(dbtCopy.projectDir, 'target', 'manifest.json'));
  assert.ok(relations.length > 0, 'dbt manifest lists no relation');
  // One database open at a time: both files have the same catalog name (the file stem).
  const a = await digestAll(dbtCopy, relations);
  const b = await withDatabase(mdwCopy.dbPath, mdwCopy.projectDir, async (conn) => {
    const out = new Map<string, RelationDigest | null>();
    for (const rel of relations) {
      if (!(await relationExists(conn, rel.schema, rel.identifier))) {
        out.set(rel.unique_id, null);
        continue;
      }
      const snapshot = rel.resource_type === 'snapshot';
      const own = await relationDigest(conn, rel.schema, rel.identifier, { snapshot });
      // Same columns in another order: digest mdw's rows in dbt's column order, so that the
      // order difference is reported once (as a column difference) and values still compare.
      const aDigest = a.get(rel.unique_id);
      const compared = (cols: { name: string }[]) =>
        cols.map((c) => c.name.toLowerCase()).filter((n) => !(snapshot && SNAPSHOT_META_COLUMNS.includes(n)));
      const orderA = aDigest ? compared(aDigest.columns) : [];
      const orderB = compared(own.columns);
      if (
        aDigest &&
        orderA.join(',') !== orderB.join(',') &&
        [...orderA].sort().join(',') === [...orderB].sort().join(',')
      ) {
        const reordered = await relationDigest(conn, rel.schema, rel.identifier, {
          snapshot,
          columnOrder: orderA,
        });
        out.set(rel.unique_id, { ...reordered, columns: own.columns });
      } else {
        out.set(rel.unique_id, own);
      }
    }
    return out;
  });

  const problems: string[] = [];
  for (const rel of relations) {
    const name = `${rel.unique_id} (${rel.schema}.${rel.identifier})`;
    const da = a.get(rel.unique_id);
    const db = b.get(rel.unique_id);
    if (!da) {
      problems.push(`${name}: missing in dbt's database (fixture or suite bug)`);
      continue;
    }
    if (!db) {
      problems.push(`${name}: missing in mdw's database`);
      continue;
    }
    const namesA = da.columns.map((c) => c.name.toLowerCase());
    const namesB = db.columns.map((c) => c.name.toLowerCase());
    if (namesA.join(',') !== namesB.join(',')) {
      problems.push(`${name}: columns differ\n    dbt: ${namesA.join(', ')}\n    mdw: ${namesB.join(', ')}`);
    }
    // dbt's column list is the reference: a column dbt has and mdw lacks fails, whatever the order
    for (const missing of namesA.filter((n) => !namesB.includes(n))) {
      problems.push(`${name}: column ${missing} is in dbt's relation, not in mdw's`);
    }
    for (const ca of da.columns) {
      const cb = db.columns.find((c) => c.name.toLowerCase() === ca.name.toLowerCase());
      if (!cb) continue;
      // exact types: DECIMAL(18,3) and DECIMAL(38,3) differ, so do INTEGER and BIGINT
      if (ca.type !== cb.type) {
        problems.push(`${name}: column ${ca.name} is ${ca.type} in dbt, ${cb.type} in mdw`);
      }
    }
    if (JSON.stringify(da.snapshotMeta) !== JSON.stringify(db.snapshotMeta)) {
      problems.push(
        `${name}: snapshot meta columns differ\n    dbt: ${JSON.stringify(da.snapshotMeta)}\n    mdw: ${JSON.stringify(db.snapshotMeta)}`,
      );
    }
    if (da.totalRows !== db.totalRows) {
      problems.push(`${name}: ${da.totalRows} rows in dbt, ${db.totalRows} in mdw`);
    }
    if (da.rows !== db.rows || da.checksum !== db.checksum) {
      problems.push(
        `${name}: ${rel.resource_type === 'snapshot' ? 'current rows' : 'rows'} differ (checksum ${da.checksum} vs ${db.checksum})\n` +
          describeRowDifference(da.rowTexts, db.rowTexts, ['dbt', 'mdw']),
      );
    }
  }
  return problems;
}

/** Compare run_results: the same nodes (by unique_id) with the same statuses. */
function compareRunResults(command: string, dbtResults: RunResult[], mdwResults: RunResult[]): string[] {
  const problems: string[] = [];
  const dbtIds = new Set(dbtResults.map((r) => r.unique_id));
  const mdwIds = new Set(mdwResults.map((r) => r.unique_id));
  const missing = [...dbtIds].filter((id) => !mdwIds.has(id)).sort();
  const extra = [...mdwIds].filter((id) => !dbtIds.has(id)).sort();
  if (missing.length)
    problems.push(
      `${command}: no mdw result for ${missing.length} dbt node(s):\n    ${missing.join('\n    ')}`,
    );
  if (extra.length)
    problems.push(
      `${command}: mdw results for ${extra.length} node(s) dbt did not run:\n    ${extra.join('\n    ')}`,
    );
  // statuses by unique_id; test ids also matched without their hash suffix, so a hashing
  // difference (reported above) does not hide a status difference
  const mdwById = new Map(mdwResults.map((r) => [r.unique_id, r]));
  const mdwByLooseId = new Map(mdwResults.map((r) => [withoutTestHash(r.unique_id), r]));
  for (const r of dbtResults) {
    const m = mdwById.get(r.unique_id) ?? mdwByLooseId.get(withoutTestHash(r.unique_id));
    if (!m) continue;
    if (m.status !== r.status) {
      problems.push(
        `${command}: ${r.unique_id} is '${m.status}' in mdw, '${r.status}' in dbt${m.message ? ` (mdw: ${m.message})` : ''}`,
      );
    }
  }
  const ca = JSON.stringify(countStatuses(dbtResults));
  const cb = JSON.stringify(countStatuses(mdwResults));
  if (ca !== cb) problems.push(`${command}: status counts differ\n    dbt: ${ca}\n    mdw: ${cb}`);
  return problems;
}

for (const fixture of FIXTURES) {
  describe(`parity with dbt: ${fixture}`, { concurrency: 1 }, () => {
    const tmp = makeTempRoot(`parity-${fixture}`);
    let venvBin = '';
    const dbtCopy = copyFixture(fixture, tmp.root, 'dbt');
    const mdwCopy = copyFixture(fixture, tmp.root, 'mdw');
    const state: Record<string, RoundOutcome | undefined> = {};

    // a fixture with packages.yml installs them first, its git and hub packages from local fixtures
    const hasPackages = existsSync(path.join(fixturesRoot, fixture, 'packages.yml'));
    let stopPackageSources = async () => {};

    before(
      async () => {
        venvBin = await ensureDbtVenv();
        if (hasPackages) {
          const sources = await packageFixtureSources(path.join(fixturesRoot, fixture));
          Object.assign(dbtCopy.env, sources.env);
          Object.assign(mdwCopy.env, sources.env);
          stopPackageSources = sources.stop;
        }
      },
      { timeout: 25 * 60_000 },
    );

    after(async () => {
      await stopPackageSources();
      tmp.cleanup();
    });

    const rounds: { round: number; commands: string[]; title: string }[] = [
      {
        round: 1,
        commands: hasPackages ? ['deps', 'seed', 'build'] : ['seed', 'build'],
        title: hasPackages ? 'deps + seed + build' : 'seed + build',
      },
      {
        round: 2,
        commands: ['seed', 'build', 'snapshot'],
        title: 'after changing inputs (changes/): seed + build + snapshot (incremental, snapshot versions)',
      },
    ];

    for (const { round, commands, title } of rounds) {
      it(`round ${round}: dbt ${title} exits 0`, { timeout: 10 * 60_000 }, async (t) => {
        if (round > 1 && !state.dbt1?.ok) return t.skip('dbt round 1 failed');
        if (round > 1) applyChanges(dbtCopy);
        const { outcome, failure } = await runRound('dbt', venvBin, dbtCopy, commands);
        state[`dbt${round}`] = outcome;
        assert.equal(failure, null, failure ?? '');
      });

      it(`round ${round}: mdw ${title} exits 0`, { timeout: 10 * 60_000 }, async (t) => {
        if (round > 1 && !state.mdw1?.ok) return t.skip('mdw round 1 failed');
        if (round > 1) applyChanges(mdwCopy);
        const { outcome, failure } = await runRound('mdw', venvBin, mdwCopy, commands);
        state[`mdw${round}`] = outcome;
        assert.equal(failure, null, failure ?? '');
      });

      it(`round ${round}: every model, seed and snapshot has the same rows`, {
        timeout: 5 * 60_000,
      }, async (t) => {
        if (!state[`dbt${round}`]?.ok) return t.skip(`dbt round ${round} failed`);
        if (!state[`mdw${round}`]?.ok) return t.skip(`mdw round ${round} failed`);
        const problems = await compareDatabases(dbtCopy, mdwCopy);
        t.diagnostic(
          `compared ${relationsFromManifest(path.join(dbtCopy.projectDir, 'target', 'manifest.json')).length} relations`,
        );
        assert.deepEqual(
          problems,
          [],
          `round ${round}: ${problems.length} difference(s) between dbt and mdw:\n${problems.join('\n')}`,
        );
      });

      it(`round ${round}: run_results has a result per node with dbt's statuses`, async (t) => {
        const a = state[`dbt${round}`];
        const b = state[`mdw${round}`];
        if (!a?.ok) return t.skip(`dbt round ${round} failed`);
        if (!b?.ok) return t.skip(`mdw round ${round} failed`);
        const problems: string[] = [];
        for (const command of commands) {
          problems.push(...compareRunResults(command, a.results[command] ?? [], b.results[command] ?? []));
        }
        // sanity: dbt itself passed everything except intentional warnings
        const bad = (a.results.build ?? []).filter((r) => !['success', 'pass', 'warn'].includes(r.status));
        assert.deepEqual(
          bad.map((r) => `${r.unique_id}: ${r.status}`),
          [],
          'dbt itself has failures: fixture bug',
        );
        assert.deepEqual(problems, [], `round ${round}: run_results differ:\n${problems.join('\n')}`);
      });
    }

    // run-operation and source freshness, after the rounds (fixtures with macros/operations.sql)
    it("run-operation and source freshness give dbt's exit codes, statuses and relations", {
      timeout: 5 * 60_000,
    }, async (t) => {
      if (!existsSync(path.join(dbtCopy.projectDir, 'macros', 'operations.sql')))
        return t.skip('no operations in this fixture');
      if (!state.dbt1?.ok || !state.mdw1?.ok) return t.skip('round 1 failed');
      const operation = ['make_counter_table', '--args', '{name: op_counter, n: 3}'];
      const selftest = process.env.MDW_PARITY_SELFTEST === '1';
      const run = (side: Side, command: string, extra: string[]) => {
        const copy = side === 'dbt' ? dbtCopy : mdwCopy;
        return side === 'dbt' || selftest
          ? runDbt(venvBin, copy, command, extra)
          : runMdw(copy, command, extra);
      };
      const problems: string[] = [];
      for (const [command, extra] of [
        ['run-operation', operation],
        ['source freshness', []],
      ] as const) {
        const a = await run('dbt', command, [...extra]);
        const b = await run('mdw', command, [...extra]);
        if (a.code !== b.code)
          problems.push(`${command}: exit ${b.code} in mdw, ${a.code} in dbt\n${outputTail(b, 1500)}`);
      }
      const freshness = (copy: FixtureCopy) =>
        readJson<{ results: { unique_id: string; status: string; criteria: unknown }[] }>(
          path.join(copy.projectDir, 'target', 'sources.json'),
        ).results.map((r) => `${r.unique_id}: ${r.status} ${JSON.stringify(r.criteria)}`);
      assert.ok(freshness(dbtCopy).length > 0, 'dbt checked no source: fixture bug');
      assert.deepEqual(freshness(mdwCopy), freshness(dbtCopy), 'sources.json statuses differ');
      const counter = async (copy: FixtureCopy) =>
        withDatabase(copy.dbPath, copy.projectDir, (conn) => relationDigest(conn, 'main', 'op_counter'));
      const [da, db] = [await counter(dbtCopy), await counter(mdwCopy)];
      if (da.checksum !== db.checksum)
        problems.push(
          `op_counter differs:\n${describeRowDifference(da.rowTexts, db.rowTexts, ['dbt', 'mdw'])}`,
        );
      assert.deepEqual(problems, [], problems.join('\n'));
    });
  });
}
