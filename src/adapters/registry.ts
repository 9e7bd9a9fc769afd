/**
 * The only place that lists engines. Adding an engine: a folder under src/adapters/ with a
 * descriptor.ts (and macros/), plus one line here.
 */
import type { TargetConfig } from '../manifest/types.js';
import { athena } from './athena/descriptor.js';
import { duckdb } from './duckdb/descriptor.js';
import type { EngineDescriptor } from './engine.js';
import { quoteIdentifier } from './sql-helpers.js';
import { trino } from './trino/descriptor.js';

const ENGINES: readonly EngineDescriptor[] = [duckdb, trino, athena];

export function engineTypes(): string[] {
  return ENGINES.map((engine) => engine.type);
}

/** The engine for a profile `type:` (case-insensitive, as dbt matches adapter names), if any. */
export function findEngine(type: string): EngineDescriptor | undefined {
  const wanted = type.toLowerCase();
  return ENGINES.find((engine) => engine.type === wanted);
}

/** The catalog a declared database resolves to on the target (see EngineDescriptor.catalogFor). */
export function resolveCatalog(target: TargetConfig, database: string): string {
  return findEngine(target.type)?.catalogFor?.(target, database) ?? database;
}

/** The target engine's identifier quoting (ANSI double quotes for a type mdw does not know). */
export function identifierQuote(type: string): (name: string) => string {
  return findEngine(type)?.quoteIdentifier ?? quoteIdentifier;
}

/** Every engine's own model config keys (a key any engine understands draws no warning). */
export function engineConfigKeys(): string[] {
  return ENGINES.flatMap((engine) => engine.configKeys);
}

/** Macro folders (relative to the package root) holding the dispatched macros of `type`. */
export function engineMacroDirs(type: string): string[] {
  const engine = findEngine(type);
  if (!engine) return [];
  const others = (engine.macrosOf ?? []).map(findEngine).filter((e) => e !== undefined);
  return [engine, ...others].map((e) => e.macrosDir);
}
