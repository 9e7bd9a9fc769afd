/** The Trino target (dbt-trino's profile). Only its macros exist so far; the adapter comes later. */
import { ConfigError } from '../../util/errors.js';
import type { EngineDescriptor } from '../engine.js';
import { quoteIdentifier } from '../sql-helpers.js';

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
  },
  quoteIdentifier,
  defaultDatabase: () => '',
  configKeys: ['properties', 'views_enabled', 'on_table_exists', 'view_security', 'with'],
  macrosDir: 'src/adapters/trino/macros',
  async load() {
    throw new ConfigError('The trino target is not built yet; use a duckdb target for now.');
  },
};
