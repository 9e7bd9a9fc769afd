/** The Trino target (dbt-trino's profile): Iceberg tables and views, Hive external sources. */
import type { EngineDescriptor } from '../engine.js';
import { quoteIdentifier } from '../sql-helpers.js';
import { mappedCatalog } from './catalog-map.js';

export const trino: EngineDescriptor = {
  type: 'trino',
  profileKeys: {
    method: { kinds: ['string'] },
    host: { kinds: ['string'], required: true },
    port: { kinds: ['number', 'string'] },
    user: { kinds: ['string'] },
    password: { kinds: ['string'] },
    jwt_token: { kinds: ['string'] },
    catalog: { kinds: ['string'] },
    http_scheme: { kinds: ['string'] },
    session_properties: { kinds: ['map'] },
    client_tags: { kinds: ['list'] },
    hive_catalog: { kinds: ['string'] },
    catalog_map: { kinds: ['map'] },
  },
  quoteIdentifier,
  defaultDatabase: (output) => String(output.database ?? output.catalog ?? ''),
  // `catalog_map: {awsdatacatalog: iceberg}`: Athena's catalog name read as a local one
  catalogFor: (target, database) => mappedCatalog(target.catalog_map, database),
  // dbt-trino's configs, and Athena's table configs (a dbt-athena project runs unchanged)
  configKeys: [
    'properties',
    'views_enabled',
    'on_table_exists',
    'view_security',
    'with',
    'table_type',
    'partitioned_by',
    'format',
    'write_compression',
    'table_properties',
  ],
  macrosDir: 'src/adapters/trino/macros',
  async load() {
    const { createTrinoAdapter } = await import('./adapter.js');
    return createTrinoAdapter;
  },
};
