/**
 * `mdw docs generate` on the shop fixture (seeds, sources, snapshots, models, generic and
 * singular tests, macros, docs blocks): manifest.json and catalog.json declare dbt's schema
 * versions and validate against dbt's published JSON schemas for them.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { copyFixture, type FixtureCopy, makeTempRoot, runMdw } from '../dbt/helpers.js';
import { schemaErrors } from '../support/dbt-schemas.js';

describe('mdw docs generate: dbt artifacts', () => {
  const temp = makeTempRoot('docs-artifacts');
  let copy: FixtureCopy;
  let manifest: any;
  let catalog: any;

  before(async () => {
    copy = copyFixture('shop', temp.root, 'mdw');
    const build = await runMdw(copy, 'build');
    assert.ok(build.code === 0 || build.code === 1, build.stdout + build.stderr);
    const docs = await runMdw(copy, 'docs', ['generate']);
    assert.equal(docs.code, 0, docs.stdout + docs.stderr);
    manifest = JSON.parse(readFileSync(path.join(copy.projectDir, 'target', 'manifest.json'), 'utf8'));
    catalog = JSON.parse(readFileSync(path.join(copy.projectDir, 'target', 'catalog.json'), 'utf8'));
  });
  after(() => temp.cleanup());

  it('manifest.json declares manifest v12 and validates against it', () => {
    assert.equal(manifest.metadata.dbt_schema_version, 'https://schemas.getdbt.com/dbt/manifest/v12.json');
    assert.deepEqual(schemaErrors('manifest-v12', manifest), []);
    const kinds = new Set(Object.values(manifest.nodes).map((n: any) => n.resource_type));
    for (const kind of ['model', 'seed', 'snapshot', 'test'])
      assert.ok(kinds.has(kind), `no ${kind} in the fixture`);
    assert.ok(Object.keys(manifest.sources).length > 0 && Object.keys(manifest.macros).length > 0);
  });

  it('catalog.json declares catalog v1, validates, and describes every built relation', () => {
    assert.equal(catalog.metadata.dbt_schema_version, 'https://schemas.getdbt.com/dbt/catalog/v1.json');
    assert.deepEqual(schemaErrors('catalog-v1', catalog), []);
    const built = Object.values(manifest.nodes).filter(
      (n: any) =>
        ['model', 'seed', 'snapshot'].includes(n.resource_type) && n.config.materialized !== 'ephemeral',
    );
    for (const node of built as any[]) {
      const table = catalog.nodes[node.unique_id];
      assert.ok(table, `${node.unique_id} missing from catalog.json`);
      const indexes = Object.values(table.columns).map((c: any) => c.index);
      assert.deepEqual(
        indexes,
        indexes.map((_, i) => i + 1),
        `${node.unique_id}: column indexes`,
      );
    }
    const seed = Object.values(catalog.nodes).find((t: any) => t.unique_id.startsWith('seed.')) as any;
    assert.equal(typeof seed.stats.row_count.value, 'number');
    assert.ok(seed.stats.row_count.value > 0);
  });

  it('a schema violation is caught (the validator is not a no-op)', () => {
    const broken = structuredClone(manifest);
    const first = Object.keys(broken.nodes)[0]!;
    broken.nodes[first].line = 3; // mdw-internal field dbt's schema does not allow
    assert.notDeepEqual(schemaErrors('manifest-v12', broken), []);
  });

  it('writes the site with its data embedded for file://', () => {
    const site = path.join(copy.projectDir, 'target', 'docs');
    for (const file of [
      'index.html',
      'app.js',
      'select.js',
      'data.js',
      'style.css',
      'vendor/cytoscape.min.js',
      'vendor/chart.umd.min.js',
    ]) {
      assert.ok(existsSync(path.join(site, file)), `${file} missing`);
    }
    const data = readFileSync(path.join(site, 'data.js'), 'utf8');
    assert.match(data, /^window\.MDW_DOCS = \{/);
    assert.doesNotMatch(data, /<\/script/i);
    assert.doesNotMatch(readFileSync(path.join(site, 'index.html'), 'utf8'), /https?:\/\//);
  });
});
