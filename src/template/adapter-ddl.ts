/**
 * The DDL methods of dbt's `adapter` object that custom materializations call (drop, rename,
 * create/drop schema, truncate), and the transaction/cache calls that are no-ops on an embedded
 * engine with autocommit. Each runs one statement through the template's query channel.
 */
import { bindArgs } from './args.js';
import { memberLookup } from './lookup.js';
import { pyStr } from './pyvalues.js';

type Execute = (sql: string) => void;
type Quote = (name: string) => string;

function field(relation: unknown, name: string): string {
  const value = memberLookup(relation, name);
  return value === undefined || value === null ? '' : pyStr(value);
}

/** `"db"."schema"` of a relation (the database part left out when empty). */
function schemaName(relation: unknown, quote: Quote): string {
  return [field(relation, 'database'), field(relation, 'schema')]
    .filter((part) => part !== '')
    .map(quote)
    .join('.');
}

/** A view is dropped and renamed as a view; anything else as a table (dbt's default). */
function kind(relation: unknown): 'view' | 'table' {
  return field(relation, 'type') === 'view' ? 'view' : 'table';
}

export function adapterDdlMethods(execute: Execute, quote: Quote): Record<string, unknown> {
  const none = () => null;
  return {
    drop_relation: (relation: unknown) => {
      execute(`drop ${kind(relation)} if exists ${pyStr(relation)} cascade`);
      return null;
    },
    truncate_relation: (relation: unknown) => {
      execute(`truncate table ${pyStr(relation)}`);
      return null;
    },
    rename_relation: (...args: unknown[]) => {
      const { from_relation, to_relation } = bindArgs(args, ['from_relation', 'to_relation']);
      const to = quote(field(to_relation, 'identifier'));
      execute(`alter ${kind(from_relation)} ${pyStr(from_relation)} rename to ${to}`);
      return null;
    },
    create_schema: (relation: unknown) => {
      execute(`create schema if not exists ${schemaName(relation, quote)}`);
      return null;
    },
    drop_schema: (relation: unknown) => {
      execute(`drop schema if exists ${schemaName(relation, quote)} cascade`);
      return null;
    },
    commit: none,
    begin: none,
    rollback: none,
    cache_added: none,
    cache_dropped: none,
    cache_renamed: none,
  };
}
