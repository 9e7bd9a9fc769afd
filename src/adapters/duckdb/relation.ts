/** DuckDB relations: `"db"."schema"."identifier"`, always fully qualified and quoted. */

import { quoteIdentifier } from '../sql-helpers.js';
import type { Relation } from '../types.js';

export class DuckDbRelation implements Relation {
  /** DuckDB's identifier quoting: ANSI double quotes, an embedded quote doubled. */
  static quote(name: string): string {
    return quoteIdentifier(name);
  }

  constructor(
    readonly database: string,
    readonly schema: string,
    readonly identifier: string,
    readonly type: Relation['type'] = null,
  ) {}

  render(): string {
    return [this.database, this.schema, this.identifier]
      .filter((part) => part !== '')
      .map(DuckDbRelation.quote)
      .join('.');
  }

  toString(): string {
    return this.render();
  }
}

/** A relation next to `relation` (same database and schema) with another identifier. */
export function siblingRelation(
  relation: Relation,
  identifier: string,
  type: Relation['type'] = null,
): Relation {
  return new DuckDbRelation(relation.database, relation.schema, identifier, type);
}

/** `"db"."schema"` of a relation (for create schema). */
export function renderSchema(database: string, schema: string): string {
  return [database, schema]
    .filter((part) => part !== '')
    .map(DuckDbRelation.quote)
    .join('.');
}
