/**
 * Athena relations. Queries name them catalog.schema.name in double quotes (Trino's SQL); Hive
 * DDL (DROP/ALTER TABLE, CREATE EXTERNAL TABLE) takes schema.name in backticks.
 */
import { quoteIdentifier } from '../sql-helpers.js';
import type { Relation } from '../types.js';

export class AthenaRelation implements Relation {
  constructor(
    readonly database: string,
    readonly schema: string,
    readonly identifier: string,
    readonly type: Relation['type'] = null,
  ) {}

  render(): string {
    return [this.database, this.schema, this.identifier].map(quoteIdentifier).join('.');
  }

  /** `schema`.`name`, for Hive DDL */
  renderHive(): string {
    return `${hiveIdentifier(this.schema)}.${hiveIdentifier(this.identifier)}`;
  }

  toString(): string {
    return this.render();
  }

  /** A sibling in the same schema (temporary and staging tables). */
  sibling(identifier: string, type: Relation['type'] = 'table'): AthenaRelation {
    return new AthenaRelation(this.database, this.schema, identifier, type);
  }
}

export function hiveIdentifier(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}
