/** Trino relations: catalog.schema.name, double-quoted; Trino folds names to lower case. */
import { quoteIdentifier } from '../sql-helpers.js';
import type { Relation } from '../types.js';

export class TrinoRelation implements Relation {
  constructor(
    readonly database: string,
    readonly schema: string,
    readonly identifier: string,
    readonly type: Relation['type'] = null,
  ) {}

  static quote(name: string): string {
    return quoteIdentifier(name);
  }

  render(): string {
    return [this.database, this.schema, this.identifier].map(quoteIdentifier).join('.');
  }

  toString(): string {
    return this.render();
  }

  /** A sibling relation in the same schema (staging tables of incremental runs). */
  sibling(identifier: string, type: Relation['type'] = 'table'): TrinoRelation {
    return new TrinoRelation(this.database, this.schema, identifier, type);
  }
}
