/** Table locations stay inside the warehouse: aliases with `../` or absolute paths are refused. */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { makeProject, runMdw } from '../support/project.js';

const ICEBERG_PROJECT =
  "name: shop\nversion: '1.0.0'\nprofile: shop\nmodels:\n  shop:\n    +table_type: iceberg\n";

describe('table locations', () => {
  for (const alias of ['../../outside', '/tmp/mdw-outside-alias', '..']) {
    it(`refuses the alias '${alias}' before writing anything`, () => {
      const dir = makeProject({
        'dbt_project.yml': ICEBERG_PROJECT,
        'models/a.sql': `{{ config(materialized='table', alias=${JSON.stringify(alias)}) }} select 1 as id`,
      });
      const result = runMdw(dir, ['run']);
      const output = result.stdout + result.stderr;
      assert.equal(result.code, 1, output);
      assert.match(
        output,
        /Iceberg table name 'main\..*' is not allowed: a schema or alias must be a plain name \(no '\/', '\\\\' or '\.\.'\) so that the table's files stay inside the warehouse folder/,
      );
      assert.ok(!existsSync(join(dir, 'outside')));
      assert.ok(!existsSync('/tmp/mdw-outside-alias'));
      assert.deepEqual(
        readdirSync(dir).filter(
          (name) => !['dbt_project.yml', 'profiles.yml', 'models', 'target'].includes(name),
        ),
        [],
      );
      assert.doesNotMatch(output, /internal error/);
    });
  }
});
