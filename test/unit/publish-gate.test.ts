/**
 * The write-audit-publish gate of a run (run/publish.ts): the mode from --no-wap and the var,
 * all or nothing on errors and error-severity failures (warnings pass), the sentences of the
 * summary, and Ctrl-C's notice while tables are staged.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Adapter, StagedPublishing } from '../../src/adapters/types.js';
import type { ManifestNode } from '../../src/manifest/types.js';
import { InterruptNotice } from '../../src/run/interrupt.js';
import { PublishGate, publishLines, publishMode } from '../../src/run/publish.js';
import { type NodeResult, newResult } from '../../src/run/results.js';
import { ConfigError } from '../../src/util/errors.js';
import { testNode } from '../support/nodes.js';

class FakePublishing implements StagedPublishing {
  calls: string[] = [];
  constructor(
    private readonly tables: string[],
    private readonly conflict = false,
  ) {}
  async begin() {
    this.calls.push('begin');
  }
  staged() {
    return [...this.tables];
  }
  async publish() {
    this.calls.push('publish');
    if (this.conflict)
      throw new Error('Iceberg table main.fact was changed by another writer while this build staged it.');
    return [...this.tables];
  }
  async discard() {
    this.calls.push('discard');
    return [...this.tables];
  }
}

const fact = testNode(
  'model',
  'fact',
  { materialized: 'table' },
  { unique_id: 'model.test.fact', alias: 'fact' },
);
const daily = testNode(
  'model',
  'daily',
  { materialized: 'table' },
  { unique_id: 'model.test.daily', alias: 'daily' },
);
const volume = testNode(
  'test',
  'fact_volume',
  { severity: 'error' },
  {
    unique_id: 'test.test.fact_volume',
    depends_on: { nodes: ['model.test.fact'], macros: [] },
  },
);
const nodes: Record<string, ManifestNode> = Object.fromEntries(
  [fact, daily, volume].map((n) => [n.unique_id, n]),
);

function result(node: ManifestNode, status: NodeResult['status']): NodeResult {
  return { ...newResult(node, 'Thread-1'), status };
}

function adapterWith(publishing: StagedPublishing): Adapter {
  return { publishing } as unknown as Adapter;
}

describe('the publish gate', () => {
  test('mode: all or nothing by default, per table with --no-wap or the var, anything else refused', () => {
    assert.equal(publishMode(false, {}), 'all_or_nothing');
    assert.equal(publishMode(true, {}), 'per_table');
    assert.equal(publishMode(false, { mdw_publish: 'per_table' }), 'per_table');
    assert.equal(publishMode(true, { mdw_publish: 'all_or_nothing' }), 'per_table');
    assert.throws(() => publishMode(false, { mdw_publish: 'yes' }), ConfigError);
  });

  test('publishes when nothing failed; a warning does not block', async () => {
    const publishing = new FakePublishing(['main.daily', 'main.fact']);
    const gate = await PublishGate.start(adapterWith(publishing), 'all_or_nothing');
    assert.equal(gate.staging, true);
    const report = await gate.finish(nodes, [
      result(fact, 'success'),
      result(volume, 'warn'),
      result(daily, 'success'),
    ]);
    assert.deepEqual(publishing.calls, ['begin', 'publish']);
    assert.equal(report.status, 'published');
    assert.deepEqual(publishLines(report), [
      "Published 2 Iceberg tables together after the run's tests passed (write-audit-publish).",
    ]);
    await gate.abandon();
    assert.deepEqual(publishing.calls, ['begin', 'publish'], 'nothing left to abandon');
  });

  test('a failed error test discards everything and names what it blocked', async () => {
    const publishing = new FakePublishing(['main.daily', 'main.fact']);
    const gate = await PublishGate.start(adapterWith(publishing), 'all_or_nothing');
    const report = await gate.finish(nodes, [
      result(fact, 'success'),
      result(volume, 'fail'),
      result(daily, 'skipped'),
    ]);
    assert.deepEqual(publishing.calls, ['begin', 'discard']);
    assert.equal(report.status, 'blocked');
    assert.deepEqual(report.blocked_by, [
      {
        unique_id: volume.unique_id,
        resource_type: 'test',
        name: 'fact_volume',
        status: 'fail',
        tables: ['main.fact'],
      },
    ]);
    assert.deepEqual(publishLines(report), [
      'Nothing from this run was published (write-audit-publish, all or nothing): the published warehouse is as it was before the run.',
      '  Blocked by test fact_volume (failed) on main.fact.',
      'The staged changes to 2 Iceberg tables were discarded: main.daily, main.fact. Fix the cause and run the build again.',
    ]);
  });

  test('a model error blocks too; a conflict publishes nothing', async () => {
    const blocked = new FakePublishing(['main.fact']);
    const gate = await PublishGate.start(adapterWith(blocked), 'all_or_nothing');
    const report = await gate.finish(nodes, [result(fact, 'success'), result(daily, 'error')]);
    assert.equal(report.status, 'blocked');
    assert.match(publishLines(report)[1]!, /Blocked by model daily \(error\) building main\.daily\./);

    const raced = new FakePublishing(['main.fact'], true);
    const second = await PublishGate.start(adapterWith(raced), 'all_or_nothing');
    const lost = await second.finish(nodes, [result(fact, 'success')]);
    assert.deepEqual(raced.calls, ['begin', 'publish', 'discard']);
    assert.equal(lost.status, 'conflict');
    assert.match(
      publishLines(lost)[0]!,
      /^Nothing from this run was published: Iceberg table main\.fact was changed/,
    );
  });

  test('per table: no staging, nothing to publish at the end', async () => {
    const publishing = new FakePublishing(['main.fact']);
    const gate = await PublishGate.start(adapterWith(publishing), 'per_table');
    assert.equal(gate.staging, false);
    const report = await gate.finish(nodes, [result(volume, 'fail')]);
    assert.deepEqual(publishing.calls, []);
    assert.equal(report.status, 'per_table');
    assert.deepEqual(publishLines(report), []);
  });

  test('Ctrl-C says staged tables are not published', () => {
    const notice = new InterruptNotice();
    notice.start('a', 'main.slow');
    notice.stagedTables = () => ['main.fact', 'main.daily'];
    assert.match(
      notice.describe().join('\n'),
      /0 nodes finished before the interruption; the 2 Iceberg tables they changed were staged and are not published \(write-audit-publish\): readers still see the warehouse as it was\./,
    );
    notice.stagedTables = () => [];
    assert.match(notice.describe().join('\n'), /their tables are published/);
  });
});
