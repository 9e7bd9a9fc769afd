/** A relation as dbt's Jinja sees it: `{{ ref('x') }}` prints its quoted name; fields are readable. */
export class JinjaRelation {
  readonly name: string;
  readonly table: string;
  constructor(
    readonly database: string,
    readonly schema: string,
    readonly identifier: string,
    readonly type: string | null = null,
    readonly is_cte = false,
  ) {
    this.name = identifier;
    this.table = identifier;
  }

  render(): string {
    if (this.is_cte) return this.identifier;
    return [this.database, this.schema, this.identifier]
      .filter((part) => part !== '')
      .map(quoteIdentifier)
      .join('.');
  }

  toString(): string {
    return this.render();
  }

  /** dbt's relation.include(database=False, ...): a copy rendered without some parts. */
  include(options: { database?: boolean; schema?: boolean; identifier?: boolean } = {}): JinjaRelation {
    return new JinjaRelation(
      options.database === false ? '' : this.database,
      options.schema === false ? '' : this.schema,
      options.identifier === false ? '' : this.identifier,
      this.type,
    );
  }

  get is_table(): boolean {
    return this.type === 'table';
  }

  get is_view(): boolean {
    return this.type === 'view';
  }
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
