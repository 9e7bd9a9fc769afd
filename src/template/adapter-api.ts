/**
 * The parts of dbt's adapter API that package macros call: `api.Column` (dbt's base Column:
 * name, quoted, data_type, is_string()...), and `modules.itertools`. The SQL-running methods
 * (get_columns_in_relation, get_relation) live on the template's adapter (dbt-functions.ts).
 */
import { bindArgs, splitArgs } from './args.js';
import { PY_GETATTR, type PyObject, pyStr } from './pyvalues.js';

const STRING_TYPES = new Set(['text', 'character varying', 'character', 'varchar']);
const FLOAT_TYPES = new Set(['real', 'float4', 'float', 'double precision', 'float8', 'double']);
const INTEGER_TYPES = new Set([
  ...['smallint', 'integer', 'bigint', 'smallserial', 'serial', 'bigserial'],
  ...['int2', 'int4', 'int8', 'serial2', 'serial4', 'serial8', 'tinyint', 'hugeint', 'int', 'int1'],
  ...['utinyint', 'usmallint', 'uinteger', 'ubigint', 'short', 'signed', 'long'],
]);
const TYPE_LABELS: Record<string, string> = {
  STRING: 'TEXT',
  TIMESTAMP: 'TIMESTAMP',
  FLOAT: 'FLOAT',
  INTEGER: 'INT',
  BOOLEAN: 'BOOLEAN',
};

const optionalNumber = (value: unknown): number | null =>
  value === undefined || value === null ? null : Number(value);

/** dbt's Column: `column` and `dtype` as the database reports them. */
export class Column implements PyObject {
  constructor(
    readonly column: string,
    readonly dtype: string,
    readonly char_size: number | null = null,
    readonly numeric_precision: number | null = null,
    readonly numeric_scale: number | null = null,
  ) {}

  get name(): string {
    return this.column;
  }
  get quoted(): string {
    return `"${this.column}"`;
  }
  is_string(): boolean {
    return STRING_TYPES.has(this.dtype.toLowerCase());
  }
  is_float(): boolean {
    return FLOAT_TYPES.has(this.dtype.toLowerCase());
  }
  is_integer(): boolean {
    return INTEGER_TYPES.has(this.dtype.toLowerCase());
  }
  is_numeric(): boolean {
    return ['numeric', 'decimal'].includes(this.dtype.toLowerCase());
  }
  is_number(): boolean {
    return this.is_integer() || this.is_numeric() || this.is_float();
  }
  string_size(): number {
    if (!this.is_string()) throw new Error(`string_size() called on the non-string column '${this.column}'`);
    return this.dtype === 'text' || this.char_size === null ? 256 : this.char_size;
  }
  /** dbt: strings as character varying(n), numerics with their precision, else the dtype. */
  get data_type(): string {
    if (this.is_string()) return `character varying(${this.string_size()})`;
    if (this.is_numeric() && this.numeric_precision !== null && this.numeric_scale !== null)
      return `${this.dtype}(${this.numeric_precision},${this.numeric_scale})`;
    return this.dtype;
  }
  literal(value: unknown): string {
    return `${pyStr(value)}::${this.data_type}`;
  }
  [PY_GETATTR](key: string | number): unknown {
    switch (key) {
      case 'name':
        return this.name;
      case 'quoted':
        return this.quoted;
      case 'data_type':
      case 'expanded_data_type':
        return this.data_type;
      case 'column':
      case 'dtype':
      case 'char_size':
      case 'numeric_precision':
      case 'numeric_scale':
        return this[key];
      case 'is_string':
      case 'is_float':
      case 'is_integer':
      case 'is_numeric':
      case 'is_number':
      case 'string_size':
      case 'literal':
        return this[key].bind(this);
      default:
        return undefined;
    }
  }
  toString(): string {
    return `<Column ${this.column} (${this.data_type})>`;
  }
}

function newColumn(...args: unknown[]): Column {
  const { column, dtype, char_size, numeric_precision, numeric_scale } = bindArgs(args, [
    'column',
    'dtype',
    'char_size',
    'numeric_precision',
    'numeric_scale',
  ]);
  return new Column(
    pyStr(column),
    pyStr(dtype),
    optionalNumber(char_size),
    optionalNumber(numeric_precision),
    optionalNumber(numeric_scale),
  );
}

/** `api.Column(...)`, `api.Column.create(name, label_or_dtype)`, `api.Column.translate_type(t)`. */
export const columnApi = Object.assign(newColumn, {
  translate_type: (dtype: unknown): string => TYPE_LABELS[pyStr(dtype).toUpperCase()] ?? pyStr(dtype),
  create: (name: unknown, labelOrType: unknown): Column =>
    new Column(pyStr(name), TYPE_LABELS[pyStr(labelOrType).toUpperCase()] ?? pyStr(labelOrType)),
  /** `name`, `varchar(10)` / `numeric(10,2)` as a column with its size parts */
  from_description: (name: unknown, raw: unknown): Column => {
    const m = /^([^(]+)(\(([^)]+)\))?/.exec(pyStr(raw));
    if (!m) throw new Error(`Could not interpret data type "${pyStr(raw)}"`);
    const dtype = m[1]!;
    const sizes = m[3]?.split(',').map((s) => Number(s.trim())) ?? [];
    if (sizes.length === 1) return new Column(pyStr(name), dtype, sizes[0]!);
    if (sizes.length === 2) return new Column(pyStr(name), dtype, null, sizes[0]!, sizes[1]!);
    return new Column(pyStr(name), dtype);
  },
});

const toList = (value: unknown): unknown[] => {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (value && typeof value === 'object' && Symbol.iterator in value)
    return [...(value as Iterable<unknown>)];
  if (value && typeof value === 'object') return Object.keys(value);
  return [];
};

function combinations(pool: unknown[], r: number): unknown[][] {
  if (r === 0) return [[]];
  return pool.flatMap((item, i) => combinations(pool.slice(i + 1), r - 1).map((rest) => [item, ...rest]));
}

function permutations(pool: unknown[], r: number): unknown[][] {
  if (r === 0) return [[]];
  return pool.flatMap((item, i) =>
    permutations([...pool.slice(0, i), ...pool.slice(i + 1)], r - 1).map((rest) => [item, ...rest]),
  );
}

/** Python's itertools, as lists (templates iterate them at once). */
export function itertoolsModule(): Record<string, unknown> {
  return {
    chain: (...iterables: unknown[]) => iterables.flatMap(toList),
    product: (...args: unknown[]) => {
      const { positional, keywords } = splitArgs(args);
      const repeat = Number(keywords.repeat ?? 1);
      const pools = Array.from({ length: repeat }, () => positional.map(toList)).flat();
      return pools.reduce<unknown[][]>(
        (acc, pool) => acc.flatMap((prefix) => pool.map((x) => [...prefix, x])),
        [[]],
      );
    },
    combinations: (iterable: unknown, r: unknown) => combinations(toList(iterable), Number(r)),
    permutations: (iterable: unknown, r?: unknown) => {
      const pool = toList(iterable);
      return permutations(pool, r === undefined || r === null ? pool.length : Number(r));
    },
    islice: (iterable: unknown, ...bounds: unknown[]) => {
      const list = toList(iterable);
      const [start, stop] = bounds.length === 1 ? [0, bounds[0]] : [bounds[0] ?? 0, bounds[1]];
      return list.slice(Number(start ?? 0), stop === null || stop === undefined ? undefined : Number(stop));
    },
    repeat: (value: unknown, times: unknown) => Array.from({ length: Number(times) }, () => value),
  };
}
