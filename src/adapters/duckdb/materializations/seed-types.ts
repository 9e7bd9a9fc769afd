/**
 * Seed column types inferred the way dbt does (agate's type tester, first match wins:
 * Number, Date, DateTime, ISO datetime, Boolean, Text; '' and 'null' are NULL) and mapped to
 * the types dbt-duckdb creates (dbt's SQL defaults: integer / float8 / date /
 * timestamp without time zone / boolean / text):
 *
 *   number, all values whole → INTEGER (BIGINT/DOUBLE when a value does not fit, where dbt would fail)
 *   number with decimals     → DOUBLE
 *   date (%Y-%m-%d)          → DATE
 *   datetime / ISO 8601      → TIMESTAMP
 *   true/false               → BOOLEAN
 *   anything else            → VARCHAR
 *   header only (no rows)    → VARCHAR (agate would say integer; VARCHAR is the safer empty table)
 *
 * The whole computation runs in DuckDB over the CSV loaded as VARCHAR.
 */

import { quoteIdentifier } from '../../sql-helpers.js';
import type { Connection, Relation } from '../../types.js';

export type SeedType = 'INTEGER' | 'BIGINT' | 'DOUBLE' | 'DATE' | 'TIMESTAMP' | 'BOOLEAN' | 'VARCHAR';

/** agate's null values ('' and 'null', case-insensitive, surrounding blanks ignored). */
export function isNullish(column: string): string {
  return `(${column} is null or lower(trim(${column})) in ('', 'null'))`;
}

/**
 * agate's Number parsing: trim, strip '%' at the ends, keep a leading '-', strip currency
 * symbols at the ends, drop ',' group separators.
 */
function numericText(column: string): string {
  const trimmed = `trim(trim(${column}), '%')`;
  const negative = `starts_with(${trimmed}, '-')`;
  const body = `case when ${negative} then substr(${trimmed}, 2) else ${trimmed} end`;
  return `(case when ${negative} then '-' else '' end || replace(trim(${body}, '$€£¥₹₩₽'), ',', ''))`;
}

const NUMBER = `'[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?'`;
const WHOLE = `'[+-]?([0-9]+[.]?0*|[.]0+)'`;
const DATE = `'[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}'`;
const DATETIME = `'[0-9]{4}-[0-9]{1,2}-[0-9]{1,2} [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}'`;
const ISO_DATETIME = `'[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}(:[0-9]{2}(:[0-9]{2}([.,][0-9]+)?)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?'`;

/** Per-value tests, each true when the (non-null) value passes. */
function valueTests(column: string): Record<string, string> {
  const n = numericText(column);
  const t = `trim(${column})`;
  const number = `regexp_full_match(${n}, ${NUMBER})`;
  // agate counts decimal places after normalizing, so 1.0 and 1e3 are whole numbers.
  const whole = `(${number} and (regexp_full_match(${n}, ${WHOLE}) or (regexp_matches(${n}, '[eE]') and try_cast(${n} as double) = trunc(try_cast(${n} as double)))))`;
  return {
    number,
    whole,
    int32: `(${whole} and try_cast(${n} as integer) is not null)`,
    int64: `(${whole} and try_cast(${n} as bigint) is not null)`,
    date: `(regexp_full_match(${t}, ${DATE}) and try_cast(${t} as date) is not null)`,
    datetime: `(regexp_full_match(${t}, ${DATETIME}) and try_cast(${t} as timestamp) is not null)`,
    iso: `(regexp_full_match(${t}, ${ISO_DATETIME}) and try_cast(replace(${t}, ',', '.') as timestamp) is not null)`,
    boolean: `lower(${t}) in ('true', 'false')`,
  };
}

/** Infer the type of each of `columns` of the all-VARCHAR table `raw`. Empty tables → VARCHAR. */
export async function inferSeedTypes(
  conn: Connection,
  raw: Relation,
  columns: string[],
): Promise<SeedType[]> {
  if (columns.length === 0) return [];
  const selects: string[] = ['count(*)'];
  for (const name of columns) {
    const column = quoteIdentifier(name);
    for (const test of Object.values(valueTests(column))) {
      // No non-null value at all → every test passes (agate then picks Number).
      selects.push(`coalesce(bool_and(${test}) filter (where not ${isNullish(column)}), true)`);
    }
  }
  const result = await conn.query(`select ${selects.join(',\n  ')} from ${raw.render()}`);
  const row = result.rows[0] ?? [];
  if (Number(row[0] ?? 0) === 0) return columns.map(() => 'VARCHAR');
  const testCount = Object.keys(valueTests('x')).length;
  return columns.map((_, index) => {
    const [number, whole, int32, int64, date, datetime, iso, boolean] = row
      .slice(1 + index * testCount, 1 + (index + 1) * testCount)
      .map((value) => value === true);
    if (number) {
      if (!whole) return 'DOUBLE';
      return int32 ? 'INTEGER' : int64 ? 'BIGINT' : 'DOUBLE';
    }
    if (date) return 'DATE';
    if (datetime || iso) return 'TIMESTAMP';
    if (boolean) return 'BOOLEAN';
    return 'VARCHAR';
  });
}

/**
 * SQL turning the raw VARCHAR `column` into a value of `type`. dbt-duckdb loads seeds with
 * DuckDB's CSV COPY into the inferred types, so text keeps what the reader gives (an empty
 * field is NULL, the word 'null' stays text); for typed columns agate's null words become NULL
 * (where COPY would fail) and agate's number spellings ('1,234', '$5') are accepted.
 */
export function convertExpression(column: string, type: SeedType): string {
  if (type === 'VARCHAR') return column;
  const t = `trim(${column})`;
  const value = (() => {
    switch (type) {
      case 'INTEGER':
      case 'BIGINT':
      case 'DOUBLE':
        return `cast(${numericText(column)} as ${type})`;
      case 'DATE':
        return `cast(${t} as date)`;
      case 'TIMESTAMP':
        return `cast(replace(${t}, ',', '.') as timestamp)`;
      case 'BOOLEAN':
        return `(lower(${t}) = 'true')`;
    }
  })();
  return `case when ${isNullish(column)} then null else ${value} end`;
}
