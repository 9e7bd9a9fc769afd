/**
 * Time travel for SQL written by hand on engines that cannot redirect names on a session (Trino,
 * Athena): every two-part name `schema.table` that names an Iceberg table of the warehouse is
 * replaced by that table's past relation (`"cat"."schema"."table" FOR VERSION AS OF …`).
 * Strings, comments, longer dotted names (`schema.table.column`, `cat.schema.table`) and
 * function calls are left as written.
 */

interface NamePart {
  /** the identifier as Trino resolves it (lower case; a quoted one as written) */
  value: string;
  start: number;
  end: number;
}

/** `pastOf` maps `schema.table` (lower case) to the SQL that reads it in the past. */
export function rewriteNamesAsOf(sql: string, pastOf: ReadonlyMap<string, string>): string {
  let out = '';
  let copied = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (c === "'") {
      i = closing(sql, i, "'");
    } else if (sql.startsWith('--', i)) {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end;
    } else if (sql.startsWith('/*', i)) {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === '"' || isIdentifierStart(c)) {
      const parts = dottedName(sql, i);
      const end = parts[parts.length - 1]!.end;
      const precededByDot = /\.\s*$/.test(sql.slice(0, i));
      const past =
        parts.length === 2 && !precededByDot && !/^\s*\(/.test(sql.slice(end))
          ? pastOf.get(`${parts[0]!.value}.${parts[1]!.value}`)
          : undefined;
      if (past !== undefined) {
        out += sql.slice(copied, i) + past;
        copied = end;
      }
      i = end;
    } else {
      i++;
    }
  }
  return out + sql.slice(copied);
}

/** The identifiers of a dotted name starting at `start` (one part when there is no dot). */
function dottedName(sql: string, start: number): NamePart[] {
  const parts: NamePart[] = [];
  let i = start;
  for (;;) {
    const part = identifier(sql, i);
    if (!part) break;
    parts.push(part);
    const dot = /^\s*\.\s*/.exec(sql.slice(part.end));
    if (!dot || !identifier(sql, part.end + dot[0].length)) break;
    i = part.end + dot[0].length;
  }
  return parts;
}

function identifier(sql: string, start: number): NamePart | undefined {
  const c = sql[start];
  if (c === '"') {
    const end = closing(sql, start, '"');
    return { value: sql.slice(start + 1, end - 1).replaceAll('""', '"'), start, end };
  }
  if (c === undefined || !isIdentifierStart(c)) return undefined;
  let end = start + 1;
  while (end < sql.length && /[A-Za-z0-9_$]/.test(sql[end]!)) end++;
  return { value: sql.slice(start, end).toLowerCase(), start, end };
}

function isIdentifierStart(c: string): boolean {
  return /[A-Za-z_]/.test(c);
}

/** The offset just past the quote that closes the one at `start` (doubled quotes escape). */
function closing(sql: string, start: number, quote: string): number {
  let i = start + 1;
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2;
      else return i + 1;
    } else i++;
  }
  return sql.length;
}
