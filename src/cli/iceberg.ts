/**
 * `mdw iceberg history | files | partitions <schema.table>`, `rollback <schema.table> --to <id>`,
 * `optimize <schema.table> [--target-file-size 128MB]`,
 * `expire-snapshots [<schema.table>] [--older-than 7d] [--retain-last N]`,
 * `remove-orphans [<schema.table>] [--older-than 1h]`,
 * `register <schema.table> <metadata-file>`, `recover`, `rollback-metadata <schema.table>`
 * (docs/operations.md).
 */
import { isAbsolute, relative } from 'node:path';
import { createAdapter } from '../adapters/index.js';
import type { Adapter, Connection, IcebergOperations } from '../adapters/types.js';
import { formatCount } from '../run/progress.js';
import { ConfigError } from '../util/errors.js';
import { numberFlag, type ParsedArgs, stringFlag } from './args.js';
import { load } from './project.js';
import { formatTable } from './table-output.js';

const SUBCOMMANDS = [
  'history',
  'files',
  'partitions',
  'rollback',
  'optimize',
  'expire-snapshots',
  'remove-orphans',
  'register',
  'recover',
  'rollback-metadata',
];

/** Commands that repair the catalog: they open a warehouse whose catalog.db was lost. */
const RECOVERY = new Set(['register', 'recover']);

export async function icebergCommand(args: ParsedArgs): Promise<number> {
  const [sub, name] = args.positionals;
  if (!sub || !SUBCOMMANDS.includes(sub)) {
    throw new ConfigError(
      `mdw iceberg needs one of: ${SUBCOMMANDS.join(', ')} (e.g. mdw iceberg history mdw_cur.mdw_cur_ft_sales).`,
    );
  }
  const loaded = load(args, (line) => console.error(line));
  const adapter = await createAdapter(loaded.target, loaded.project.root, {
    recoverCatalog: RECOVERY.has(sub),
  });
  let conn: Connection | undefined;
  try {
    const iceberg = icebergOf(adapter);
    conn = await adapter.connect();
    const json = stringFlag(args, 'output') === 'json';
    const table = name === undefined ? undefined : splitName(name);
    const needTable = (): { schema: string; table: string } => {
      if (!table) throw new ConfigError(`mdw iceberg ${sub} needs a table as <schema>.<table>.`);
      return table;
    };
    const print = (rows: Record<string, unknown>[]): void => {
      if (json) process.stdout.write(`${JSON.stringify(rows)}\n`);
      else console.log(rows.length > 0 ? formatTable(Object.keys(rows[0]!), rows) : '(none)');
    };
    switch (sub) {
      case 'history': {
        const { schema, table: t } = needTable();
        print(
          (await iceberg.history(conn, schema, t)).map((s) => ({
            snapshot_id: s.snapshotId,
            parent_id: s.parentId,
            committed_at: s.committedAt.toISOString(),
            operation: s.operation,
            added_records: Number(s.summary['added-records'] ?? 0),
            deleted_records: Number(s.summary['deleted-records'] ?? 0),
            total_records: Number(s.summary['total-records'] ?? 0),
            current: s.isCurrent ? 'yes' : s.isCurrentAncestor ? '' : 'rolled back',
          })),
        );
        return 0;
      }
      case 'files': {
        const { schema, table: t } = needTable();
        const where = stringFlag(args, 'where');
        const files = await iceberg.files(conn, schema, t, stringFlag(args, 'as-of'), where);
        if (where !== undefined && !json) {
          const total = (await iceberg.files(conn, schema, t, stringFlag(args, 'as-of'))).length;
          console.log(`Files scanned for ${where}: ${files.length} of ${total}`);
        }
        print(
          files.map((f) => ({
            // a file of the local lakehouse relative to here; an engine's URI (s3://, local://) as it is
            path: isAbsolute(f.path) ? relative(process.cwd(), f.path) : f.path,
            partition: partitionText(f.partition),
            records: f.recordCount,
            bytes: f.fileSizeBytes,
          })),
        );
        return 0;
      }
      case 'partitions': {
        const { schema, table: t } = needTable();
        print(
          (await iceberg.partitions(conn, schema, t, stringFlag(args, 'as-of'))).map((p) => ({
            partition: partitionText(p.partition),
            records: p.recordCount,
            files: p.fileCount,
            bytes: p.totalSizeBytes,
          })),
        );
        return 0;
      }
      case 'rollback': {
        const { schema, table: t } = needTable();
        const to = stringFlag(args, 'to');
        if (!to)
          throw new ConfigError('mdw iceberg rollback needs --to <snapshot-id> (see mdw iceberg history).');
        await iceberg.rollback(conn, schema, t, to);
        console.log(`Rolled ${schema}.${t} back to snapshot ${to}.`);
        return 0;
      }
      case 'optimize': {
        const { schema, table: t } = needTable();
        const target = parseSize(stringFlag(args, 'target-file-size') ?? '128MB');
        const { filesBefore, filesAfter } = await iceberg.optimize(conn, schema, t, target);
        console.log(
          `Optimized ${schema}.${t}: ${formatCount(filesBefore)} data files → ${formatCount(filesAfter)}.`,
        );
        return 0;
      }
      case 'expire-snapshots': {
        const olderThan = stringFlag(args, 'older-than');
        const results = await iceberg.expireSnapshots(conn, {
          ...table,
          olderThanMs: olderThan === undefined ? undefined : parseAge(olderThan),
          retainLast: numberFlag(args, 'retain-last'),
        });
        for (const r of results)
          console.log(
            `${r.table}: expired ${r.expired} snapshots, ${r.deletedFiles === null ? 'deleted the files only they held (the engine does not report how many)' : `deleted ${r.deletedFiles} files`}.`,
          );
        return 0;
      }
      case 'register': {
        const { schema, table: t } = needTable();
        const file = args.positionals[2];
        if (!file)
          throw new ConfigError(
            'mdw iceberg register needs the metadata file: mdw iceberg register <schema>.<table> <path/to/NNNNN-….metadata.json>.',
          );
        const { location, snapshots } = await recoveryOf(iceberg, 'registerTable')(conn, schema, t, file);
        console.log(`Registered ${schema}.${t} at ${location} (${formatCount(snapshots)} snapshots).`);
        return 0;
      }
      case 'recover': {
        const results = await recoveryOf(iceberg, 'recoverCatalog')(conn);
        for (const r of results) {
          for (const skipped of r.skipped)
            console.log(`${r.table}: passed over ${skipped} (it does not read whole).`);
          if (r.location === '') console.log(`${r.table}: no metadata file reads whole; not recovered.`);
          else console.log(`Recovered ${r.table} at ${r.location} (${formatCount(r.snapshots)} snapshots).`);
        }
        if (results.length === 0)
          console.log('Every table folder of the warehouse is already in the catalog.');
        return results.some((r) => r.location === '') ? 1 : 0;
      }
      case 'rollback-metadata': {
        const { schema, table: t } = needTable();
        const { from, to, skipped } = await recoveryOf(iceberg, 'rollbackMetadata')(conn, schema, t);
        for (const file of skipped) console.log(`Passed over ${file} (it does not read whole).`);
        console.log(`Pointed ${schema}.${t} at ${to} (was ${from}).`);
        return 0;
      }
      default: {
        const olderThan = stringFlag(args, 'older-than');
        const results = await iceberg.removeOrphans(conn, {
          ...table,
          olderThanMs: olderThan === undefined ? undefined : parseAge(olderThan),
        });
        for (const r of results)
          console.log(
            r.deletedFiles === null
              ? `${r.table}: removed the orphan files older than the cutoff (the engine does not report how many).`
              : `${r.table}: removed ${r.deletedFiles} orphan files.`,
          );
        return 0;
      }
    }
  } finally {
    await conn?.close();
    await adapter.close();
  }
}

export function icebergOf(adapter: Adapter): IcebergOperations {
  if (!adapter.iceberg) {
    throw new ConfigError(
      `Target '${adapter.target.name}' (${adapter.type}) keeps no Iceberg tables mdw can maintain.`,
    );
  }
  return adapter.iceberg;
}

/** A recovery operation of the target, or one sentence saying the target has none. */
function recoveryOf<K extends 'registerTable' | 'recoverCatalog' | 'rollbackMetadata'>(
  iceberg: IcebergOperations,
  key: K,
): NonNullable<IcebergOperations[K]> {
  const operation = iceberg[key];
  if (!operation)
    throw new ConfigError(
      `This target's Iceberg catalog is not mdw's own; repair it with its engine's tools.`,
    );
  return operation.bind(iceberg) as NonNullable<IcebergOperations[K]>;
}

function splitName(name: string): { schema: string; table: string } {
  const parts = name.split('.');
  if (parts.length !== 2 || parts.some((p) => p === '')) {
    throw new ConfigError(
      `Name the table as <schema>.<table>, e.g. mdw_cur.mdw_cur_ft_sales; got '${name}'.`,
    );
  }
  return { schema: parts[0]!, table: parts[1]! };
}

function partitionText(partition: Record<string, unknown>): string {
  const entries = Object.entries(partition);
  return entries.length === 0 ? '(unpartitioned)' : entries.map(([k, v]) => `${k}=${v ?? 'null'}`).join('/');
}

/** "128MB", "1GB", "512kb", "1048576" → bytes. */
export function parseSize(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$/i.exec(text);
  if (!match) throw new ConfigError(`'${text}' is not a size; use e.g. 128MB or 1GB.`);
  const unit = (match[2] ?? 'b').toLowerCase()[0]!;
  const factor = { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[unit] ?? 1;
  return Math.round(Number(match[1]) * factor);
}

/** "7d", "12h", "30m", "0" → milliseconds. */
export function parseAge(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/i.exec(text);
  if (!match) throw new ConfigError(`'${text}' is not an age; use e.g. 7d, 12h, 30m or 0.`);
  const factor =
    { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(match[2] ?? 'ms').toLowerCase()] ?? 1;
  return Math.round(Number(match[1]) * factor);
}
