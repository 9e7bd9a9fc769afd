/**
 * A snapshot run's writes on Trino and Athena (writeVersions, shared): the new versions are
 * staged once with the version each closes; a run with none (the usual day for master data)
 * reads the snapshot table once and writes nothing.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { writeVersions } from '../../src/adapters/trino/snapshot.js';
import type { SnapshotPlan } from '../../src/materialize/snapshot.js';

class Recorder {
  readonly log: string[] = [];
  constructor(private readonly stagedChanges: number | null) {}

  async query(sql: string): Promise<{ rowsAffected: number | null }> {
    const text = sql.replace(/\s+/g, ' ').trim();
    this.log.push(text);
    if (text.startsWith('create table snp__changes')) return { rowsAffected: this.stagedChanges };
    return { rowsAffected: 1 };
  }
}

const relation = (name: string) => ({ render: () => name });
const plan: SnapshotPlan = {
  strategy: 'check',
  keys: ['id'],
  updatedAt: null,
  checkCols: ['name'],
  hardDeletes: 'ignore',
};

async function run(stagedChanges: number | null, hardDeletes: SnapshotPlan['hardDeletes'] = 'ignore') {
  const conn = new Recorder(stagedChanges);
  const result = await writeVersions({
    conn,
    target: relation('snp'),
    source: relation('snp__source'),
    current: relation('snp__current'),
    changes: relation('snp__changes'),
    plan: { ...plan, hardDeletes },
    runTime: "cast('2026-11-30 00:00:00' as timestamp(6))",
    sourceColumns: [{ name: 'id' }, { name: 'name' }],
    checkCols: ['name'],
    checkColumnAdded: false,
  });
  return { conn, result };
}

describe('snapshot versions on Trino and Athena', () => {
  it('stages the changed and new rows once, then closes and inserts from them', async () => {
    const { conn, result } = await run(3);
    const [staged, merge, insert] = conn.log;
    assert.match(
      staged!,
      /^create table snp__changes as select src\.\*, cur\.dbt_scd_id as "__mdw_closes" from snp__source as src left join \(select dbt_scd_id, dbt_valid_from, "id" as "__mdw_key_0", "name" as "__mdw_check_0" from snp where dbt_valid_to is null\) as cur on src\."__mdw_key_0" = cur\."__mdw_key_0" where cur\.dbt_scd_id is null or \(src\."name" is distinct from cur\."__mdw_check_0"\)$/,
    );
    assert.match(
      merge!,
      /^merge into snp as snap using \(select "__mdw_closes" as scd_id, .* from snp__changes as src where "__mdw_closes" is not null\)/,
    );
    assert.match(insert!, /^insert into snp .* from snp__changes as src$/);
    assert.equal(conn.log.length, 3);
    assert.deepEqual(result, { rowsAffected: 2, message: 'INSERT 1, UPDATE 1' });
  });

  it('writes nothing, and reads the snapshot table once, when no version changed', async () => {
    const { conn, result } = await run(0);
    assert.equal(conn.log.length, 1);
    assert.ok(conn.log[0]!.startsWith('create table snp__changes'));
    assert.deepEqual(result, { rowsAffected: 0, message: 'INSERT 0, UPDATE 0' });
  });

  it("stages the current versions under hard_deletes 'invalidate', which reads them twice", async () => {
    const { conn } = await run(0, 'invalidate');
    assert.match(
      conn.log[0]!,
      /^create table snp__current as select dbt_scd_id, .* from snp where dbt_valid_to is null$/,
    );
    assert.match(conn.log[1]!, /^create table snp__changes .* left join snp__current as cur on/);
    assert.match(conn.log[2]!, /^update snp set dbt_valid_to = .* from snp__current as cur/);
    assert.equal(conn.log.length, 3);
  });

  it('writes as usual when the staged count is not known (a dry run prints every statement)', async () => {
    const { conn } = await run(null);
    assert.equal(conn.log.filter((line) => /^(merge|insert)/.test(line)).length, 2);
  });
});
