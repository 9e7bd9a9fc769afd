/** `mdw show --inline "<sql>" | -s <model> [--limit N] [--output json]` — preview rows. */
import { createAdapter } from '../adapters/index.js';
import type { AsOf, Relation } from '../adapters/types.js';
import { Compiler, inlineNode, relationKey } from '../run/compile.js';
import { ConfigError } from '../util/errors.js';
import { stringifyJson } from '../util/exact-json.js';
import { didYouMean } from '../util/suggest.js';
import { numberFlag, type ParsedArgs, stringFlag } from './args.js';
import { icebergOf } from './iceberg.js';
import { previewQuery } from './preview-query.js';
import { formatPreview, jsonValue, previewKind } from './preview-table.js';
import { load, selectionArgs } from './project.js';

export async function showCommand(args: ParsedArgs): Promise<number> {
  const loaded = load(args, (line) => console.error(line));
  const inline = stringFlag(args, 'inline');
  const { select } = selectionArgs(args);
  const limit = numberFlag(args, 'limit') ?? 5;
  const json = stringFlag(args, 'output') === 'json';
  let node = inline !== undefined ? inlineNode(loaded, inline) : undefined;
  if (!node) {
    const name = select?.[0];
    if (!name) throw new ConfigError(`mdw show needs --inline "<sql>" or -s <model>.`);
    node = Object.values(loaded.manifest.nodes).find((n) => n.name === name && n.resource_type !== 'test');
    if (!node) {
      const names = Object.values(loaded.manifest.nodes).map((n) => n.name);
      throw new ConfigError(`No model, seed or snapshot named '${name}'.${didYouMean(name, names)}`);
    }
  }
  const compiler = new Compiler(loaded);
  const adapter = await createAdapter(loaded.target, loaded.project.root, { reader: true });
  const connection = await adapter.connect();
  try {
    const runQuery = async (sql: string) => connection.query(sql);
    const asOfFlag = stringFlag(args, 'as-of');
    const asOf = asOfFlag === undefined ? undefined : parseAsOf(asOfFlag);
    // Time travel: refs and sources to Iceberg tables compile to the engine's past relations.
    const relationsAsOf = new Map<string, Relation>();
    if (asOf) {
      const iceberg = icebergOf(adapter);
      for (const { schema, table } of await iceberg.listTables(connection)) {
        const present = adapter.relation(loaded.target.database, schema, table, 'table');
        relationsAsOf.set(relationKey(schema, table), await iceberg.relationAsOf(connection, present, asOf));
      }
    }
    const sql =
      node.resource_type === 'seed'
        ? `select * from ${node.relation_name}`
        : await compiler.compile(node, { runQuery, which: 'show', relationsAsOf });
    // ... and `schema.table` written by hand in --inline SQL resolves to the past too.
    const rewrite = asOf ? await icebergOf(adapter).resolveNamesAsOf(connection, asOf) : undefined;
    const written = sql.trim().replace(/;\s*$/, '');
    const asWritten = rewrite ? rewrite(written) : written;
    // Filters on Iceberg tables skip the files that cannot match (the engine may not on its own).
    const planned = asOf ? undefined : await adapter.iceberg?.pruneReads?.(connection, asWritten);
    for (const read of planned?.reads ?? []) {
      console.error(
        `Scan planning: ${read.relation} reads ${read.filesRead} of ${read.filesTotal} files (${read.filters.join(' and ')})`,
      );
    }
    const body = planned?.sql ?? asWritten;
    const preview = previewQuery(body, limit);
    const result = await connection.query(preview.sql);
    if (preview.keep !== null) result.rows = result.rows.slice(0, preview.keep);
    const types = result.columnNames.map((_, i) => result.columnTypes[i] ?? '');
    if (json) {
      const kinds = types.map((type, i) =>
        previewKind(
          type,
          result.rows.map((r) => r[i]),
        ),
      );
      const rows = result.rows.map((row) =>
        Object.fromEntries(result.columnNames.map((c, i) => [c, jsonValue(row[i], kinds[i]!, types[i]!)])),
      );
      process.stdout.write(`${stringifyJson(rows, 0)}\n`);
    } else {
      console.log(`Previewing ${inline !== undefined ? 'inline node' : `node '${node.name}'`}:`);
      console.log(formatPreview(result.columnNames, types, result.rows));
    }
    return 0;
  } finally {
    await connection.close();
    await adapter.close();
  }
}

/** A snapshot id (a long number), epoch milliseconds (13 digits), or a date-time (UTC unless it says). */
export function parseAsOf(text: string): AsOf {
  const trimmed = text.trim();
  if (/^\d{13}$/.test(trimmed)) return { timestampMs: Number(trimmed) };
  if (/^-?\d+$/.test(trimmed)) return { snapshotId: trimmed };
  const hasZone = /([zZ]|[+-]\d{2}:?\d{2})$/.test(trimmed);
  const iso = trimmed.replace(' ', 'T');
  const ms = Date.parse(/T\d{2}:\d{2}/.test(iso) && !hasZone ? `${iso}Z` : iso);
  if (Number.isNaN(ms)) {
    throw new ConfigError(
      `--as-of takes a snapshot id or a time such as '2026-11-27 13:24:30' (UTC); got '${text}'.`,
    );
  }
  return { timestampMs: ms };
}
