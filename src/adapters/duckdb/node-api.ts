/**
 * The values mdw takes from @duckdb/node-api, loaded with require(). The package is CommonJS:
 * importing it from an ES module makes Node scan its files for their export names first,
 * which more than doubles its load time (about 100 ms of every command that opens DuckDB).
 * Types still come from the package by `import type` (the instance's type is re-exported with
 * its class, which the adapter uses as both).
 */
import { createRequire } from 'node:module';
import type * as DuckDbApi from '@duckdb/node-api';

const api = createRequire(import.meta.url)('@duckdb/node-api') as typeof DuckDbApi;

export const { BIGINT, DuckDBInstance, DuckDBScalarFunction, DuckDBTypeId, INTEGER, StatementType, VARCHAR } =
  api;
export type DuckDBInstance = DuckDbApi.DuckDBInstance;
