/**
 * dbt's published JSON schemas for the artifacts mdw writes (manifest v12, catalog v1), vendored
 * as test fixtures from the dbt-labs/schemas.getdbt.com repository, checked with ajv.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { REPO_ROOT } from './project.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

export type ArtifactKind = 'manifest-v12' | 'catalog-v1';

const validators = new Map<ArtifactKind, ReturnType<Ajv2020['compile']>>();

/** Schema errors of a document, as `path: message` lines (empty when it validates). */
export function schemaErrors(kind: ArtifactKind, document: unknown): string[] {
  let validate = validators.get(kind);
  if (!validate) {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const schema = JSON.parse(
      readFileSync(join(REPO_ROOT, 'test', 'fixtures', 'dbt-schemas', `${kind}.json`), 'utf8'),
    );
    validate = ajv.compile(schema);
    validators.set(kind, validate);
  }
  if (validate(document)) return [];
  const lines = (validate.errors ?? []).map(
    (e) => `${e.instancePath || '/'}: ${e.message} ${JSON.stringify(e.params)}`,
  );
  return [...new Set(lines)].slice(0, 20);
}

/** The URL a document declares, e.g. https://schemas.getdbt.com/dbt/manifest/v12.json. */
export function declaredSchema(document: { metadata?: { dbt_schema_version?: string } }): string | undefined {
  return document.metadata?.dbt_schema_version;
}
