/**
 * The Trino server the suite runs against: `npm run test:trino` starts one through
 * scripts/trino.sh (or reuses the one .ci/run started) and passes its URL and the lakehouse
 * folder its `iceberg` catalog serves in MDW_TRINO_URL / MDW_TRINO_WAREHOUSE.
 */
import { randomUUID } from 'node:crypto';
import { TrinoClient, type TrinoClientOptions } from '../../src/adapters/trino/client.js';

export function trinoUrl(): string {
  const url = process.env.MDW_TRINO_URL;
  if (!url) throw new Error('MDW_TRINO_URL is not set: run this suite with `npm run test:trino`.');
  return url;
}

export function trinoWarehouse(): string {
  const dir = process.env.MDW_TRINO_WAREHOUSE;
  if (!dir) throw new Error('MDW_TRINO_WAREHOUSE is not set: run this suite with `npm run test:trino`.');
  return dir;
}

export function client(options: Partial<TrinoClientOptions> = {}): TrinoClient {
  return new TrinoClient({ server: trinoUrl(), user: 'mdw-test', catalog: 'iceberg', ...options });
}

/** A schema name no other run uses (the server and its lakehouse are shared). */
export function uniqueSchema(prefix: string): string {
  return `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 10)}`;
}
