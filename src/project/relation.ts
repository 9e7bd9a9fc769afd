import { identifierQuote } from '../adapters/registry.js';
import { quoteIdentifier } from '../adapters/sql-helpers.js';
import { PY_MAPPING } from '../template/pyvalues.js';

/** How an engine quotes one identifier (EngineDescriptor.quoteIdentifier). */
export type IdentifierQuote = (name: string) => string;

/**
 * A relation as dbt's Jinja sees it: `{{ ref('x') }}` prints its quoted name; fields are readable.
 * Quoting is the target engine's (ANSI double quotes unless its descriptor says otherwise).
 */
export class JinjaRelation {
  readonly name: string;
  readonly table: string;
  /** dbt's relations are Mappings (`relation is mapping` holds; packages test it). */
  readonly [PY_MAPPING] = true;
  constructor(
    readonly database: string,
    readonly schema: string,
    readonly identifier: string,
    readonly type: string | null = null,
    readonly is_cte = false,
    private readonly quote: IdentifierQuote = quoteIdentifier,
    /** the adapter's Python class name, which dbt_utils' `_is_relation` reads via `.get('metadata')` */
    readonly relationClass = 'BaseRelation',
  ) {
    this.name = identifier;
    this.table = identifier;
  }

  /**
   * Mapping.get as dbt's BaseRelation overrides it: `metadata` is `{'type': <class name>}`,
   * any other key reads the attribute (the default when there is none).
   */
  get(key: unknown, fallback: unknown = null): unknown {
    if (key === 'metadata') return { type: this.relationClass };
    if (typeof key !== 'string' || !RELATION_FIELDS.has(key)) return fallback;
    const value = (this as unknown as Record<string, unknown>)[key];
    return value === undefined ? fallback : value;
  }

  render(): string {
    if (this.is_cte) return this.identifier;
    return [this.database, this.schema, this.identifier]
      .filter((part) => part !== '')
      .map(this.quote)
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
      false,
      this.quote,
      this.relationClass,
    );
  }

  /** dbt's relation.incorporate(path={...}, type=...): a copy with some parts replaced. */
  incorporate(options: { path?: Record<string, unknown> | null; type?: string | null } = {}): JinjaRelation {
    const path = options.path ?? {};
    const part = (key: string, current: string) =>
      path[key] === undefined || path[key] === null ? current : String(path[key]);
    return new JinjaRelation(
      part('database', this.database),
      part('schema', this.schema),
      part('identifier', this.identifier),
      options.type === undefined ? this.type : options.type,
      this.is_cte,
      this.quote,
      this.relationClass,
    );
  }

  get is_table(): boolean {
    return this.type === 'table';
  }

  get is_view(): boolean {
    return this.type === 'view';
  }
}

/** Relations quoted the way the target engine quotes (`type` is the profile's target type). */
export function relationsFor(
  targetType: string,
): (database: string, schema: string, identifier: string, type?: string | null) => JinjaRelation {
  const quote = identifierQuote(targetType);
  const relationClass = relationClassName(targetType);
  return (database, schema, identifier, type = null) =>
    new JinjaRelation(database, schema, identifier, type, false, quote, relationClass);
}

/** The attributes `relation.get(key)` reads (dbt's BaseRelation fields and properties). */
const RELATION_FIELDS = new Set([
  'database',
  'schema',
  'identifier',
  'name',
  'table',
  'type',
  'is_table',
  'is_view',
]);

/** The relation class name of dbt's adapter for a target type (DuckDBRelation, TrinoRelation...). */
export function relationClassName(targetType: string): string {
  const known: Record<string, string> = {
    duckdb: 'DuckDBRelation',
    trino: 'TrinoRelation',
    athena: 'AthenaRelation',
  };
  return known[targetType.toLowerCase()] ?? 'BaseRelation';
}

/**
 * A relation whose SQL the engine rendered, e.g. a table as of a past snapshot (which on some
 * engines is a `FOR VERSION AS OF` clause, not a name); its fields stay the relation's own.
 */
export class EngineRenderedRelation extends JinjaRelation {
  constructor(
    database: string,
    schema: string,
    identifier: string,
    type: string | null,
    private readonly sql: string,
  ) {
    super(database, schema, identifier, type);
  }

  override render(): string {
    return this.sql;
  }
}

/**
 * An upstream relation seen by one microbatch window (dbt's event-time filter): `{{ ref('x') }}`
 * prints a subquery keeping the window's rows, while `.render()` stays the plain name, which is
 * dbt's way to read a ref whole.
 */
export class EventTimeFilteredRelation extends JinjaRelation {
  constructor(
    database: string,
    schema: string,
    identifier: string,
    type: string | null,
    quote: IdentifierQuote,
    /** the plain name → the filtered subquery */
    private readonly filter: (name: string) => string,
  ) {
    super(database, schema, identifier, type, false, quote);
  }

  override toString(): string {
    return this.filter(this.render());
  }
}
