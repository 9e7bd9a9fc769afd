/** DuckDB relations: `"db"."schema"."identifier"`, always fully qualified and quoted. */

import { quoteIdentifier } from '../sql-helpers.js';
import type { Relation } from '../types.js';

export class DuckDbRelation implements Relation {
  constructor(
    readonly database: string,
    readonly schema: string,
    readonly identifier: string,
    readonly type: Relation['type'] = null,
  ) {}

  render(): string {
    return [this.database, this.schema, this.identifier]
      .filter((part) => part !== '')
      .map(quoteIdentifier)
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
    .map(quoteIdentifier)
    .join('.');
}
