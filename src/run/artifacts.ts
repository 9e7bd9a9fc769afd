import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Manifest } from '../manifest/types.js';
import { redact } from '../util/secrets.js';
import { toDbtManifest } from './dbt-manifest.js';

/** target/manifest.json in dbt's manifest v12 shape (see dbt-manifest.ts). */
export function writeManifest(targetDir: string, manifest: Manifest): string {
  mkdirSync(targetDir, { recursive: true });
  const path = join(targetDir, 'manifest.json');
  writeFileSync(path, redact(JSON.stringify(toDbtManifest(manifest))));
  return path;
}
