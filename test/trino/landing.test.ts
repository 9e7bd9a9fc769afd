/**
 * The landing check on the trino target (issue 16): damaged landing lines are counted
 * independently of Trino's CSV reader and quarantined with their line numbers; good lines
 * load; a file Trino reads differently from the independent count stops the build naming it.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { rows, TrinoProject, trinoProfile, uniqueSchema } from './helpers.js';

const schema = uniqueSchema('mdw_landing');
let project: TrinoProject;

const SOURCES = (options: string) => `version: 2
sources:
  - name: shop
    schema: ${schema}_raw
    tables:
      - name: orders
        external:
          location: "data/orders.csv"
${options}
      - name: events
        external:
          location: "data/events/partition=*/*.csv"
`;

const clean = Array.from({ length: 18 }, (_, i) => `${i + 1},item${i + 1},${i + 10}`);
const damaged = [...clean];
damaged[4] = damaged[4]!.replace(',', ',"'); // line 6: a stray quote
damaged[9] = '10,only-two'; // line 11: too few fields

before(() => {
  project = new TrinoProject('mdw-trino-landing');
  project.write('profiles.yml', trinoProfile({ schema }));
  project.write('models/sources.yml', SOURCES(''));
  project.write('models/orders_copy.sql', "select * from {{ source('shop', 'orders') }}");
  project.write('models/events_copy.sql', "select * from {{ source('shop', 'events') }}");
  project.write('data/orders.csv', `id,name,amount\n${damaged.join('\n')}\n`);
  project.write('data/events/partition=20240101/part-0.csv', 'event,user_id\nclick,1\n');
  project.write('data/events/partition=20240102/part-0.csv', 'event,user_id\nview,2\n"buy,2\nsell,3\n');
});

after(() => project.remove([schema, `${schema}_raw`, `${schema}_dqm`]));

describe('the landing check on the trino target', () => {
  test('a stray quote and a short line are quarantined; the good lines load', async () => {
    const run = project.mdw('run');
    assert.equal(run.status, 0, run.output);
    assert.match(run.output, /Quarantined 3 landing lines the CSV reader could not read:/);
    assert.match(
      run.output,
      new RegExp(
        `shop\\.orders data/orders\\.csv: 2 of 18 lines quarantined \\(unterminated_quote 1, too_few_fields 1\\) in ${schema}_dqm\\.${schema}_dqm_quarantine`,
      ),
    );
    assert.deepEqual(await rows(`select count(*) from iceberg."${schema}"."orders_copy"`), [[16n]]);
    assert.deepEqual(
      await rows(`select event, "partition" from iceberg."${schema}"."events_copy" order by 1`),
      [
        ['click', '20240101'],
        ['sell', '20240102'],
        ['view', '20240102'],
      ],
    );
    assert.deepEqual(
      await rows(
        `select source, file, cast(line as integer), reason, raw_text from iceberg."${schema}_dqm"."${schema}_dqm_quarantine" order by source, line`,
      ),
      [
        ['shop.events', 'data/events/partition=20240102/part-0.csv', 3, 'unterminated_quote', '"buy,2'],
        ['shop.orders', 'data/orders.csv', 6, 'unterminated_quote', '5,"item5,14'],
        ['shop.orders', 'data/orders.csv', 11, 'too_few_fields', '10,only-two'],
      ],
    );
    const landing = JSON.parse(readFileSync(join(project.dir, 'target', 'run_results.json'), 'utf8')).landing;
    assert.equal(landing.quarantined, 3);
    assert.deepEqual(landing.sources.find((s: { source: string }) => s.source === 'shop.orders').files, [
      {
        file: 'data/orders.csv',
        data_lines: 18,
        rows_read: 16,
        quarantined: 2,
        reasons: { unterminated_quote: 1, too_few_fields: 1 },
        scanned: true,
      },
    ]);
  });

  test('a repaired file loads whole and its quarantine rows go away', async () => {
    project.write('data/orders.csv', `id,name,amount\n${clean.join('\n')}\n`);
    const run = project.mdw('run', '-s', 'orders_copy');
    assert.equal(run.status, 0, run.output);
    assert.deepEqual(await rows(`select count(*) from iceberg."${schema}"."orders_copy"`), [[18n]]);
    assert.deepEqual(
      await rows(`select distinct source from iceberg."${schema}_dqm"."${schema}_dqm_quarantine"`),
      [['shop.events']],
    );
  });

  test('too much damage fails naming the file and the limit', () => {
    project.write('data/orders.csv', `id,name,amount\n${damaged.join('\n')}\n`);
    project.write('models/sources.yml', SOURCES('          quarantine:\n            max_percent: 10'));
    const run = project.mdw('run', '-s', 'orders_copy');
    assert.equal(run.status, 1, run.output);
    assert.match(
      run.output,
      new RegExp(
        `data/orders\\.csv: 2 of 18 data lines \\(11%\\) could not be read and were quarantined, more than the limit of 10% \\(quarantine max_percent\\) of source shop\\.orders; see ${schema}_dqm\\.${schema}_dqm_quarantine\\.`,
      ),
    );
    project.write('models/sources.yml', SOURCES(''));
  });

  test('a line Trino reads differently from the independent count stops the build naming the file', () => {
    // a quoted field holding a line break is one well-formed record; Trino's Hive CSV reader
    // reads line by line, so the counts disagree
    project.write('data/orders.csv', `id,name,amount\n1,"two\nlines",3\n2,plain,4\n`);
    const run = project.mdw('run', '-s', 'orders_copy');
    assert.equal(run.status, 1, run.output);
    assert.match(
      run.output,
      /data\/orders\.csv: Trino's CSV reader returned \d+ rows and 0 lines were quarantined, but the file has 2 data lines; the build stops so that no line is lost silently \(source shop\.orders\)\./,
    );
    assert.doesNotMatch(run.output, /\n\s+at /, 'no stack trace');
  });
});
