import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest } from '../project/types.js';
import { redact } from '../util/secrets.js';

/** target/manifest.json, dbt's shape: nodes by unique_id with depends_on, config, compiled_code, columns. */
export function writeManifest(targetDir: string, manifest: Manifest): string {
  mkdirSync(targetDir, { recursive: true });
  const path = join(targetDir, 'manifest.json');
  const document = {
    ...manifest,
    exposures: {},
    metrics: {},
    groups: {},
    selectors: {},
    disabled: {},
    semantic_models: {},
    unit_tests: {},
    saved_queries: {},
  };
  writeFileSync(path, redact(JSON.stringify(document)));
  return path;
}
