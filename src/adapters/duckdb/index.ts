/** DuckDB adapter entry point. */
export { createDuckDbAdapter, type DuckDbAdapterOptions } from './adapter.js';
export { DuckDbRelation } from './relation.js';
