/**
 * Small, engine-neutral SQL text helpers shared by the adapters (ANSI quoting rules).
 */

/** Double-quote an identifier, doubling any embedded quote. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** A single-quoted SQL string literal. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

const PLAIN_IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** A bare column name (as opposed to an expression or an already-quoted name). */
export function isPlainIdentifier(name: string): boolean {
  return PLAIN_IDENTIFIER.test(name.trim());
}

/**
 * A column as written in config (unique_key, partition_by, check_cols): plain names are quoted so
 * reserved words work; anything else (an expression, an already-quoted name) is used as written,
 * because dbt allows expressions there.
 */
export function columnReference(name: string): string {
  const trimmed = name.trim();
  return PLAIN_IDENTIFIER.test(trimmed) ? quoteIdentifier(trimmed) : trimmed;
}

/** `alias.column` for a configured column name (see columnReference). */
export function qualifiedColumn(alias: string, name: string): string {
  const trimmed = name.trim();
  return PLAIN_IDENTIFIER.test(trimmed) ? `${alias}.${quoteIdentifier(trimmed)}` : trimmed;
}

/** Remove trailing semicolons/whitespace so a SELECT can be wrapped in another statement. */
export function stripTrailingSemicolons(sql: string): string {
  return sql.replace(/[\s;]+$/, '');
}

/**
 * Wrap a SELECT as a parenthesised subquery. The newline before `)` keeps a trailing
 * `-- comment` in the user's SQL from swallowing the closing parenthesis.
 */
export function asSubquery(sql: string): string {
  return `(\n${stripTrailingSemicolons(sql)}\n)`;
}
