/** The local target: embedded DuckDB with the Iceberg lakehouse beside its database file. */
import { basename, extname } from 'node:path';
import type { EngineDescriptor } from '../engine.js';
import { DuckDbRelation } from './relation.js';

export const duckdb: EngineDescriptor = {
  type: 'duckdb',
  profileKeys: {
    path: { kinds: ['string'] },
    memory_limit: { kinds: ['string', 'number'] },
    temp_directory: { kinds: ['string'] },
    settings: { kinds: ['map'] },
    extensions: { kinds: ['list', 'map', 'string', 'boolean'] },
    iceberg_warehouse: { kinds: ['string'] },
  },
  quoteIdentifier: DuckDbRelation.quote,
  // DuckDB names the attached database after the file's stem (warehouse/mdw.duckdb → mdw).
  defaultDatabase(output) {
    const path = String(output.path ?? ':memory:');
    if (path === ':memory:' || path === '') return 'memory';
    return basename(path, extname(path));
  },
  // dbt-duckdb's external materialization and plugins; table_type='iceberg' picks the lakehouse.
  configKeys: ['table_type', 'format', 'location', 'plugin', 'options'],
  macrosDir: 'src/adapters/duckdb/macros',
  async load() {
    const { createDuckDbAdapter } = await import('./adapter.js');
    return (target, projectRoot, options) => createDuckDbAdapter(target, projectRoot, options);
  },
};
