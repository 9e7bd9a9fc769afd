/**
 * Damaged landing files: every line is either read or quarantined with its line number,
 * and the reader's count plus the quarantine must equal an independent count of the lines.
 */
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DuckDBInstance } from '@duckdb/node-api';
import { makeProject, runMdw } from '../support/project.js';
import {
  generate,
  mdw,
  newWarehouse,
  query,
  removeWarehouse,
  runResults,
  type WarehouseRun,
} from '../support/warehouse.js';

async function queryFile(path: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
  try {
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
    connection.closeSync();
    return rows;
  } finally {
    instance.closeSync();
  }
}

function landingOf(projectDir: string): { quarantined: number; sources: any[] } {
  return JSON.parse(readFileSync(join(projectDir, 'target', 'run_results.json'), 'utf8')).landing;
}

const SOURCES = (options: string) => `version: 2
sources:
  - name: shop
    schema: raw
    tables:
      - name: orders
        external:
          location: "data/orders.csv"
${options}
      - name: events
        external:
          location: "data/events/partition=*/*.csv"
models:
  - name: orders_copy
`;

describe('landing check on a small project', () => {
  const clean = Array.from({ length: 18 }, (_, i) => `${i + 1},item${i + 1},${i + 10}`);
  const damaged = [...clean];
  damaged[4] = damaged[4]!.replace(',', ',"'); // line 6: the stray quote
  damaged[9] = '10,only-two'; // line 11: too few fields
  const project = (options = '') =>
    makeProject({
      'models/sources.yml': SOURCES(options),
      'models/orders_copy.sql': "select * from {{ source('shop', 'orders') }}",
      'models/events_copy.sql': "select * from {{ source('shop', 'events') }}",
      'data/orders.csv': `id,name,amount\n${damaged.join('\n')}\n`,
      'data/events/partition=20240101/part-0.csv': 'event,user_id\nclick,1\n',
      'data/events/partition=20240102/part-0.csv': 'event,user_id\nview,2\n"buy,2\nsell,3\n',
    });

  it('quarantines damaged lines, loads the rest, and reports them', async () => {
    const dir = project();
    const result = runMdw(dir, ['run']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
    assert.match(result.stdout, /Quarantined 3 landing lines the CSV reader could not read:/);
    assert.match(
      result.stdout,
      /shop\.orders data\/orders\.csv: 2 of 18 lines quarantined \(unterminated_quote 1, too_few_fields 1\) in main_dqm\.main_dqm_quarantine/,
    );
    const db = join(dir, 'target', 'shop.duckdb');
    const [orders] = await queryFile(db, 'select count(*)::int as n from main.orders_copy');
    assert.equal(orders!.n, 16);
    const events = await queryFile(db, 'select event, partition from main.events_copy order by all');
    assert.deepEqual(events, [
      { event: 'click', partition: '20240101' },
      { event: 'sell', partition: '20240102' },
      { event: 'view', partition: '20240102' },
    ]);
    const quarantine = await queryFile(
      db,
      'select source, file, line::int as line, reason, raw_text from main_dqm.main_dqm_quarantine order by source, line',
    );
    assert.deepEqual(quarantine, [
      {
        source: 'shop.events',
        file: 'data/events/partition=20240102/part-0.csv',
        line: 3,
        reason: 'unterminated_quote',
        raw_text: '"buy,2',
      },
      {
        source: 'shop.orders',
        file: 'data/orders.csv',
        line: 6,
        reason: 'unterminated_quote',
        raw_text: '5,"item5,14',
      },
      {
        source: 'shop.orders',
        file: 'data/orders.csv',
        line: 11,
        reason: 'too_few_fields',
        raw_text: '10,only-two',
      },
    ]);
    const landing = landingOf(dir);
    assert.equal(landing.quarantined, 3);
    const orderFile = landing.sources.find((s) => s.source === 'shop.orders').files[0];
    assert.deepEqual(orderFile, {
      file: 'data/orders.csv',
      data_lines: 18,
      rows_read: 16,
      quarantined: 2,
      reasons: { unterminated_quote: 1, too_few_fields: 1 },
      scanned: true,
    });

    // Repaired files: the copies and the quarantine rows of the source go away.
    writeFileSync(join(dir, 'data/orders.csv'), `id,name,amount\n${clean.join('\n')}\n`);
    assert.equal(runMdw(dir, ['run', '-s', 'orders_copy']).code, 0);
    const [after] = await queryFile(db, 'select count(*)::int as n from main.orders_copy');
    assert.equal(after!.n, 18);
    const left = await queryFile(db, 'select distinct source from main_dqm.main_dqm_quarantine');
    assert.deepEqual(left, [{ source: 'shop.events' }]);
  });

  it('an unchanged whole file is not scanned again; a new or changed one is', async () => {
    const dir = project();
    writeFileSync(join(dir, 'data/orders.csv'), `id,name,amount\n${clean.join('\n')}\n`);
    assert.equal(runMdw(dir, ['run']).code, 0);
    const scannedOf = () =>
      landingOf(dir)
        .sources.flatMap((source) => source.files)
        .map((file: { file: string; scanned: boolean }) => `${file.file} ${file.scanned}`)
        .sort();
    assert.deepEqual(scannedOf(), [
      'data/events/partition=20240101/part-0.csv true',
      'data/events/partition=20240102/part-0.csv true',
      'data/orders.csv true',
    ]);
    // The damaged events file is checked again (its quarantine is redone); a new day's
    // folder is scanned; the whole files of the first run are taken as read.
    mkdirSync(join(dir, 'data/events/partition=20240103'));
    writeFileSync(join(dir, 'data/events/partition=20240103/part-0.csv'), 'event,user_id\nbuy,4\n');
    assert.equal(runMdw(dir, ['run']).code, 0);
    assert.deepEqual(scannedOf(), [
      'data/events/partition=20240101/part-0.csv false',
      'data/events/partition=20240102/part-0.csv true',
      'data/events/partition=20240103/part-0.csv true',
      'data/orders.csv false',
    ]);
    const added = await queryFile(
      join(dir, 'target', 'shop.duckdb'),
      "select event, partition from main.events_copy where user_id = '4'",
    );
    assert.deepEqual(added, [{ event: 'buy', partition: '20240103' }]);
    // A changed file is scanned and counted again: a damaged line added to it is caught.
    writeFileSync(join(dir, 'data/orders.csv'), `id,name,amount\n${damaged.join('\n')}\n`);
    assert.equal(runMdw(dir, ['run']).code, 0);
    const orders = landingOf(dir).sources.find((s) => s.source === 'shop.orders').files[0];
    assert.equal(orders.scanned, true);
    assert.equal(orders.quarantined, 2);
  });

  it('too much damage fails naming the file and the limit', () => {
    const dir = project('          quarantine:\n            max_percent: 10');
    const result = runMdw(dir, ['run', '-s', 'orders_copy']);
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      /data\/orders\.csv: 2 of 18 data lines \(11%\) could not be read and were quarantined, more than the limit of 10% \(quarantine max_percent\) of source shop\.orders; see main_dqm\.main_dqm_quarantine\./,
    );
    const byVars = runMdw(dir, ['run', '-s', 'orders_copy', '--vars', '{mdw_quarantine_max_rows: 1}']);
    assert.equal(byVars.code, 1, 'the source limit still applies');
    const relaxed = project('          quarantine:\n            max_rows: 2');
    assert.equal(runMdw(relaxed, ['run', '-s', 'orders_copy']).code, 0);
    const strict = project();
    const viaVars = runMdw(strict, ['run', '-s', 'orders_copy', '--vars', '{mdw_quarantine_max_rows: 1}']);
    assert.equal(viaVars.code, 1);
    assert.match(viaVars.stdout, /more than the limit of 1 lines \(quarantine max_rows\)/);
  });

  it('a reader that returns fewer rows than the file has lines stops the build naming the file', () => {
    // `skip` makes DuckDB drop lines the independent count still sees.
    const dir = project('          options:\n            skip: 3');
    const result = runMdw(dir, ['run', '-s', 'orders_copy']);
    assert.equal(result.code, 1);
    assert.match(
      result.stdout,
      /data\/orders\.csv: the CSV reader returned \d+ rows and 2 lines were quarantined, but the file has 18 data lines; the build stops so that no line is lost silently \(source shop\.orders\)\./,
    );
    assert.doesNotMatch(result.stdout + result.stderr, /internal error|\n\s+at /);
  });
});

describe('the stray quote of issue 16 on the grocery warehouse', () => {
  const runs: WarehouseRun[] = [];
  after(() => {
    for (const run of runs) removeWarehouse(run);
  });

  it('quarantines line 5,001 and loads every other sale', async () => {
    const run = newWarehouse('stray-quote');
    runs.push(run);
    assert.equal(generate(run, ['--scale', '0.01']).code, 0);
    const first = mdw(run, ['build']);
    assert.equal(first.code, 0, first.stdout.slice(-3000));
    const cleanIds = (await query(run, 'select sales_id from mdw_cur.mdw_cur_ft_sales')).map((r) =>
      Number(r.sales_id),
    );

    const file = join(run.rawDir, 'sales.csv');
    const lines = readFileSync(file, 'utf8').split('\n');
    const damagedId = Number(lines[5000]!.split(',')[0]);
    lines[5000] = lines[5000]!.replace(',', ',"'); // line 5,001: `"` after the first comma
    writeFileSync(file, lines.join('\n'));

    const build = mdw(run, ['build', '--full-refresh']);
    assert.equal(build.code, 0, build.stdout.slice(-3000));
    assert.match(
      build.stdout,
      /sales\.csv: 1 of 67,581 lines quarantined \(unterminated_quote 1\) in mdw_dqm\.mdw_dqm_quarantine/,
    );
    const [raw] = await query(run, 'select count(*)::int as n from mdw_raw.sales');
    assert.equal(raw!.n, 67_580);
    const quarantined = await query(run, 'select line::int as line, reason from mdw_dqm.mdw_dqm_quarantine');
    assert.deepEqual(quarantined, [{ line: 5001, reason: 'unterminated_quote' }]);
    const factIds = new Set(
      (await query(run, 'select sales_id from mdw_cur.mdw_cur_ft_sales')).map((r) => Number(r.sales_id)),
    );
    const lost = cleanIds.filter((id) => id !== damagedId && !factIds.has(id));
    assert.deepEqual(lost, [], `${lost.length} sales lost besides the damaged line`);
    assert.ok(runResults(run).every((r) => r.status === 'success' || r.status === 'pass'));
    const landing = landingOf(run.projectDir);
    assert.equal(landing.quarantined, 1);
  });
});
