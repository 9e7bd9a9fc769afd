/**
 * Crash safety and concurrency of Iceberg commits, with real processes (Node only).
 *   - A child commits in a loop (appends, partition overwrites, compactions) and is SIGKILLed
 *     at random moments, 50 times: each time the table loads, sits at the last commit the
 *     child reported or the one after it, holds exactly its summary's total-records, and
 *     takes the next commit. Orphans of the killed commits are removed at the end.
 *   - Two children append to one table at once: nothing committed is lost, and each either
 *     finishes or stops with the one-sentence conflict error.
 * This file is also the child program (MDW_ICEBERG_CHILD set).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { duckDbRewriter, schemaForSelect, writeDataFiles } from '../../src/adapters/duckdb/iceberg/index.js';
import { type IcebergTable, openCatalog } from '../../src/lakehouse/iceberg/index.js';
import { errorMessage } from '../../src/util/errors.js';

const ROWS_PER_COMMIT = 10;

function rowsSql(seed: number, rows = ROWS_PER_COMMIT): string {
  return `select (${seed} * 1000 + i)::bigint as id, 'w' || ${seed} as writer, (i * 0.5)::decimal(10,2) as amount,
      '2018010' || (1 + (${seed} + i) % 3)::varchar as partition
    from range(${rows}) t(i)`;
}

async function appendRows(conn: DuckDBConnection, table: IcebergTable, seed: number) {
  const files = await writeDataFiles(conn, {
    selectSql: rowsSql(seed),
    schema: table.schema(),
    partitioned: true,
    dataDir: table.dataDir(),
  });
  return table.append(files);
}

// --- the child ---------------------------------------------------------------------------------

async function child(): Promise<void> {
  const [warehouse, mode, count] = process.argv.slice(2) as [string, string, string];
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const catalog = openCatalog(warehouse);
  const table = catalog.loadTable('mdw', 'events');
  const seedBase = Number(process.env.MDW_ICEBERG_SEED ?? 0);
  const say = (line: string) => process.stdout.write(`${line}\n`);
  if (mode === 'append') {
    let done = 0;
    try {
      for (; done < Number(count); done++) await appendRows(conn, table, seedBase + done);
      say(`done ${done}`);
    } catch (error) {
      say(`stopped ${done} ${errorMessage(error)}`);
    }
    return;
  }
  // crash mode: commit forever, reporting each snapshot that committed
  for (let i = 0; ; i++) {
    const kind = i % 5;
    let snapshot: Awaited<ReturnType<IcebergTable['append']>> | undefined;
    if (kind === 3) {
      const day = table.dataFiles().filter((f) => f.partition.partition === '20180101');
      const files = await writeDataFiles(conn, {
        selectSql: `select * from (${rowsSql(seedBase + i)}) where partition = '20180101'`,
        schema: table.schema(),
        partitioned: true,
        dataDir: table.dataDir(),
      });
      snapshot = await table.overwrite({ deleteFiles: day, addFiles: files });
    } else if (kind === 4) {
      snapshot = await table.compact(duckDbRewriter(conn, table), 8 << 20);
    }
    snapshot ??= await appendRows(conn, table, seedBase + i);
    say(`committed ${snapshot['snapshot-id']}`);
  }
}

// --- the tests ---------------------------------------------------------------------------------

const self = fileURLToPath(import.meta.url);

interface ChildRun {
  lines: string[];
  kill(): Promise<void>;
  done: Promise<number | null>;
  waitForLine(prefix: string): Promise<void>;
}

function runChild(args: string[], seed: number): ChildRun {
  const proc = spawn(process.execPath, [self, ...args], {
    env: { ...process.env, MDW_ICEBERG_CHILD: '1', MDW_ICEBERG_SEED: String(seed) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let buffer = '';
  let stderr = '';
  const waiters: (() => void)[] = [];
  proc.stdout.on('data', (d) => {
    buffer += d;
    const parts = buffer.split('\n');
    buffer = parts.pop()!;
    lines.push(...parts);
    for (const w of waiters.splice(0)) w();
  });
  proc.stderr.on('data', (d) => {
    stderr += d;
  });
  const done = new Promise<number | null>((resolve) => proc.on('close', (code) => resolve(code)));
  return {
    lines,
    done,
    kill: async () => {
      proc.kill('SIGKILL');
      await done;
    },
    waitForLine: (prefix) =>
      new Promise((resolve, reject) => {
        const check = () => {
          if (lines.some((l) => l.startsWith(prefix))) resolve();
          else if (proc.exitCode !== null || proc.signalCode !== null)
            reject(new Error(`child ended: ${stderr}`));
          else waiters.push(check);
        };
        proc.on('close', check);
        check();
      }),
  };
}

if (process.env.MDW_ICEBERG_CHILD) {
  await child();
} else {
  let instance: DuckDBInstance;
  let conn: DuckDBConnection;
  const roots: string[] = [];

  before(async () => {
    instance = await DuckDBInstance.create(':memory:');
    conn = await instance.connect();
  });
  after(() => {
    conn.closeSync();
    instance.closeSync();
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });

  async function newTable(): Promise<string> {
    const warehouse = mkdtempSync(join(tmpdir(), 'mdw-iceberg-crash-'));
    roots.push(warehouse);
    const schema = await schemaForSelect(conn, rowsSql(0));
    openCatalog(warehouse).createTable('mdw', 'events', schema, { partitioned: true });
    return warehouse;
  }

  async function rowCount(table: IcebergTable): Promise<number> {
    const files = table.dataFiles().map((f) => `'${f.localPath}'`);
    if (files.length === 0) return 0;
    const r = await conn.runAndReadAll(`select count(*)::int from read_parquet([${files.join(', ')}])`);
    return r.getRowsJS()[0]![0] as number;
  }

  describe('iceberg commits survive SIGKILL and concurrent writers', () => {
    test('50 random kills: the table is always at the old or the new snapshot, whole', async (t) => {
      const warehouse = await newTable();
      const t0 = Date.now();
      let kills = 0;
      let sawCommitAfterReport = 0;
      for (let trial = 0; trial < 50; trial++) {
        const run = runChild([warehouse, 'crash'], trial * 100);
        await run.waitForLine('committed ');
        await new Promise((r) => setTimeout(r, Math.random() * 120));
        await run.kill();
        kills++;
        const reported = run.lines
          .filter((l) => l.startsWith('committed '))
          .map((l) => BigInt(l.split(' ')[1]!));
        const last = reported.at(-1)!;

        const table = openCatalog(warehouse).loadTable('mdw', 'events');
        const current = table.currentSnapshot()!;
        // old (last reported) or new (committed, killed before it could say so)
        const atOld = current['snapshot-id'] === last;
        const atNew = current['parent-snapshot-id'] === last;
        assert.ok(
          atOld || atNew,
          `trial ${trial}: current ${current['snapshot-id']} is neither ${last} nor its child`,
        );
        if (atNew) sawCommitAfterReport++;
        assert.equal(String(await rowCount(table)), current.summary['total-records'], `trial ${trial}`);
        // the next commit goes through
        const next = await appendRows(conn, table, 90_000 + trial);
        assert.equal(next['parent-snapshot-id'], current['snapshot-id']);
      }
      assert.equal(kills, 50);
      // crashed commits leave only unreferenced files, which orphan removal clears
      const table = openCatalog(warehouse).loadTable('mdw', 'events');
      const before = await rowCount(table);
      const orphans = await table.removeOrphans({ olderThanMs: 0 });
      assert.equal(await rowCount(openCatalog(warehouse).loadTable('mdw', 'events')), before);
      assert.ok(Date.now() - t0 < 240_000);
      t.diagnostic(
        `kills=50 landed-but-unreported=${sawCommitAfterReport} orphans-removed=${orphans.length} snapshots=${table.snapshots().length}`,
      );
    });

    test('two processes appending 15 times each lose nothing', async (t) => {
      const warehouse = await newTable();
      const n = 15;
      const a = runChild([warehouse, 'append', String(n)], 1000);
      const b = runChild([warehouse, 'append', String(n)], 2000);
      await Promise.all([a.done, b.done]);
      const outcome = (run: ChildRun) => {
        const line = run.lines.find((l) => l.startsWith('done ') || l.startsWith('stopped '))!;
        assert.ok(line, `child printed: ${run.lines.join(' | ')}`);
        const committed = Number(line.split(' ')[1]);
        if (line.startsWith('stopped ')) {
          assert.match(
            line,
            /Could not commit to Iceberg table mdw\.events: other writers committed first \d+ times in a row\./,
          );
        } else {
          assert.equal(committed, n);
        }
        return committed;
      };
      const committed = outcome(a) + outcome(b);
      const table = openCatalog(warehouse).loadTable('mdw', 'events');
      assert.equal(table.snapshots().length, committed);
      assert.equal(await rowCount(table), committed * ROWS_PER_COMMIT);
      assert.equal(table.currentSnapshot()!.summary['total-records'], String(committed * ROWS_PER_COMMIT));
      // one linear history: every snapshot's parent is the one before it
      const seqs = table.snapshots().map((s) => s['sequence-number']);
      assert.deepEqual(
        seqs,
        Array.from({ length: committed }, (_, i) => i + 1),
      );
      t.diagnostic(`concurrent appends committed=${committed} of ${2 * n}`);
    });
  });
}
