/**
 * Reuse told by fingerprints (src/run/unchanged-inputs.ts on an engine with
 * Adapter.fingerprints, as Athena): a table model over a view over a source is reused while the
 * source's files, the view's definition and the table's own version are what its last build
 * saw, and built again as soon as one of them differs; no relation is read. A test that stores
 * its failing rows is reused while its table holds what it stored, and replays its warning.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { Adapter, Connection, Relation } from '../../src/adapters/types.js';
import type { Manifest, ManifestNode, SourceDefinition } from '../../src/manifest/types.js';
import type { NodeResult } from '../../src/run/results.js';
import { type ReuseContext, UnchangedInputs } from '../../src/run/unchanged-inputs.js';
import { testNode } from '../support/nodes.js';

const SOURCE = 'source.test.raw.customers';
const VIEW = 'model.test.stg_customers';
const TABLE = 'model.test.dim_customers';
const TEST = 'test.test.unique_dim_customers_id';

function node(resource: 'model' | 'test', id: string, materialized: string, parents: string[]): ManifestNode {
  const name = id.split('.').pop()!;
  return testNode(resource, name, resource === 'model' ? { materialized } : {}, {
    unique_id: id,
    alias: name,
    raw_code: `select * -- ${name}`,
    depends_on: { nodes: parents, macros: [] },
  });
}

function storingFailures(test: ManifestNode): ManifestNode {
  return { ...test, config: { ...test.config, store_failures: true } };
}

const manifest = {
  nodes: {
    [VIEW]: node('model', VIEW, 'view', [SOURCE]),
    [TABLE]: node('model', TABLE, 'table', [VIEW]),
    [TEST]: storingFailures(node('test', TEST, 'test', [TABLE])),
  },
  sources: { [SOURCE]: { unique_id: SOURCE, name: 'customers' } as SourceDefinition },
  macros: {},
} as unknown as Manifest;

/** The catalog and the landing as the fingerprints see them; `reads` counts queries (none expected). */
class World {
  versions = new Map<string, string>([
    ['stg_customers', 'view v1'],
    ['dim_customers', 'metadata-1'],
    ['unique_dim_customers_id', 'failures-1'],
  ]);
  files = 'customers.csv 100 etag-1';
  reads = 0;
  readonly adapter = {
    type: 'fingerprinted',
    relation: (database: string, schema: string, identifier: string) =>
      ({ database, schema, identifier, render: () => identifier }) as unknown as Relation,
    fingerprints: {
      relation: async (_conn: Connection, relation: Relation) =>
        this.versions.get(relation.identifier) ?? null,
      source: async () => this.files,
    },
  } as unknown as Adapter;
  readonly connection = {
    query: async () => {
      this.reads += 1;
      throw new Error('a fingerprinting engine reads no relation');
    },
  } as unknown as Connection;
}

/** The table builds; the test (storing its failing rows) warns about 3 rows. */
/** The reuse state of one invocation over `manifest`, as the runner opens it. */
function openInvocation(
  targetDir: string,
  manifest: Manifest,
  world: World,
  narrowedViews: Record<string, string[]> = {},
): { unchanged: UnchangedInputs; results: Map<string, NodeResult>; context: ReuseContext } {
  const unchanged = UnchangedInputs.open({
    targetDir,
    manifest,
    vars: {},
    target: { name: 'dev' },
    adapter: world.adapter,
    record: true,
    reuse: true,
    storeFailures: false,
  });
  const results = new Map<string, NodeResult>();
  const rewrite = async (_reader: string, sql: string) => sql;
  return {
    unchanged,
    results,
    context: { manifest, adapter: world.adapter, results, rewrite, narrowedViews },
  };
}

function success(id: string): NodeResult {
  return id.startsWith('test.')
    ? ({ unique_id: id, status: 'warn', failures: 3, message: 'Got 3 results' } as NodeResult)
    : ({ unique_id: id, status: 'success' } as NodeResult);
}

describe('reuse told by fingerprints', () => {
  const targetDir = mkdtempSync(join(tmpdir(), 'mdw-fingerprints-'));
  let lastReusedTest: NodeResult | undefined;
  after(() => rmSync(targetDir, { recursive: true, force: true }));

  /** One invocation: the ids reused (the others "build"; the table gets a new version when `rewrites`). */
  async function invocation(world: World, options: { narrowed?: string[]; rewrites?: boolean } = {}) {
    const narrowed = Object.fromEntries((options.narrowed ?? []).map((view) => [view, ['20180510']]));
    const { unchanged, results, context } = openInvocation(targetDir, manifest, world, narrowed);
    const reused: string[] = [];
    for (const id of [VIEW, TABLE, TEST]) {
      const nodeOf = manifest.nodes[id]!;
      const result = await unchanged.tryReuse(nodeOf, world.connection, context);
      if (result) reused.push(id);
      if (result && id === TEST) lastReusedTest = result;
      else {
        if (id === TABLE && options.rewrites)
          world.versions.set('dim_customers', `metadata-${Math.random()}`);
        // a test storing its failures writes its table each time it runs
        if (id === TEST) world.versions.set('unique_dim_customers_id', `failures-${Math.random()}`);
        await unchanged.record(nodeOf, success(id), world.connection, context);
      }
      results.set(id, result ?? success(id));
    }
    unchanged.save();
    return reused;
  }

  it('reuses while every fingerprint is what the last build saw, and reads nothing', async () => {
    const world = new World();
    assert.deepEqual(await invocation(world), [], 'nothing is known yet');
    assert.deepEqual(await invocation(world), [TABLE, TEST]);
    assert.deepEqual(
      [lastReusedTest?.status, lastReusedTest?.failures, lastReusedTest?.message],
      ['warn', 3, 'Got 3 results'],
      'a reused test reports the warning it gave, with its count',
    );

    world.files = 'customers.csv 120 etag-2';
    assert.deepEqual(await invocation(world, { rewrites: true }), [], 'a changed landing file');
    assert.deepEqual(await invocation(world), [TABLE, TEST], 'recorded again after the build');

    world.versions.set('stg_customers', 'view v2');
    assert.deepEqual(await invocation(world, { rewrites: true }), [], 'a view defined differently');

    world.versions.set('dim_customers', 'metadata-rolled-back');
    assert.deepEqual(await invocation(world), [], 'a table that is not what its build wrote');
    assert.deepEqual(await invocation(world), [TABLE, TEST]);

    world.versions.delete('unique_dim_customers_id');
    assert.deepEqual(await invocation(world), [TABLE], 'a test whose stored failing rows are gone');
    assert.ok(world.versions.has('unique_dim_customers_id'), 'it stored them again');
    assert.deepEqual(await invocation(world), [TABLE, TEST]);

    // a view over landing folders this run brings in: its reader builds; the table's version
    // did not change (it wrote nothing), so the table's test is still reused
    assert.deepEqual(await invocation(world, { narrowed: ['stg_customers'] }), [TEST]);
    assert.equal(world.reads, 0);
  });
});

describe('settled inputs (what a model may take as unchanged without a check)', () => {
  const FACT = 'model.test.ft_sales';
  const DIM = 'model.test.dim_customers';
  const SUMMARY = 'model.test.customer_summary';
  const settledManifest = {
    nodes: {
      [DIM]: node('model', DIM, 'table', []),
      [FACT]: node('model', FACT, 'incremental', []),
      [SUMMARY]: node('model', SUMMARY, 'incremental', [FACT, DIM]),
    },
    sources: {},
    macros: {},
  } as unknown as Manifest;
  const targetDir = mkdtempSync(join(tmpdir(), 'mdw-settled-'));
  after(() => rmSync(targetDir, { recursive: true, force: true }));

  /**
   * One invocation that runs the fact (a new version; its changed partitions listed when
   * `listed`) and then the summary (a new version): what the summary is told is settled.
   */
  async function run(world: World, listed = true): Promise<string[]> {
    const { unchanged, results, context } = openInvocation(targetDir, settledManifest, world);
    let settled: string[] = [];
    for (const id of [DIM, FACT, SUMMARY]) {
      const nodeOf = settledManifest.nodes[id]!;
      const reused = await unchanged.tryReuse(nodeOf, world.connection, context);
      if (reused) {
        results.set(id, reused);
        continue;
      }
      if (id === SUMMARY)
        settled = await unchanged.settledInputs(nodeOf, world.connection, context, (name) =>
          listed ? name === 'ft_sales' : false,
        );
      if (id !== DIM) world.versions.set(nodeOf.alias, `${nodeOf.alias}-${Math.random()}`);
      await unchanged.record(nodeOf, success(id), world.connection, context);
      results.set(id, success(id));
    }
    unchanged.save();
    return settled;
  }

  it('names the inputs that hold what the model read, and itself, only while it can tell', async () => {
    const world = new World();
    world.versions.set('dim_customers', 'dim-1');
    assert.deepEqual(await run(world), [], 'a first build knows nothing');
    assert.deepEqual(
      (await run(world)).sort(),
      ['customer_summary', 'dim_customers', 'ft_sales'],
      "the fact's only write since is this run's, which listed its changes",
    );
    assert.deepEqual((await run(world, false)).sort(), ['customer_summary', 'dim_customers']);

    // a run of the fact alone between two builds: the summary did not read that version
    world.versions.set('ft_sales', 'ft_sales-written-elsewhere');
    assert.deepEqual((await run(world)).sort(), ['customer_summary', 'dim_customers']);

    world.versions.set('dim_customers', 'dim-2');
    assert.deepEqual((await run(world)).sort(), ['customer_summary', 'ft_sales'], 'a rebuilt dimension');

    world.versions.set('customer_summary', 'rolled-back');
    assert.deepEqual(await run(world), [], 'its own table is not what it wrote: nothing is known');
    assert.equal(world.reads, 0);
  });
});
