/**
 * run_query() results shaped like dbt's agate.Table: `table.rows` (rows indexable by position and
 * column name), `table.columns[0].values()` / `table.columns['name'].values()`, `column_names`,
 * `print_table()` (no-op), iteration over rows and `| length`.
 */
import { PyDate, PyDatetime } from './modules/datetime.js';
import { PY_GETATTR, PY_LEN, type PyObject, pyRepr } from './pyvalues.js';
import type { QueryTable } from './types.js';

/** BigInts are not usable in template arithmetic: make them numbers when that loses nothing. */
function normalizeValue(value: unknown): unknown {
  if (typeof value !== 'bigint') return value;
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(value)
    : value.toString();
}

const US_PER_DAY = 86_400_000_000;

/**
 * Date and naive timestamp cells become Python's date and datetime, as agate gives them to
 * dbt's macros (`value.strftime('%Y-%m-%d')`, `{{ value }}` printing 2024-01-02).
 */
function pythonCell(value: unknown, type: string | undefined): unknown {
  if (!(value instanceof Date) || type === undefined) return value;
  const us = value.getTime() * 1000;
  if (/^date$/i.test(type)) return new PyDate(Math.floor(us / US_PER_DAY));
  if (/^timestamp(\s*\(\d+\))?$/i.test(type)) return new PyDatetime(us);
  return value;
}

function at<T>(list: readonly T[], index: number): T | undefined {
  return list[index < 0 ? list.length + index : index];
}

export class AgateRow implements PyObject {
  constructor(
    private readonly cells: unknown[],
    private readonly names: readonly string[],
  ) {}

  [PY_GETATTR](key: string | number): unknown {
    if (typeof key === 'number') return at(this.cells, key);
    const i = this.names.indexOf(key);
    if (i >= 0) return this.cells[i];
    switch (key) {
      case 'keys':
        return () => [...this.names];
      case 'values':
        return () => [...this.cells];
      case 'items':
        return () => this.names.map((n, j) => [n, this.cells[j]]);
      case 'get':
        return (name: string, fallback: unknown = null) => {
          const j = this.names.indexOf(name);
          return j >= 0 ? this.cells[j] : fallback;
        };
      default:
        return undefined;
    }
  }
  [PY_LEN](): number {
    return this.cells.length;
  }
  [Symbol.iterator](): Iterator<unknown> {
    return this.cells[Symbol.iterator]();
  }
  toString(): string {
    return `<agate.Row: (${this.cells.map(pyRepr).join(', ')})>`;
  }
}

export class AgateColumn implements PyObject {
  constructor(
    readonly name: string,
    readonly data_type: string,
    private readonly cells: unknown[],
  ) {}

  values(): unknown[] {
    return [...this.cells];
  }
  [PY_GETATTR](key: string | number): unknown {
    if (typeof key === 'number') return at(this.cells, key);
    if (key === 'values') return () => this.values();
    if (key === 'name') return this.name;
    if (key === 'data_type') return this.data_type;
    return undefined;
  }
  [PY_LEN](): number {
    return this.cells.length;
  }
  [Symbol.iterator](): Iterator<unknown> {
    return this.cells[Symbol.iterator]();
  }
  toString(): string {
    return `<agate.Column: ${this.name}>`;
  }
}

/** table.columns: a sequence of columns also keyed by column name. */
export class AgateColumns implements PyObject {
  constructor(private readonly list: AgateColumn[]) {}

  [PY_GETATTR](key: string | number): unknown {
    if (typeof key === 'number') return at(this.list, key);
    const found = this.list.find((c) => c.name === key);
    if (found) return found;
    if (key === 'keys') return () => this.list.map((c) => c.name);
    if (key === 'values') return () => [...this.list];
    return undefined;
  }
  [PY_LEN](): number {
    return this.list.length;
  }
  [Symbol.iterator](): Iterator<AgateColumn> {
    return this.list[Symbol.iterator]();
  }
}

export class AgateTable implements PyObject {
  readonly column_names: string[];
  readonly column_types: string[];
  readonly rows: AgateRow[];
  readonly columns: AgateColumns;

  constructor(table: QueryTable) {
    this.column_names = [...table.columnNames];
    this.column_types = table.columnTypes ? [...table.columnTypes] : this.column_names.map(() => 'unknown');
    const data = table.rows.map((row) =>
      row.map((cell, i) => pythonCell(normalizeValue(cell), table.columnTypes?.[i])),
    );
    this.rows = data.map((cells) => new AgateRow(cells, this.column_names));
    this.columns = new AgateColumns(
      this.column_names.map(
        (name, i) =>
          new AgateColumn(
            name,
            this.column_types[i],
            data.map((cells) => cells[i]),
          ),
      ),
    );
  }

  [PY_GETATTR](key: string | number): unknown {
    switch (key) {
      case 'rows':
        return this.rows;
      case 'columns':
        return this.columns;
      case 'column_names':
        return this.column_names;
      case 'column_types':
        return this.column_types;
      case 'print_table':
      case 'print_json':
      case 'print_csv':
        return () => '';
      default:
        return typeof key === 'number' ? at(this.rows, key) : undefined;
    }
  }
  [PY_LEN](): number {
    return this.rows.length;
  }
  [Symbol.iterator](): Iterator<AgateRow> {
    return this.rows[Symbol.iterator]();
  }
  toString(): string {
    return `<agate.Table: ${this.rows.length} rows, columns ${pyRepr(this.column_names)}>`;
  }
}

/** The (row-less) table that results of statements run at parse time expose. */
export function emptyTable(): AgateTable {
  return new AgateTable({ columnNames: [], rows: [] });
}
