/**
 * The Athena materializations against a scripted warehouse (statements recorded, tables and
 * answers given by the test): the never-missing table replacement, old data clean-up, writes
 * of more than 100 partitions in batches from one staged copy (CTAS and MERGE), and the cost
 * of a node (bytes scanned) in the run summary's terms.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AthenaQueryResult } from '../../src/adapters/athena/client.js';
import { AthenaConnection } from '../../src/adapters/athena/connection.js';
import {
  type BuildContext,
  buildIncremental,
  buildTable,
  SchemaRegistry,
} from '../../src/adapters/athena/materialize.js';
import { resolveAthenaProfile } from '../../src/adapters/athena/profile.js';
import { AthenaRelation } from '../../src/adapters/athena/relation.js';
import { AthenaViewCopies } from '../../src/adapters/athena/view-copies.js';
import type { AthenaWarehouse, TableInfo } from '../../src/adapters/athena/warehouse.js';
import { MAX_PARTITIONS_PER_WRITE } from '../../src/adapters/trino/partition-batches.js';
import type { ManifestNode, TargetConfig } from '../../src/manifest/types.js';
import { planMaterialization } from '../../src/materialize/plan.js';
import { scanCostUsd, scanSummary } from '../../src/run/scan-cost.js';
import { testNode } from '../support/nodes.js';

class ScriptedWarehouse implements AthenaWarehouse {
  readonly dryRun = false;
  readonly log: string[] = [];
  readonly tables = new Map<string, TableInfo>();
  /** answer of `select max(__mdw_partition_rank)` */
  partitions = 1;
  /** answer of `select distinct <key> …` (delete+insert's new key values) */
  distinctKeys: AthenaQueryResult['rows'] = [];
  private ids = 0;

  async query(sql: string): Promise<AthenaQueryResult> {
    const text = sql.replace(/\s+/g, ' ').trim();
    this.log.push(text);
    const rename = /^alter table `(\w+)`\.`(\w+)` rename to `(\w+)`\.`(\w+)`$/.exec(text);
    if (rename) {
      this.tables.set(`${rename[3]}.${rename[4]}`, this.tables.get(`${rename[1]}.${rename[2]}`)!);
      this.tables.delete(`${rename[1]}.${rename[2]}`);
    }
    const created = /^create table "\w+"\."(\w+)"\."(\w+)" WITH \(.*?location = '([^']+)'/.exec(text);
    if (created) this.tables.set(`${created[1]}.${created[2]}`, { kind: 'iceberg', location: created[3]! });
    const dropped = /^drop table if exists `(\w+)`\.`(\w+)`$/.exec(text);
    if (dropped) this.tables.delete(`${dropped[1]}.${dropped[2]}`);
    const rows = text.startsWith('select max(')
      ? [[BigInt(this.partitions)]]
      : text.startsWith('select distinct')
        ? this.distinctKeys
        : [];
    const columns = text.endsWith('limit 0')
      ? [
          { name: 'id', type: 'integer' },
          { name: 'day', type: 'varchar' },
          { name: 'amount', type: 'decimal(12,2)' },
        ]
      : [];
    return {
      queryExecutionId: `q-${this.log.length}`,
      columns,
      rows,
      updateCount: 10,
      dataScannedBytes: 1000,
    };
  }

  async getTable(schema: string, name: string): Promise<TableInfo | null> {
    return this.tables.get(`${schema}.${name}`) ?? null;
  }

  async swapTable(schema: string, target: string, replacement: string): Promise<void> {
    this.log.push(`glue swap ${schema}.${target} <- ${replacement}`);
    this.tables.set(`${schema}.${target}`, this.tables.get(`${schema}.${replacement}`)!);
    this.tables.delete(`${schema}.${replacement}`);
  }

  async deletePrefix(uri: string): Promise<number> {
    this.log.push(`s3 delete ${uri}`);
    return 1;
  }

  async listFolder(uri: string): Promise<{ folders: string[]; hasFiles: boolean }> {
    this.log.push(`s3 list ${uri}`);
    return { folders: [], hasFiles: false };
  }

  async putObject(uri: string): Promise<void> {
    this.log.push(`s3 put ${uri}`);
  }

  async catalogVersion(schema: string, name: string): Promise<string | null> {
    const table = this.tables.get(`${schema}.${name}`);
    return table?.kind === 'iceberg' ? `iceberg ${table.location}` : null;
  }

  async listObjects(uri: string): Promise<string[]> {
    this.log.push(`s3 list ${uri}`);
    return [];
  }

  uniqueId(): string {
    return `id${++this.ids}`;
  }

  note(): void {}
}

const target: TargetConfig = {
  name: 'dev',
  profile_name: 'mdw',
  type: 'athena',
  schema: 'mdw',
  database: 'awsdatacatalog',
  threads: 1,
  region_name: 'eu-west-1',
  s3_staging_dir: 's3://results/',
  s3_data_dir: 's3://lake/',
};

function context(warehouse: ScriptedWarehouse): BuildContext {
  return {
    conn: new AthenaConnection(warehouse),
    profile: resolveAthenaProfile(target, {}),
    schemas: new SchemaRegistry(),
  };
}

const relation = new AthenaRelation('awsdatacatalog', 'cur', 'fact');

/** The shared plan of a node, planned as for Athena (at most 100 partitions per write). */
function athenaPlan(node: ManifestNode) {
  return planMaterialization(node, {
    fullRefresh: false,
    warn: () => {},
    maxPartitionsPerWrite: MAX_PARTITIONS_PER_WRITE,
    incremental: {
      engine: 'Athena',
      defaultStrategy: 'insert_overwrite',
      strategies: ['append', 'merge', 'delete+insert', 'insert_overwrite'],
    },
  });
}

function tablePlan(node: ManifestNode) {
  const plan = athenaPlan(node);
  assert.equal(plan.kind, 'table');
  if (plan.kind !== 'table') throw new Error('not a table plan');
  return plan;
}

describe('athena materializations', () => {
  it('replaces an Iceberg table by a swap in the catalog, then deletes the old data', async () => {
    const warehouse = new ScriptedWarehouse();
    warehouse.tables.set('cur.fact', { kind: 'iceberg', location: 's3://lake/cur/fact/old/' });
    const node = testNode('model', 'fact', { materialized: 'table' });
    await buildTable(context(warehouse), node, relation, 'select 1 as id', tablePlan(node));
    const steps = warehouse.log.filter((line) => !line.startsWith('create schema'));
    assert.match(
      steps[0]!,
      /^create table "awsdatacatalog"\."cur"\."fact__mdw_tmp" WITH \(table_type = 'ICEBERG'.*location = 's3:\/\/lake\/cur\/fact\/id1\/'.*format = 'PARQUET', write_compression = 'ZSTD'\) as/,
    );
    assert.deepEqual(steps.slice(1), [
      'glue swap cur.fact <- fact__mdw_tmp',
      's3 delete s3://lake/cur/fact/old/',
    ]);
    assert.equal(warehouse.tables.get('cur.fact')?.location, 's3://lake/cur/fact/id1/');
  });

  it('never deletes data outside s3_data_dir', async () => {
    const warehouse = new ScriptedWarehouse();
    warehouse.tables.set('cur.fact', { kind: 'iceberg', location: 's3://someone-elses/fact/' });
    const node = testNode('model', 'fact', { materialized: 'table' });
    await buildTable(context(warehouse), node, relation, 'select 1', tablePlan(node));
    assert.ok(!warehouse.log.some((line) => line.startsWith('s3 delete')), warehouse.log.join('\n'));
  });

  it('writes 250 partitions in three batches from one staged copy of the rows', async () => {
    const warehouse = new ScriptedWarehouse();
    warehouse.partitions = 250;
    const node = testNode('model', 'fact', { materialized: 'table', partitioned_by: ['day'] });
    await buildTable(context(warehouse), node, relation, 'select * from source_rows', tablePlan(node));
    const reads = warehouse.log.filter((line) => line.includes('source_rows'));
    assert.equal(reads.length, 1, 'the source query runs once');
    assert.match(
      reads[0]!,
      /fact__mdw_stage.*dense_rank\(\) over \(order by "day"\) as __mdw_partition_rank/,
    );
    const writes = warehouse.log.filter((line) =>
      /^(create table|insert into) "awsdatacatalog"\."cur"\."fact__mdw_tmp"/.test(line),
    );
    assert.equal(writes.length, 3);
    assert.match(writes[0]!, /partitioning = ARRAY\['day'\].*where __mdw_partition_rank between 1 and 100$/);
    assert.match(writes[1]!, /where __mdw_partition_rank between 101 and 200$/);
    assert.match(writes[2]!, /where __mdw_partition_rank between 201 and 300$/);
    assert.ok(warehouse.log.includes('alter table `cur`.`fact__mdw_tmp` drop column `__mdw_partition_rank`'));
    assert.ok(warehouse.log.includes('alter table `cur`.`fact__mdw_tmp` rename to `cur`.`fact`'));
    assert.ok(
      warehouse.log.includes('drop table if exists `cur`.`fact__mdw_stage`'),
      'the staged copy is dropped',
    );
  });

  it('merges 150 new partitions in two MERGE statements', async () => {
    const warehouse = new ScriptedWarehouse();
    warehouse.partitions = 150;
    warehouse.tables.set('cur.fact', { kind: 'iceberg', location: 's3://lake/cur/fact/v1/' });
    const node = testNode('model', 'fact', {
      materialized: 'incremental',
      incremental_strategy: 'merge',
      unique_key: 'id',
      partitioned_by: ['day'],
    });
    const plan = athenaPlan(node);
    assert.equal(plan.kind, 'incremental');
    if (plan.kind !== 'incremental') return;
    const conn = context(warehouse);
    const result = await buildIncremental(conn, node, relation, 'select * from new_rows', plan);
    const merges = warehouse.log.filter((line) => line.startsWith('merge into'));
    assert.equal(merges.length, 2);
    assert.match(
      merges[0]!,
      /using \(select \* from "awsdatacatalog"\."cur"\."fact__mdw_incr" where __mdw_partition_rank between 1 and 100\)/,
    );
    assert.match(merges[1]!, /between 101 and 200/);
    assert.equal(warehouse.log.filter((line) => line.includes('new_rows')).length, 1);
    assert.equal(result.rowsAffected, 20);
    assert.equal(
      conn.conn.takeScannedBytes(),
      warehouse.log.filter((l) => !/^(glue|s3) /.test(l)).length * 1000,
    );
  });
});

describe('athena merge target pruning', () => {
  it("limits the MERGE's target to the changed partitions when the run knows them", async () => {
    const warehouse = new ScriptedWarehouse();
    warehouse.partitions = 1;
    warehouse.tables.set('cur.fact', { kind: 'iceberg', location: 's3://lake/cur/fact/v1/' });
    const node = testNode('model', 'fact', {
      materialized: 'incremental',
      incremental_strategy: 'merge',
      unique_key: 'id',
      partition_by: ['day'],
    });
    const plan = athenaPlan(node);
    if (plan.kind !== 'incremental') assert.fail(`planned ${plan.kind}`);
    const changed = { ...plan, changedPartitions: ['20180510', "it's"] };
    await buildIncremental(context(warehouse), node, relation, 'select * from new_rows', changed);
    const [merge] = warehouse.log.filter((line) => line.startsWith('merge into'));
    assert.match(
      merge!,
      /on DBT_INTERNAL_SOURCE\."id" = DBT_INTERNAL_DEST\."id" and \(DBT_INTERNAL_DEST\."day" in \(cast\('20180510' as varchar\), cast\('it''s' as varchar\)\) or DBT_INTERNAL_DEST\."day" is null\)/,
    );

    // not known (a first run, another strategy's caller): the key alone, every partition read
    const unknown = new ScriptedWarehouse();
    unknown.partitions = 1;
    unknown.tables.set('cur.fact', { kind: 'iceberg', location: 's3://lake/cur/fact/v1/' });
    await buildIncremental(context(unknown), node, relation, 'select * from new_rows', plan);
    const [plain] = unknown.log.filter((line) => line.startsWith('merge into'));
    assert.doesNotMatch(plain!, /DBT_INTERNAL_DEST\."day"/);
  });
});

describe('athena delete+insert', () => {
  const existing = () => {
    const warehouse = new ScriptedWarehouse();
    warehouse.tables.set('cur.fact', { kind: 'iceberg', location: 's3://lake/cur/fact/v1/' });
    return warehouse;
  };
  const incrementalPlan = (node: ManifestNode) => {
    const plan = athenaPlan(node);
    if (plan.kind !== 'incremental') assert.fail(`planned ${plan.kind}`);
    return plan;
  };
  const deleteInsert = (config: Record<string, unknown>) =>
    testNode('model', 'fact', {
      materialized: 'incremental',
      incremental_strategy: 'delete+insert',
      ...config,
    });
  /** builds `node` incrementally over an existing table of `warehouse` */
  const build = (warehouse: ScriptedWarehouse, node: ManifestNode) =>
    buildIncremental(context(warehouse), node, relation, 'select * from new_rows', incrementalPlan(node));

  it("deletes the new rows' values of a one-column key as literals (files outside them are skipped), then inserts", async () => {
    const warehouse = existing();
    warehouse.distinctKeys = [['20180510'], ["it's"]];
    const node = deleteInsert({ unique_key: 'day' });
    await build(warehouse, node);
    const writes = warehouse.log.filter((line) => /^(delete|insert|merge)/.test(line));
    assert.deepEqual(writes, [
      `delete from "awsdatacatalog"."cur"."fact" where "day" in (cast('20180510' as varchar), cast('it''s' as varchar))`,
      'insert into "awsdatacatalog"."cur"."fact" ("id", "day", "amount") select "id", "day", "amount" from "awsdatacatalog"."cur"."fact__mdw_incr" as DBT_INTERNAL_SOURCE',
    ]);

    // no new key: nothing to delete
    const none = existing();
    await build(none, node);
    assert.deepEqual(
      none.log.filter((line) => /^(delete|merge)/.test(line)),
      [],
    );
  });

  it('deletes a composite key, or too many values, with a MERGE', async () => {
    const composite = existing();
    const node = deleteInsert({ unique_key: ['id', 'day'] });
    await build(composite, node);
    assert.match(
      composite.log.find((line) => line.startsWith('merge into'))!,
      /using \(select distinct "id", "day" from .* when matched then delete$/,
    );

    const many = existing();
    many.distinctKeys = Array.from({ length: 1001 }, (_, i) => [i]);
    const byId = deleteInsert({ unique_key: 'id' });
    await build(many, byId);
    assert.equal(many.log.filter((line) => line.startsWith('delete from')).length, 0);
    assert.equal(many.log.filter((line) => line.startsWith('merge into')).length, 1);
  });

  it("runs every batch's delete before the first insert (a key spanning batches keeps its new rows)", async () => {
    const warehouse = existing();
    warehouse.partitions = 150;
    warehouse.distinctKeys = [[7]];
    const node = deleteInsert({ unique_key: 'id', partitioned_by: ['day'] });
    await build(warehouse, node);
    const writes = warehouse.log
      .filter((line) => /^(delete|insert)/.test(line))
      .map((line) => line.split(' ')[0]);
    assert.deepEqual(writes, ['delete', 'delete', 'insert', 'insert']);
    assert.match(
      warehouse.log.find((line) => line.startsWith('delete'))!,
      /where "id" in \(cast\('7' as integer\)\)$/,
    );
  });
});

describe('athena view copies', () => {
  it('copies a view to a Parquet Iceberg table beside it, replacing a leftover, and drops it with its data', async () => {
    const warehouse = new ScriptedWarehouse();
    warehouse.tables.set('stg.customers__mdw_reuse', { kind: 'iceberg', location: 's3://lake/old/' });
    const ctx = context(warehouse);
    const copies = new AthenaViewCopies(() => ctx);
    const view = new AthenaRelation('awsdatacatalog', 'stg', 'customers', 'view');
    const copy = await copies.create(ctx.conn, view, ` where "partition" in ('20180510')`);
    assert.equal(copy.relation.render(), '"awsdatacatalog"."stg"."customers__mdw_reuse"');
    assert.equal(copy.rows, 10);
    assert.deepEqual(warehouse.log.slice(0, 2), [
      'drop table if exists `stg`.`customers__mdw_reuse`',
      's3 delete s3://lake/old/',
    ]);
    const create = warehouse.log[2]!;
    assert.match(
      create,
      /^create table "awsdatacatalog"\."stg"\."customers__mdw_reuse" WITH \(table_type = 'ICEBERG'/,
    );
    assert.match(create, /format = 'PARQUET'/);
    assert.match(
      create,
      / as select \* from "awsdatacatalog"\."stg"\."customers" where "partition" in \('20180510'\)$/,
    );
    const location = warehouse.tables.get('stg.customers__mdw_reuse')!.location;
    await copies.drop(ctx.conn, copy.relation);
    assert.deepEqual(warehouse.log.slice(3), [
      'drop table if exists `stg`.`customers__mdw_reuse`',
      `s3 delete ${location}`,
    ]);
  });

  it("keeps an incremental model's new rows once: a copy of a query, not only of a view", async () => {
    const warehouse = new ScriptedWarehouse();
    const ctx = context(warehouse);
    const copies = new AthenaViewCopies(() => ctx);
    // the shape run/tasks.ts gives for an incremental run's new rows
    const newRows = {
      database: 'awsdatacatalog',
      schema: 'cur',
      identifier: 'fact__mdw_new_rows',
      render: () => '(\nselect id, day from "awsdatacatalog"."stg"."sales"\n) as mdw_new_rows',
      toString: () => 'fact new rows',
    };
    const copy = await copies.create(ctx.conn, newRows);
    assert.equal(copy.relation.render(), '"awsdatacatalog"."cur"."fact__mdw_new_rows__mdw_reuse"');
    const create = warehouse.log.find((line) => line.startsWith('create table'))!;
    assert.match(
      create,
      / as select \* from \( select id, day from "awsdatacatalog"\."stg"\."sales" \) as mdw_new_rows$/,
    );
    assert.ok(warehouse.tables.has('cur.fact__mdw_new_rows__mdw_reuse'));
    await copies.drop(ctx.conn, copy.relation);
    assert.ok(!warehouse.tables.has('cur.fact__mdw_new_rows__mdw_reuse'));
  });
});

describe('athena profile', () => {
  it('names every missing setting, one sentence each', () => {
    const { region_name: _r, s3_staging_dir: _s, ...bare } = target;
    assert.throws(
      () => resolveAthenaProfile(bare as TargetConfig, {}),
      /^ConfigError: Profile mdw, target dev needs 'region_name' \(the AWS region of the Athena workgroup\)\. Profile mdw, target dev needs 's3_staging_dir' \(the s3:\/\/ folder Athena writes query results to\)\.$/,
    );
  });
});

describe('bytes scanned', () => {
  it('estimates the cost at the per-TB price', () => {
    assert.equal(scanCostUsd(2 ** 40, 5), 5);
    assert.equal(
      scanSummary([2 ** 31, undefined, 2 ** 31], 5),
      'Scanned 4.0 GB in total: estimated cost $0.02 at $5 per TB.',
    );
    assert.equal(scanSummary([undefined], 5), null);
  });
});

describe('athena after a killed build', () => {
  it('an incremental run drops the new version a killed full refresh left under the temporary name', async () => {
    const warehouse = new ScriptedWarehouse();
    warehouse.tables.set('cur.fact', { kind: 'iceberg', location: 's3://lake/cur/fact/v1/' });
    warehouse.tables.set('cur.fact__mdw_tmp', { kind: 'iceberg', location: 's3://lake/cur/fact/v2/' });
    const node = testNode('model', 'fact', { materialized: 'incremental', incremental_strategy: 'append' });
    const plan = planMaterialization(node, {
      fullRefresh: false,
      warn: () => {},
      incremental: { engine: 'Athena', defaultStrategy: 'insert_overwrite', strategies: ['append'] },
    });
    if (plan.kind !== 'incremental') assert.fail(`planned ${plan.kind}`);
    await buildIncremental(context(warehouse), node, relation, 'select 1 as id', plan);
    assert.ok(!warehouse.tables.has('cur.fact__mdw_tmp'), warehouse.log.join('\n'));
    assert.ok(warehouse.log.includes('s3 delete s3://lake/cur/fact/v2/'), 'its data goes too');
    assert.equal(warehouse.tables.get('cur.fact')?.location, 's3://lake/cur/fact/v1/');
  });
});
