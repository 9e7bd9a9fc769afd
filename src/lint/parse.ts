/**
 * DuckDB's own parser as a library: `json_serialize_sql` returns a statement's syntax tree
 * as JSON (no extension needed). Locations in it are UTF-8 byte offsets; they are turned
 * into character offsets here so the rest of lint works on JS strings.
 */
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

export type AstNode = Record<string, unknown>;

export type ParseResult =
  | { ok: true; statement: AstNode; toCharOffset: (byteOffset: number) => number | undefined }
  | { ok: false; message: string; offset: number | undefined };

export class SqlParser {
  private constructor(
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(): Promise<SqlParser> {
    const { DuckDBInstance } = await import('@duckdb/node-api');
    const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
    return new SqlParser(instance, await instance.connect());
  }

  async parse(sql: string): Promise<ParseResult> {
    return (await this.parseMany([sql]))[0]!;
  }

  /** Parses many statements in one DuckDB call (a round trip per model would cost more than the parse). */
  async parseMany(sqls: string[]): Promise<ParseResult[]> {
    if (sqls.length === 0) return [];
    const { listValue, LIST, VARCHAR } = await import('@duckdb/node-api');
    const reader = await this.connection.runAndReadAll(
      'select i, json_serialize_sql(s) from (select unnest(generate_series(1, len($1))) as i, unnest($1) as s)',
      [listValue(sqls)],
      [LIST(VARCHAR)],
    );
    const trees: string[] = new Array(sqls.length);
    for (const [i, json] of reader.getRows()) trees[Number(i) - 1] = String(json);
    return sqls.map((sql, i) => toResult(sql, JSON.parse(trees[i]!) as AstNode));
  }

  close(): void {
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function toResult(sql: string, tree: AstNode): ParseResult {
  const toChar = charOffsets(sql);
  if (tree.error === true) {
    const position = Number(tree.position);
    return {
      ok: false,
      message: String(tree.error_message ?? 'syntax error'),
      offset: Number.isFinite(position) ? toChar(position) : undefined,
    };
  }
  const statements = tree.statements as AstNode[];
  if (statements.length !== 1) {
    return { ok: false, message: `expected one SELECT statement, found ${statements.length}`, offset: 0 };
  }
  return { ok: true, statement: statements[0]!, toCharOffset: toChar };
}

/** Byte offset → character offset (undefined for DuckDB's "no location" marker and beyond the end). */
function charOffsets(sql: string): (byteOffset: number) => number | undefined {
  const bytes = Buffer.byteLength(sql);
  if (bytes === sql.length) return (offset) => (offset >= 0 && offset < bytes ? offset : undefined);
  const table = new Int32Array(bytes + 1);
  let byte = 0;
  for (let char = 0; char < sql.length; char++) {
    const code = sql.codePointAt(char)!;
    const width = code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4;
    for (let k = 0; k < width; k++) table[byte + k] = char;
    byte += width;
    if (code >= 0x10000) char++;
  }
  return (offset) => (offset >= 0 && offset < bytes ? table[offset] : undefined);
}
